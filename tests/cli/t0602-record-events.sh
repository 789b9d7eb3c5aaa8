# t0602: `ember record -e EVENT` and `-l`: a uprobe on a function the
# workload calls exactly 1000 times counts exactly 1000 (and the probe is
# gone afterwards), page faults and sched:sched_process_exec give stacks on
# a shell pipeline, several events (-e A,B or -e A -e B) get a base frame
# each, -l lists software events and this machine's tracepoints, and a wrong
# name is a usage error that suggests the right one.
. "$(dirname "$0")/lib.sh"
WL=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/offcpu_truth
[ -x "$WL" ] || skip "offcpu_truth workload not built (make build/workloads/offcpu_truth)"

expect_status 2 "$EMBER" record -e page-fault -- true
expect_match "$T/err" "unknown event 'page-fault'; did you mean 'page-faults'\\? 'ember record -l'"
expect_status 2 "$EMBER" record -e u:/bin/true -- true
expect_status 2 "$EMBER" record --min-block 1ms -- true
expect_match "$T/err" 'need --off-cpu or --hot-cold'
expect_status 2 "$EMBER" record --off-cpu -e page-faults -- true
# -e repeats (and mixes with comma lists); the limits count every -e
expect_status 2 "$EMBER" record -e cs -e faults -- true
expect_match "$T/err" 'one software event per recording'
expect_status 2 "$EMBER" record -e page-faults -e '' -- true
expect_match "$T/err" '-e expects EVENT'
expect_status 2 "$EMBER" record -e sched:a,sched:b -e sched:c -e sched:d,sched:e -- true
expect_match "$T/err" 'at most 4 events'
expect_status 0 "$EMBER" record -l
expect_match "$T/out" '^  page-faults, faults '
expect_match "$T/out" '^  u:PATH:FUNCTION '
[ "$(id -u)" = 0 ] || skip "tracepoints and uprobes need root"
expect_match "$T/out" ' sched:sched_switch( |$)'
expect_match "$T/out" '^  [0-9]+ tracepoints in [0-9]+ systems$'

expect_status 0 "$EMBER" record --stack-size 8K -e "u:$WL:counted_call" -o u.folded -- "$WL"
cat u.folded
expect_match u.folded '^offcpu_truth;_start;.*;main;counted_call 1000$'
[ "$(awk '{ s += $NF } END { print s }' u.folded)" = 1000 ] || fail "uprobe counted $(awk '{ s += $NF } END { print s }' u.folded) calls, expected 1000"
grep -q "ember_" /sys/kernel/tracing/uprobe_events 2>/dev/null && fail "uprobe left behind: $(cat /sys/kernel/tracing/uprobe_events)"

expect_status 0 "$EMBER" record -e page-faults -o pf.folded -- sh -c 'ls /usr/bin | sort | wc -l'
expect_match pf.folded '^(ls|sort|wc|sh);.* [0-9]+$'
[ "$(wc -l <pf.folded)" -ge 10 ] || fail "page-faults: only $(wc -l <pf.folded) stacks"
expect_status 0 "$EMBER" record -e sched:sched_process_exec -o exec.folded -- sh -c 'ls /usr/bin | sort | wc -l; true'
cat exec.folded
for c in sh ls sort wc; do
	expect_match exec.folded "^$c;.*bprm_execve_\\[k\\].* 1\$"
done
expect_status 3 "$EMBER" record -e sched:no_such_tracepoint -- true
expect_match "$T/err" "no tracepoint 'sched:no_such_tracepoint' on this machine"

# several events at once: a base frame names each (8K stacks: 1000 probe hits
# within a millisecond must fit the ring)
expect_status 0 "$EMBER" record --stack-size 8K -e "sched:sched_process_exec,u:$WL:counted_call" -o both.folded -- sh -c "'$WL' >/dev/null; ls >/dev/null"
cat both.folded
expect_match both.folded '^\[counted_call\];offcpu_truth;_start;.*;main;counted_call 1000$'
expect_match both.folded '^\[sched:sched_process_exec\];ls;.* 1$'
expect_status 2 "$EMBER" record -e cs,faults -- true
expect_match "$T/err" 'one software event per recording'

# the same with -e given three times, a software event among them
expect_status 0 "$EMBER" record --stack-size 8K -e "u:$WL:counted_call" -e sched:sched_process_exec -e page-faults -o three.folded -- sh -c "'$WL' >/dev/null; ls >/dev/null"
grep -v '^\[page-faults\]' three.folded
expect_match three.folded '^\[counted_call\];offcpu_truth;_start;.*;main;counted_call 1000$'
expect_match three.folded '^\[sched:sched_process_exec\];ls;.* 1$'
expect_match three.folded '^\[page-faults\];(ls|sh|offcpu_truth);.* [0-9]+$'
[ "$(grep -c '^\[' three.folded)" = "$(wc -l <three.folded)" ] || fail "a stack without its event's base frame"
