#!/usr/bin/env bash
# t0516: a program that dies of SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT
# (with no handler of its own) still leaves its profiles - written by
# libember's exit thread, with memory from its own reserve - and still dies
# of the same signal (status 128 + N), also when glibc aborts on a corrupt
# heap (a double free); so does one killed by SIGHUP or SIGPIPE. A program
# with its own SIGSEGV handler keeps it.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
need_go
build_workload exits
ulimit -c 0
for mode in segv:139 bus:135 fpe:136 ill:132 abort:134 doublefree:134; do
	m=${mode%:*} want=${mode#*:}
	expect_status "$want" "$EMBER" run --cpu --heap --heap-rate 1 -o "$m.pb.gz" -- ./exits "$m" 200
	expect_match "$T/err" "wrote CPU profile '$m.cpu.pb.gz'"
	exit_profiles_ok "$m"
done
# signals whose default action ends the process without a crash: SIGHUP
# raised, SIGPIPE from writing to a pipe nobody reads
expect_status 129 "$EMBER" run --cpu --heap --heap-rate 1 -o sighup.pb.gz -- ./exits sighup 200
exit_profiles_ok sighup
"$EMBER" run --cpu --heap --heap-rate 1 -o sigpipe.pb.gz -- ./exits sigpipe 200 2>pipe.err | :
st=${PIPESTATUS[0]}
[ "$st" = 141 ] || fail "sigpipe: exit status $st, want 141 (SIGPIPE); $(head -3 pipe.err)"
exit_profiles_ok sigpipe
# the program's own handler runs (it _exits 42: that writes the profile)
expect_status 42 "$EMBER" run --cpu -o own.pb.gz -- ./exits ownsegv 100
expect_match "$T/out" '^own handler$'
go tool pprof -top own.pb.gz >cpu.txt 2>&1 || fail "ownsegv: go tool pprof: $(head -3 cpu.txt)"
expect_match cpu.txt ' burn_before$'
