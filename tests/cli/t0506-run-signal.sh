#!/usr/bin/env bash
# t0506: a program with its own SIGPROF handler and ITIMER_PROF keeps
# getting its signals while ember samples it on another signal (--signal),
# and ember's profile still has the program's stacks.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
build_workload signal
rt=$(( $(kill -l RTMIN 2>/dev/null || echo 34) + 6 ))
expect_status 0 "$EMBER" run --cpu --signal "$rt" -o sig.pb.gz -- ./signal
count=$(sed -n 's/^sigprof //p' "$T/out")
[ -n "$count" ] && [ "$count" -ge 30 ] || fail "the program's own SIGPROFs went missing: got '$count', want about 50"
expect_match "$T/err" "wrote CPU profile 'sig.pb.gz'"
need_go
go tool pprof -sample_index=samples -top sig.pb.gz >top.txt 2>&1 || fail "go tool pprof: $(head -3 top.txt)"
awk '$NF == "spin_sig" && $4 >= 30 { ok = 1 } END { exit !ok }' top.txt ||
	fail "ember's profile lacks spin_sig: $(head -12 top.txt)"
