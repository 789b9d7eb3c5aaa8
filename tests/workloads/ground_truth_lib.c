/*
 * ground_truth_lib.c - the shared-library half of the ground-truth workload
 * (tests/workloads/ground_truth.c): one leaf reached through the PLT, built
 * -O2 -fomit-frame-pointer like the rest.
 */
#include <stdint.h>

uint64_t gt_lib_leaf(uint64_t n, uint64_t x);

/* n rounds of the same LCG step every ground-truth leaf runs. */
__attribute__((noinline, noipa)) uint64_t gt_lib_leaf(uint64_t n, uint64_t x)
{
	for (uint64_t i = 0; i < n; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ volatile("" : "+r"(x));
	}
	return x;
}
