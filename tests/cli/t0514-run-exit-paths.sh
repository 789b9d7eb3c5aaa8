#!/usr/bin/env bash
# t0514: a program that ends by _exit(), _Exit() or quick_exit() (no destructors run)
# still leaves its CPU and heap profiles, with its own exit status, and
# go tool pprof reads them: the CPU in burn_before, the 16 x 4 KiB still
# allocated at alloc_before (heap rate 1: exact).
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
need_go
build_workload exits
for mode in _exit:7 _Exit:8 quick_exit:9 return:0; do
	m=${mode%:*} want=${mode#*:}
	expect_status "$want" "$EMBER" run --cpu --heap --heap-rate 1 -o "$m.pb.gz" -- ./exits "$m" 200
	expect_match "$T/err" "wrote CPU profile '$m.cpu.pb.gz'"
	expect_match "$T/err" "wrote heap profile '$m.heap.pb.gz'"
	exit_profiles_ok "$m"
done
# a forked child that _exits writes nothing (it stops profiling), nor does a
# dormant program: only the profiled process's own _exit writes
expect_status 0 "$EMBER" run --cpu -o v.pb.gz -- ./exits vfork 50
[ "$(ls v.pb.gz* | tr '\n' ' ')" = "v.pb.gz " ] || fail "vfork: unexpected files: $(ls v.pb.gz*)"
# ember's own messages to a stderr that nobody reads any more do not kill
# the program with SIGPIPE: it exits 0 as it would without ember
"$EMBER" run --cpu -o quiet.pb.gz -- ./exits return 100 2>&1 >/dev/null | :
st=${PIPESTATUS[0]}
[ "$st" = 0 ] || fail "exit status $st with stderr a closed pipe, want 0"
[ -s quiet.pb.gz ] || fail "no profile with stderr a closed pipe"
