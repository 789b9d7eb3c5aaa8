#!/usr/bin/env bash
# t0509: a program killed by SIGTERM (left at its default action) still
# leaves its profiles, and still dies of SIGTERM (status 143).
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
build_workload cpu
# scale 1000 is about 15 s of CPU; the stop file is never created
"$EMBER" run --cpu --heap -o term.pb.gz -- ./cpu 1000 never >run.out 2>run.err &
pid=$!
sleep 1
kill -TERM $pid
wait $pid
st=$?
[ "$st" = 143 ] || fail "exit status $st, want 143 (killed by SIGTERM); $(cat run.err)"
expect_match run.err "wrote CPU profile 'term.cpu.pb.gz'"
expect_match run.err "wrote heap profile 'term.heap.pb.gz'"
gzip -t term.cpu.pb.gz term.heap.pb.gz || fail "profiles are not gzip"
if command -v go >/dev/null; then
	need_go
	go tool pprof -top term.cpu.pb.gz >top.txt 2>&1 || fail "go tool pprof: $(head -3 top.txt)"
	expect_match top.txt 'burn'
fi
