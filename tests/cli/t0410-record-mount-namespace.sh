# t0410: a process in another mount namespace runs a binary that only exists
# there (a tmpfs mounted inside it): `ember record -p` reads its code through
# /proc/PID/root (or /proc/PID/map_files), so the stacks are complete and named.
. "$(dirname "$0")/lib.sh"
W=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads
[ -x "$W/ground_truth" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
command -v unshare >/dev/null || skip "no unshare(1)"
[ "$(id -u)" = 0 ] || skip "mount namespaces need root here"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
mkdir -p ns
unshare --mount --propagation private sh -c "
	mount -t tmpfs ember-test '$T/ns' &&
	cp '$W/ground_truth' '$W/libground_truth.so' '$T/ns/' &&
	exec '$T/ns/ground_truth' 4000" 2>ns.err &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.5
kill -0 "$pid" 2>/dev/null || skip "cannot make a mount namespace here: $(head -1 ns.err)"
[ ! -e "$T/ns/ground_truth" ] || fail "the binary is visible outside the namespace"
grep -q "$T/ns/ground_truth" "/proc/$pid/maps" || fail "not running from the namespace's tmpfs"
expect_status 0 "$EMBER" record -F 499 --duration 1 -p "$pid" -o ns.folded
grep -q '^ground_truth;_start;.*;main;gt_lib_leaf ' ns.folded || fail "no named frames: $(head -3 ns.folded)"
awk '{ n = $NF; t += n; split($0, f, ";"); if (f[2] == "_start" || f[2] == "__clone3") c += n }
     END { printf "%d samples, %.2f%% complete\n", t, 100 * c / t; exit !(t >= 50 && c >= 0.99 * t) }' ns.folded ||
	fail "too few samples or incomplete stacks"
exit 0
