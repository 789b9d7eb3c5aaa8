# t0406: a program whose executable and shared library were deleted while it
# runs (an upgrade, a build directory wiped): `ember record -p` reads the
# code through /proc/PID/map_files, so stacks stay complete and named.
. "$(dirname "$0")/lib.sh"
W=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads
[ -x "$W/ground_truth" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
mkdir gone
cp "$W/ground_truth" "$W/libground_truth.so" gone/
gone/ground_truth 4000 &
gt=$!
trap 'kill $gt 2>/dev/null; wait $gt 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.3
rm gone/ground_truth gone/libground_truth.so
grep -q 'ground_truth (deleted)' "/proc/$gt/maps" || fail "the binary is not shown as deleted"
expect_status 0 "$EMBER" record -F 499 --duration 1 -p "$gt" -o gone.folded
grep -q '^ground_truth;_start;.*;main;gt_lib_leaf ' gone.folded || fail "no named library frames: $(head -3 gone.folded)"
grep -q '^ground_truth;__clone3;start_thread;thread_main;leaf_thread ' gone.folded || fail "no named thread frames"
awk '{ n = $NF; t += n; split($0, f, ";"); if (f[2] == "_start" || f[2] == "__clone3") c += n }
     END { printf "%d samples, %.2f%% complete\n", t, 100 * c / t; exit !(t >= 50 && c >= 0.99 * t) }' gone.folded ||
	fail "too few samples or incomplete stacks"
exit 0
