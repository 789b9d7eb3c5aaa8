#!/usr/bin/env bash
# t0510: stress - 32 threads doing malloc/realloc/free and starting threads
# while the main thread forks, execs and dlopens, under CPU and heap
# profiling at 1 KiB, for EMBER_STRESS_SECONDS (default 4; issue 5's bar is
# 60): no crash, no deadlock (a 4x time limit), both profiles written and
# readable.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
secs=${EMBER_STRESS_SECONDS:-4}
build_workload churn
expect_status 0 timeout $((secs * 4 + 30)) "$EMBER" run --cpu --heap --heap-rate 1024 -o s.pb.gz -- ./churn "$secs" 32
expect_match "$T/out" '^forks [1-9][0-9]* execs [1-9][0-9]* dlopens [1-9]'
expect_match "$T/err" "wrote CPU profile 's.cpu.pb.gz'"
expect_match "$T/err" "wrote heap profile 's.heap.pb.gz'"
if command -v go >/dev/null; then
	need_go
	go tool pprof -sample_index=inuse_space -top s.heap.pb.gz >heap.txt 2>&1 || fail "heap: $(tail -3 heap.txt)"
	go tool pprof -top s.cpu.pb.gz >cpu.txt 2>&1 || fail "cpu: $(tail -3 cpu.txt)"
	expect_match cpu.txt 'worker'
fi
