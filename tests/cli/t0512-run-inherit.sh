#!/usr/bin/env bash
# t0512: `ember run --inherit -- sh -c '...'`: programs the shell runs profile
# too, each into OUT.PID (the shell itself, which ends by _exit, into OUT);
# without --inherit they stay dormant and only the shell's OUT is written.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
build_workload heap
expect_status 0 "$EMBER" run --heap --heap-rate 1 -o sh.pb.gz -- sh -c './heap; ./heap; true'
[ "$(ls sh.pb.gz*)" = sh.pb.gz ] || fail "without --inherit the shell's children wrote profiles: $(ls sh.pb.gz*)"
expect_status 0 "$EMBER" run --inherit --heap --heap-rate 1 -o in.pb.gz -- sh -c './heap; ./heap; true'
n=$(ls in.pb.gz.* 2>/dev/null | wc -l)
[ "$n" = 2 ] || fail "want 2 profiles (one per ./heap), got $n: $(ls; cat "$T/err")"
[ -s in.pb.gz ] || fail "the shell's own profile is missing"
if command -v go >/dev/null; then
	need_go
	for f in in.pb.gz.*; do
		pprof_leaf_sums "$f" | grep -qx 'site_keep 1000 100000 1000 100000' || fail "$f: $(pprof_leaf_sums "$f")"
	done
fi
