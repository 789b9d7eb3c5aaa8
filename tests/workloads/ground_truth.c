/*
 * ground_truth.c - a workload with known CPU shares for `ember record` tests,
 * built -O2 -fomit-frame-pointer (no frame pointers, like Debian's binaries).
 * Every leaf runs the same LCG step, so a leaf's share of CPU time is its
 * share of the steps:
 *   leaf_deep    30%  main thread, under a recursion 48 x 512 B (> 20 KB) deep
 *   gt_lib_leaf  20%  main thread, in libground_truth.so (through the PLT)
 *   leaf_compare 10%  main thread, a qsort() callback (through libc)
 *   leaf_thread  40%  a second thread (pthread_create)
 * Usage: ground_truth [MILLION_STEPS]   (default 1000: about 2 s of CPU)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t gt_lib_leaf(uint64_t n, uint64_t x);

#define DEPTH 48
#define NELEM 512

static volatile uint64_t sink;
static uint64_t steps_compare_each;
static uint64_t ncompares;

#define LCG_LOOP(n, x)                                                        \
	for (uint64_t i_ = 0; i_ < (n); i_++) {                               \
		(x) = (x) * 6364136223846793005ULL + 1442695040888963407ULL;  \
		__asm__ volatile("" : "+r"(x));                               \
	}

__attribute__((noinline, noipa)) static uint64_t leaf_deep(uint64_t n, uint64_t x)
{
	LCG_LOOP(n, x);
	return x;
}

__attribute__((noinline, noipa)) static uint64_t leaf_thread(uint64_t n, uint64_t x)
{
	LCG_LOOP(n, x);
	return x;
}

__attribute__((noinline, noipa)) static int leaf_compare(const void *a, const void *b)
{
	uint64_t x = *(const uint32_t *)a;

	ncompares++;
	LCG_LOOP(steps_compare_each, x);
	sink += x;
	return (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

/* Each level keeps a 512-byte buffer live across the call below it. */
__attribute__((noinline)) static uint64_t recurse(int depth, uint64_t n)
{
	volatile char buf[512];
	uint64_t r;

	buf[0] = (char)depth;
	buf[511] = (char)n;
	if (depth == 0)
		r = leaf_deep(n, (uint64_t)buf[0]);
	else
		r = recurse(depth - 1, n);
	return r + (uint64_t)buf[511] + (uint64_t)buf[0];
}

static void *thread_main(void *arg)
{
	uint64_t n = *(uint64_t *)arg;

	sink += leaf_thread(n, 7);
	return NULL;
}

static void fill(uint32_t *v, size_t n)
{
	uint32_t x = 12345;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = x >> 8;
	}
}

static int count_compare(const void *a, const void *b)
{
	ncompares++;
	return (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

int main(int argc, char **argv)
{
	uint64_t total = (argc > 1 ? strtoull(argv[1], NULL, 10) : 1000) * 1000000ULL;
	uint64_t per_pct = total / 100, thread_steps = 40 * per_pct;
	static uint32_t v[NELEM];
	pthread_t t;
	uint64_t i, chunks = 100, x = 1;

	/* how many comparisons does this input take? then spread 10% over them */
	fill(v, NELEM);
	qsort(v, NELEM, sizeof(v[0]), count_compare);
	steps_compare_each = 10 * per_pct / (ncompares * (chunks / 10));
	if (pthread_create(&t, NULL, thread_main, &thread_steps))
		return 1;
	/* interleave the main thread's three leaves in small chunks */
	for (i = 0; i < chunks; i++) {
		x += recurse(DEPTH, 30 * per_pct / chunks);
		x += gt_lib_leaf(20 * per_pct / chunks, x);
		if (i % 10 == 0) {
			fill(v, NELEM);
			qsort(v, NELEM, sizeof(v[0]), leaf_compare);
		}
	}
	pthread_join(t, NULL);
	sink += x;
	return 0;
}
