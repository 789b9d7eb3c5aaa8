#!/usr/bin/env bash
# t0501: `ember run --heap --heap-rate 1` on three call sites with known
# allocations (malloc, calloc + free, posix_memalign with half freed): the
# alloc_* and inuse_* figures are exact, and go tool pprof reads the file.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
need_go
build_workload heap
expect_status 0 "$EMBER" run --heap --heap-rate 1 -o heap.pb.gz -- ./heap
expect_match "$T/err" "wrote heap profile 'heap.pb.gz'"
go tool pprof -top heap.pb.gz >top.txt 2>&1 || fail "go tool pprof -top cannot read: $(head -5 top.txt)"
expect_match top.txt '^Type: inuse_space'
pprof_leaf_sums heap.pb.gz | sort >sums.txt
cat >want.txt <<'END'
site_free 500 200000 0 0
site_half 300 300000 150 150000
site_keep 1000 100000 1000 100000
END
grep '^site_' sums.txt >got.txt
diff -u want.txt got.txt || fail "heap figures differ (want - / got +)"
