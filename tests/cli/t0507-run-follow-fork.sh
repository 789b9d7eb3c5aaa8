#!/usr/bin/env bash
# t0507: `ember run --follow-fork`: forked children that exit normally write
# their own profiles (OUT.PID) that start empty, children that exec write
# theirs before the exec (OUT.PID.exec1; /bin/true then stays dormant), and
# by default (t0503) children write nothing.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
build_workload churn
expect_status 0 timeout 60 "$EMBER" run --cpu --heap --heap-rate 1 --follow-fork -o f.pb.gz -- ./churn 1 2
forks=$(sed -n 's/^forks \([0-9]*\) execs \([0-9]*\).*/\1/p' "$T/out")
execs=$(sed -n 's/^forks \([0-9]*\) execs \([0-9]*\).*/\2/p' "$T/out")
[ -n "$forks" ] && [ "$forks" -gt 0 ] || fail "no forks: $(cat "$T/out")"
want=$((forks - execs))
got=$(ls f.heap.pb.gz.* 2>/dev/null | grep -cv '\.exec1$')
[ "$got" = "$want" ] || fail "$got child heap profiles, want $want (forks $forks, execs $execs)"
[ "$(ls f.cpu.pb.gz.* | grep -cv '\.exec1$')" = "$want" ] || fail "child CPU profiles missing"
got=$(ls f.heap.pb.gz.*.exec1 2>/dev/null | wc -l)
[ "$got" = "$execs" ] || fail "$got heap profiles of children that exec'd, want $execs"
[ "$(ls f.cpu.pb.gz.*.exec1 | wc -l)" = "$execs" ] || fail "CPU profiles of children that exec'd missing"
[ -f f.cpu.pb.gz ] && [ -f f.heap.pb.gz ] || fail "the parent's profiles are missing"
need_go
child=$(ls f.heap.pb.gz.* | grep -v '\.exec1$' | head -1)
pprof_leaf_sums "$child" >child.txt
# the child allocates once (strdup) after the fork; the parent's workers do not show up
awk '{ n += $2 } END { exit !(n >= 1 && n < 50) }' child.txt ||
	fail "child heap profile does not start empty: $(head -5 child.txt)"
grep -q worker child.txt && fail "the child's profile has the parent's worker allocations"
go tool pprof -top "$(ls f.cpu.pb.gz.* | head -1)" >/dev/null 2>&1 || fail "child CPU profile unreadable"
go tool pprof -top "$(ls f.cpu.pb.gz.*.exec1 | head -1)" >/dev/null 2>&1 || fail "exec'd child's CPU profile unreadable"
