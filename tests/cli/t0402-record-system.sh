# t0402: `ember record -a`: every CPU, every process. The ground-truth
# workload started before the recording shows up under its PID with complete
# stacks (maps from /proc), and kernel frames are named from /proc/kallsyms.
. "$(dirname "$0")/lib.sh"
GT=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/ground_truth
[ -x "$GT" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
"$EMBER" record -q -a --duration 0.1 -o probe.folded 2>probe.err
st=$?
[ $st = 4 ] && skip "system-wide perf_event_open not permitted here: $(head -1 probe.err)"
"$GT" 4000 &
gt=$!
trap 'kill $gt 2>/dev/null; wait $gt 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.3
# something that runs in the kernel meanwhile: with the ground truth in user
# mode on both CPUs, a quiet machine may otherwise give no kernel sample at all
(for i in $(seq 20); do cat /proc/kallsyms >/dev/null; done) &
kwork=$!
expect_status 0 "$EMBER" record -a -F 199 --duration 1.5 --pid -o all.folded
wait $kwork
expect_match "$T/err" "on [0-9]+ CPUs"
grep "^ground_truth-$gt;" all.folded >gt.folded || fail "no samples of pid $gt: $(head -3 all.folded)"
awk '{ n = $NF; total += n; split($0, f, ";"); if (f[2] == "_start" || f[2] == "__clone3") c += n }
     END { printf "%d samples, %.2f%% complete\n", total, 100 * c / total; exit !(total >= 30 && c >= 0.99 * total) }' gt.folded ||
	fail "too few samples or incomplete stacks for pid $gt"
# kernel frames: named, mostly
awk '{ n = split($0, f, ";"); for (i = 1; i <= n; i++) if (f[i] ~ /_\[k\]/) { k++; if (f[i] ~ /^\[unknown\]/) u++ } }
     END { printf "%d kernel frames, %d unknown\n", k, u; exit !(k > 0 && u <= 0.01 * k) }' all.folded ||
	fail "kernel frames missing or unnamed"
exit 0
