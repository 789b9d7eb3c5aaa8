# t0600: `ember record --off-cpu` on the off-CPU ground-truth workload (built
# -O2 -fomit-frame-pointer; threads that nanosleep, wait on a mutex held
# 30 ms, read a pipe fed every 10 ms, and spin): each blocking function's
# off-CPU nanoseconds within 5 % of what the thread measured itself, >= 99 %
# of the off-CPU time on complete stacks (reaching _start or the thread's
# clone3), the kernel frames that show why ([k] schedule), the [S] state
# frame, the spinner absent (preempted, not blocked), and drops counted.
. "$(dirname "$0")/lib.sh"
WL=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/offcpu_truth
[ -x "$WL" ] || skip "offcpu_truth workload not built (make build/workloads/offcpu_truth)"
[ "$(id -u)" = 0 ] || skip "off-CPU recording needs root (tracefs and sched:sched_switch)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
st=$?
[ $st = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
[ $st = 0 ] || fail "ember record -- true exited $st: $(cat probe.err)"

# A lost record voids every pending switch-out (its switch-in may be the one
# lost), so the truth only holds for a run without losses: a slow (sanitized)
# build on a busy machine may need a second try. The same for a sampled block
# whose switch-in the BPF program did not see (counted as "switch-ins unseen":
# 0-2 in ~320 blocks on a third of the runs here, cause unknown; the program
# ran for every switch, no recursion misses): its whole block, up to 30 ms,
# is missing from the totals. Five tries; more than 1 % unseen fails.
for try in 1 2 3 4 5; do
	"$EMBER" record --off-cpu -o off.folded -- "$WL" 2 >truth.txt 2>err.txt || fail "ember record --off-cpu failed: $(cat err.txt)"
	cat err.txt
	expect_match err.txt '^ember record: off-CPU [0-9.]+ s in [0-9]+ blocks'
	expect_match err.txt ' 0 without a stack, 0 still blocked at the end, [0-9]+ lost with [0-9]+ lost records'
	unseen=$(sed -n 's/.* \([0-9]*\) switch-ins unseen.*/\1/p' err.txt)
	blocks=$(sed -n 's/^ember record: off-CPU [0-9.]* s in \([0-9]*\) blocks.*/\1/p' err.txt)
	[ $(( ${unseen:-0} * 100 )) -le "$blocks" ] || fail "$unseen of $blocks switch-ins unseen"
	grep -q ' 0 lost with 0 lost records' err.txt && ! grep -q ' [1-9][0-9]* switch-ins unseen' err.txt && break
	[ $try = 5 ] && skip "records lost or switch-ins unseen in 5 runs: $(grep -o '[0-9]* lost with [0-9]* lost records\|[0-9]* switch-ins unseen' err.txt | tr '\n' ' ')"
done
expect_match off.folded '^sleeper;\[S\];__clone3;start_thread;run;sleeper;sleep_wait;.*;schedule_\[k\]'
grep -q '^spinner;' off.folded && fail "the CPU-bound thread shows up as blocked"
awk -v out=check.txt '
FNR == NR {
	if ($1 == "offcpu_truth:" && $2 ~ /^thread=/) { split($3, fa, "="); split($4, b, "="); truth[fa[2]] = b[2] }
	next
}
{
	n = $NF; line = $0; sub(/ [0-9]+$/, "", line)
	k = split(line, fr, ";")
	total += n
	if (fr[3] == "_start" || fr[3] == "__clone3" || fr[3] == "clone3") complete += n
	for (f in truth) if (index(line, ";" f ";")) got[f] += n
}
END {
	bad = 0
	for (f in truth) {
		if (truth[f] == 0) continue
		d = (got[f] - truth[f]) * 100 / truth[f]
		printf "%-16s truth %11.0f ns  ember %11.0f ns  %+6.2f %%\n", f, truth[f], got[f], d > out
		if (d > 5 || d < -5) bad++
	}
	printf "complete %.2f %% of %.0f ns\n", 100 * complete / total, total > out
	if (100 * complete / total < 99) bad++
	exit bad
}' truth.txt off.folded
st=$?
cat check.txt
[ $st = 0 ] || fail "off-CPU time off the truth by more than 5 % or stacks incomplete (see above)"
