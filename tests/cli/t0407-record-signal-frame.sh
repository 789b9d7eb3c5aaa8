# t0407: CPU time inside a signal handler: the unwinder crosses the kernel's
# signal frame (glibc's __restore_rt, a CFI signal trampoline, named from
# that) back into the interrupted code and on to _start; libdwfl agrees.
. "$(dirname "$0")/lib.sh"
W=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads
[ -x "$W/ground_truth_signal" ] || skip "ground_truth_signal not built (make test builds it)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
expect_status 0 "$EMBER" record -F 999 --check-unwind -o sig.folded -- "$W/ground_truth_signal" 300
cat "$T/err"
want='^ground_truth_si;_start;__libc_start_main[^;]*;__libc_start_call_main;main;interrupted_loop;[^ ]*;__restore_rt;handler;spin_in_handler [0-9]+$'
n=$(grep -E "$want" sig.folded | awk '{ s += $NF } END { print s + 0 }')
t=$(awk '{ s += $NF } END { print s + 0 }' sig.folded)
echo "$n of $t samples through the signal frame"
[ "$t" -ge 100 ] && [ $((n * 100)) -ge $((t * 90)) ] || fail "only $n of $t samples unwound through the signal frame: $(head -3 sig.folded)"
expect_match "$T/err" 'libdwfl check: 0 of [0-9]+ stacks differ'
exit 0
