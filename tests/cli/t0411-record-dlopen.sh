# t0411: a library dlopen()ed (and dlclose()d, four times) while recording:
# its MMAP2 records arrive mid-run, merged in time order with the samples, so
# its frames are named and unwound like any other.
. "$(dirname "$0")/lib.sh"
W=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads
[ -x "$W/ground_truth_dlopen" ] || skip "ground_truth_dlopen not built (make test builds it)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
expect_status 0 "$EMBER" record -F 999 -o dl.folded -- "$W/ground_truth_dlopen" 400
cat "$T/err"
# kernel frames may sit on the leaf (an interrupt or a reschedule taken there: more of them on a loaded machine)
n=$(grep -E '^ground_truth_dl;_start;.*;main;call_loaded;gt_lib_leaf(;[^;]*_\[k\])* [0-9]+$' dl.folded | awk '{ s += $NF } END { print s + 0 }')
t=$(awk '{ s += $NF } END { print s + 0 }' dl.folded)
echo "$n of $t samples in the dlopen()ed leaf with its full stack"
[ "$t" -ge 100 ] && [ $((n * 100)) -ge $((t * 90)) ] || fail "only $n of $t samples: $(head -3 dl.folded)"
exit 0
