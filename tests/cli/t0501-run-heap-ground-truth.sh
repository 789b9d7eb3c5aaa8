#!/usr/bin/env bash
# t0501: `ember run --heap --heap-rate 1` on three call sites with known
# allocations (malloc, calloc + free, posix_memalign with half freed): the
# alloc_* and inuse_* figures are exact, go tool pprof reads the file, and
# ember collapse / ember diff read its default column (inuse_space).
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
# ember collapse and ember diff read the same file with its default sample
# type (inuse_space): exact bytes per site
expect_status 0 "$EMBER" collapse heap.pb.gz
awk '$1 ~ /;site_(half|keep)$/ { n = split($1, f, ";"); print f[n], $2 }' "$T/out" | sort >collapse.txt
printf 'site_half 150000\nsite_keep 100000\n' >want-collapse.txt
diff -u want-collapse.txt collapse.txt || fail "ember collapse: not the inuse_space figures (want - / got +)"
expect_status 0 "$EMBER" diff heap.pb.gz heap.pb.gz
expect_match "$T/out" ';site_half 150000 150000$'
