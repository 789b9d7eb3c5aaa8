# t0401: `ember record -p PID`: attach to a running ground-truth process
# (both of its threads), take its maps and names from /proc, stop after
# --duration; >= 99% of the samples complete, both threads' leaves present.
. "$(dirname "$0")/lib.sh"
GT=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/ground_truth
[ -x "$GT" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
st=$?
[ $st = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
"$GT" 4000 &
gt=$!
trap 'kill $gt 2>/dev/null; wait $gt 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.3
expect_status 0 "$EMBER" record -F 499 --duration 1.5 --tid -p "$gt" -o pid.folded
expect_match "$T/err" "wrote pid.folded"
grep -q "^ground_truth-$gt/$gt;_start;.*;main;" pid.folded || fail "no main-thread stacks: $(head -3 pid.folded)"
grep -q "^ground_truth-$gt/[0-9]*;__clone3;start_thread;thread_main;leaf_thread " pid.folded ||
	fail "no second-thread stacks: $(head -3 pid.folded)"
awk '{ n = $NF; total += n; split($0, f, ";"); if (f[2] == "_start" || f[2] == "__clone3") c += n }
     END { printf "%d samples, %.2f%% complete\n", total, 100 * c / total; exit !(total >= 200 && c >= 0.99 * total) }' pid.folded ||
	fail "too few samples or incomplete stacks"
exit 0
