#!/usr/bin/env bash
# t0414: `ember record -o NAME.pb.gz` writes pprof that go tool pprof reads,
# with the right units: CPU samples as Go's samples/count + cpu/nanoseconds
# (the same shares as the folded output), off-CPU time in nanoseconds, -e
# events counted under the event's name.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
need_go
GT=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/ground_truth
[ -x "$GT" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
st=$?
[ $st = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"

expect_status 0 "$EMBER" record -F 499 -o gt.pb.gz -- "$GT" 600
expect_match "$T/err" "wrote gt.pb.gz"
go tool pprof -top -nodecount=100 gt.pb.gz >top.txt 2>&1 || fail "go tool pprof cannot read gt.pb.gz: $(head -3 top.txt)"
expect_match top.txt '^Type: cpu$'
# the four leaves' shares (30/20/10/40 of the samples) as pprof's flat% of cpu time
for leaf in leaf_deep gt_lib_leaf leaf_compare leaf_thread; do
	grep -qE "%.* $leaf\$" top.txt || fail "$leaf missing from go tool pprof -top: $(head -12 top.txt)"
done
go tool pprof -sample_index=samples -raw gt.pb.gz >raw.txt 2>&1 || fail "go tool pprof -raw failed"
expect_match raw.txt 'samples/count cpu/nanoseconds'
flat=$(awk '$NF == "leaf_thread" { sub(/%/, "", $2); print int($2) }' top.txt)
[ "${flat:-0}" -ge 34 ] && [ "$flat" -le 46 ] || fail "leaf_thread has $flat% of the CPU time, the truth is 40%"

expect_status 0 "$EMBER" record --off-cpu -o off.pb.gz -- sleep 0.2
go tool pprof -top off.pb.gz >offtop.txt 2>&1 || fail "go tool pprof cannot read off.pb.gz: $(head -3 offtop.txt)"
expect_match offtop.txt '^Type: off-cpu$'
expect_match offtop.txt 'Total samples = (19[0-9]|2[0-9][0-9])(\.[0-9]+)?ms'

expect_status 0 "$EMBER" record -e page-faults -o pf.pb.gz -- ls /
go tool pprof -top pf.pb.gz >pftop.txt 2>&1 || fail "go tool pprof cannot read pf.pb.gz: $(head -3 pftop.txt)"
expect_match pftop.txt '^Type: page-faults$'

expect_status 2 "$EMBER" record -o out.json -- true
expect_match "$T/err" "must end in .svg, .folded or .pb.gz"
exit 0
