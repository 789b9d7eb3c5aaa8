# t0601: `ember record --hot-cold` on the off-CPU ground-truth workload: the
# on-CPU total within 5 % of the CPU time the threads measured, the blocked
# functions' off-CPU time within 5 % of theirs, off-CPU frames (and only
# they) marked _[o], no tracing frame when another tracer shares
# sched_switch, and an SVG whose subtitle counts what was dropped.
. "$(dirname "$0")/lib.sh"
WL=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/offcpu_truth
[ -x "$WL" ] || skip "offcpu_truth workload not built (make build/workloads/offcpu_truth)"
[ "$(id -u)" = 0 ] || skip "off-CPU recording needs root (tracefs and sched:sched_switch)"

# as in t0600: the truth holds for a run without lost records
for try in 1 2 3; do
	"$EMBER" record --hot-cold -F 999 -o hc.folded -- "$WL" 2 >truth.txt 2>err.txt || fail "ember record --hot-cold failed: $(cat err.txt)"
	cat err.txt
	grep -q ' 0 lost with 0 lost records' err.txt && break
	[ $try = 3 ] && skip "records lost in 3 runs (machine too busy)"
done
expect_match err.txt '^ember record: on-CPU [0-9.]+ s \(sample periods scaled by [0-9.]+, from switch times\); off-CPU [0-9.]+ s'
expect_match hc.folded '^spinner;__clone3;start_thread;run;cpu_spin [0-9]+$'
expect_match hc.folded '^reader;\[S\]_\[o\];__clone3_\[o\];.*;pipe_read_wait_\[o\];.*schedule_\[k\]_\[o\] [0-9]+$'
awk -v out=check.txt '
FNR == NR {
	if ($1 == "offcpu_truth:" && $2 ~ /^thread=/) {
		split($3, fa, "="); split($4, b, "="); split($5, c, "=")
		truth[fa[2]] = b[2]; cpu += c[2]
	}
	next
}
{
	n = $NF; line = $0; sub(/ [0-9]+$/, "", line)
	if (line ~ /_\[o\]/) {
		k = split(line, fr, ";")
		for (i = 2; i <= k; i++) if (fr[i] !~ /_\[o\]$/) mixed++
		for (f in truth) if (index(line, ";" f "_[o];")) got[f] += n
	} else {
		on += n
	}
}
END {
	bad = (mixed > 0)
	d = (on - cpu) * 100 / cpu
	printf "on-CPU           truth %11.0f ns  ember %11.0f ns  %+6.2f %%\n", cpu, on, d > out
	if (d > 5 || d < -5) bad++
	for (f in truth) {
		if (truth[f] == 0) continue
		d = (got[f] - truth[f]) * 100 / truth[f]
		printf "%-16s truth %11.0f ns  ember %11.0f ns  %+6.2f %%\n", f, truth[f], got[f], d > out
		if (d > 5 || d < -5) bad++
	}
	printf "off-CPU stacks with unmarked frames: %d\n", mixed > out
	exit bad
}' truth.txt hc.folded
st=$?
cat check.txt
[ $st = 0 ] || fail "hot/cold totals off the truth by more than 5 % (see above)"
# With another tracer on sched_switch (here a second ember, off-CPU) the
# kernel calls the probes through __traceiter_sched_switch: a frame of the
# tracing, not of the task, so not in the stacks (CI failed on it once).
"$EMBER" record --off-cpu -q -o other.folded -- sleep 4 2>other.err &
other=$!
sleep 0.5
expect_status 0 "$EMBER" record -q --hot-cold -o hc2.folded -- "$WL" 2
wait $other || fail "the other recording failed: $(cat other.err)"
grep -q '__traceiter_' hc2.folded && fail "a tracing frame in the stacks: $(grep -m1 __traceiter_ hc2.folded)"
expect_match hc2.folded '^reader;\[S\]_\[o\];__clone3_\[o\];.*;pipe_read_wait_\[o\];.*schedule_\[k\]_\[o\] [0-9]+$'
expect_status 0 "$EMBER" record -q --hot-cold -o hc.svg -- "$WL"
# the off-CPU frame is drawn blue (io palette) and its _[o] is not shown
expect_match hc.svg '<title>pipe_read_wait \([0-9,]+ [a-z]+, [0-9.]+%\)</title><rect [^>]*fill="rgb\(([0-9]+),\1,(19[0-9]|2[0-4][0-9])\)"'
expect_match hc.svg '\(--hot-cold: [0-9]+ blocks; not counted: [0-9]+ lost, [0-9]+ without a stack'
