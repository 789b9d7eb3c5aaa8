/*
 * record_unwind.c - ember's unwinder in steady state: one snapshot of a
 * real stack (13 recursive frames, a qsort callback through libc, main,
 * _start; no frame pointers needed) unwound N times from the per-PC rule
 * table, as `ember record` does for every sample after a binary's first
 * ones. Prints stacks per second and nanoseconds per frame on one core.
 * Built by `make build/bench/record_unwind`; run by bench/record.sh.
 */
#include "symbols/self_space.h"
#include "unwind/unwind_snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv);

static struct unwind_snapshot snap;
static int snapped, snap_err;

__attribute__((noinline)) static int compare(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	if (!snapped++)
		snap_err = unwind_snapshot__take(&snap, 32 * 1024);
	return (x > y) - (x < y);
}

__attribute__((noinline)) static int descend(int depth)
{
	int v[64], i;

	if (depth > 0)
		return descend(depth - 1) + 1;
	for (i = 0; i < 64; i++)
		v[i] = (i * 37) % 64;
	qsort(v, 64, sizeof(v[0]), compare);
	return v[0];
}

int main(int argc, char **argv)
{
	long i, n = argc > 1 ? atol(argv[1]) : 2000000;
	struct unwind_frame frames[256];
	struct self_space space;
	struct unwind_stack st;
	struct timespec a, b;
	size_t nf = 0;
	double s;

	if (descend(12) < 0 || snap_err || self_space__load(&space))
		return 1;
	st = unwind_snapshot__stack(&snap);
	if (unwind__stack(&snap.regs, &st, self_space__find, &space, frames, 256, &nf) != UNWIND_END__COMPLETE)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (i = 0; i < n; i++)
		unwind__stack(&snap.regs, &st, self_space__find, &space, frames, 256, &nf);
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
	printf("%ld stacks of %zu frames in %.3f s: %.0f stacks/s, %.1f ns per frame\n", n, nf, s, n / s,
	       s * 1e9 / (double)n / (double)nf);
	self_space__release(&space);
	unwind_snapshot__release(&snap);
	return 0;
}
