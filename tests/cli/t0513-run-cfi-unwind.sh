#!/usr/bin/env bash
# t0513: CPU samples are unwound with DWARF CFI (the handler copies the
# registers and the top of the stack; the aggregator walks them with
# src/unwind). A program built -O2 -fomit-frame-pointer spends its time in a
# qsort callback: at least 95 % of the weight of stacks whose leaf is
# compare() must reach main through sort_rounds and qsort. With
# --unwind fp / EMBER_UNWIND=fp (frame pointers only) the chains are broken - the check
# itself can fail. Heap samples of the same kind of build reach main too.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
gcc -std=gnu11 -O2 -g -fomit-frame-pointer -o qsort "$EMBER_ROOT/tests/workloads/preload_qsort.c" ||
	fail "cannot build the qsort workload"

# complete_share FOLDED: percent of compare()'s weight on stacks that reach main
complete_share() {
	awk '{ n = $NF; s = $0; sub(/ [0-9]+$/, "", s) }
	     s ~ /(^|;)compare$/ { all += n; if (s ~ /(^|;)main;sort_rounds;(qsort|qsort_r);/) ok += n }
	     END { if (!all) { print "no compare samples" > "/dev/stderr"; exit 1 }
		   printf "%d\n", ok * 100 / all }' "$1"
}

expect_status 0 "$EMBER" run --cpu -o cfi.pb.gz -- ./qsort 300
expect_status 0 "$EMBER" collapse cfi.pb.gz
cp "$T/out" cfi.folded
share=$(complete_share cfi.folded) || fail "no samples in compare(): $(head -3 cfi.folded)"
[ "$share" -ge 95 ] || fail "only $share % of compare()'s samples reach main with CFI: $(sort -t' ' -k2 -nr cfi.folded | head -3)"
echo "CFI: $share % of compare()'s weight reaches main"

expect_status 0 "$EMBER" run --cpu --unwind fp -o fp.pb.gz -- ./qsort 300
expect_status 0 "$EMBER" collapse fp.pb.gz
cp "$T/out" fp.folded
share=$(complete_share fp.folded) || fail "no samples in compare() with frame pointers"
[ "$share" -lt 50 ] || fail "frame pointers alone reach main for $share % (the workload should defeat them)"
echo "frame pointers only: $share %"

# heap samples too (unwound in the allocating thread over its own stack): the
# three call sites of preload_heap.c built -O2 -fomit-frame-pointer reach main
gcc -std=gnu11 -O2 -g -fomit-frame-pointer -o heap "$EMBER_ROOT/tests/workloads/preload_heap.c" ||
	fail "cannot build the heap workload"
expect_status 0 "$EMBER" run --heap --heap-rate 1 -o heap.pb.gz -- ./heap
expect_status 0 "$EMBER" collapse heap.pb.gz
cp "$T/out" heap.folded
# collapse shows inuse_space: site_free freed everything, so it has no line
n=$(grep -cE '(^|;)main;site_(keep|half) ' heap.folded || true)
[ "$n" = 2 ] || fail "heap stacks do not reach main: $(cat heap.folded)"
grep -q 'site_free' heap.folded && fail "a call site with nothing in use has a line: $(cat heap.folded)"
EMBER_UNWIND=fp expect_status 0 "$EMBER" run --heap --heap-rate 1 -o heapfp.pb.gz -- ./heap
expect_status 0 "$EMBER" collapse heapfp.pb.gz
n=$(grep -cE '(^|;)main;site_' "$T/out" || true)
[ "$n" = 0 ] || fail "frame pointers alone reach main in $n heap stacks (the workload should defeat them)"
