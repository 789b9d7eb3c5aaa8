#!/usr/bin/env bash
# t0505: heap sampling at the default rate (512 KiB) is unbiased: two call
# sites allocate 4 GiB in 256-byte blocks and 2 GiB in 1 MiB blocks; the
# scaled alloc_objects and alloc_space are each within 5 % of the truth
# (about 8000 and 1700 samples: 5 % is more than 4 standard deviations).
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
need_go
build_workload heap_rate
expect_status 0 "$EMBER" run --heap -o rate.pb.gz -- ./heap_rate
cp "$T/out" truth.txt
go tool pprof -raw rate.pb.gz >raw.txt 2>&1 || fail "go tool pprof -raw: $(head -3 raw.txt)"
expect_match raw.txt '^Period: 524288'
pprof_leaf_sums rate.pb.gz >sums.txt
awk 'FNR == NR { n[$1] = $2; b[$1] = $3; next }
     $1 in n { seen++
	       eo = ($2 - n[$1]) / n[$1] * 100; eb = ($3 - b[$1]) / b[$1] * 100
	       printf "%s objects %.0f vs %.0f (%+.2f%%), bytes %.0f vs %.0f (%+.2f%%)\n", $1, $2, n[$1], eo, $3, b[$1], eb
	       if (eo > 5 || eo < -5 || eb > 5 || eb < -5) bad = 1 }
     END { exit bad || seen != 2 }' truth.txt sums.txt || fail "scaled heap figures are off by more than 5 %"
