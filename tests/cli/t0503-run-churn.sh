#!/usr/bin/env bash
# t0503: libember.so as a guest under churn: 8 threads doing malloc/realloc/
# free and starting threads, while the main thread forks (children exit or
# exec /bin/true) and dlopens/dlcloses libresolv, for 3 s under CPU and heap profiling: the program exits 0,
# only the profiled process writes profiles, and they decode.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
build_workload churn
expect_status 0 timeout 60 "$EMBER" run --cpu --heap -o churn.pb.gz -- ./churn 3 8
expect_match "$T/out" '^forks [1-9][0-9]* execs [1-9][0-9]* dlopens [1-9]'
expect_match "$T/err" "wrote CPU profile 'churn.cpu.pb.gz'"
expect_match "$T/err" "wrote heap profile 'churn.heap.pb.gz'"
[ "$(grep -c 'wrote' "$T/err")" = 2 ] || fail "children wrote profiles too: $(cat "$T/err")"
ls ember.*.pb.gz 2>/dev/null && fail "a child wrote a default-named profile"
gzip -t churn.cpu.pb.gz churn.heap.pb.gz || fail "profiles are not gzip"
if command -v go >/dev/null; then
	need_go
	go tool pprof -top churn.cpu.pb.gz >cpu.txt 2>&1 || fail "cpu: $(tail -3 cpu.txt)"
	expect_match cpu.txt 'worker'
	go tool pprof -sample_index=alloc_space -top churn.heap.pb.gz >heap.txt 2>&1 || fail "heap: $(tail -3 heap.txt)"
	expect_match heap.txt 'worker'
fi
