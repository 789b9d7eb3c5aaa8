/*
 * preload_heap_rate.c - heap sampling accuracy at the default 512 KiB rate:
 * two call sites allocate (and free at once) known totals, so the scaled
 * alloc figures can be compared with the truth (the test allows 5 %):
 *   site_small: 16777216 objects x 256 bytes  = 4 GiB
 *   site_large:     2000 objects x 1 MiB      = about 2 GiB
 * Usage: preload_heap_rate [SCALE]  (divides the object counts; default 1)
 */
#include <stdio.h>
#include <stdlib.h>

static void *volatile seen;	/* keeps the compiler from dropping malloc/free pairs */

static __attribute__((noinline)) void site_small(long n)
{
	for (long i = 0; i < n; i++) {
		void *p = malloc(256);

		seen = p;
		free(p);
	}
}

static __attribute__((noinline)) void site_large(long n)
{
	for (long i = 0; i < n; i++) {
		void *p = malloc(1 << 20);

		seen = p;
		free(p);
	}
}

int main(int argc, char **argv)
{
	long scale = argc > 1 ? atol(argv[1]) : 1;

	if (scale < 1)
		scale = 1;
	site_small(16777216 / scale);
	site_large(2000 / scale);
	printf("site_small %ld %ld\nsite_large %ld %ld\n", 16777216 / scale, 16777216 / scale * 256,
	       2000 / scale, 2000 / scale * (1L << 20));
	return 0;
}
