/*
 * preload_heap.c - heap ground truth for libember.so: three call sites with
 * known allocation counts and sizes, some freed, through malloc, calloc,
 * posix_memalign and realloc. At EMBER_HEAP_RATE=1 the profile must show:
 *   site_keep:    1000 objects, 100000 bytes allocated; all in use
 *   site_free:     500 objects, 200000 bytes allocated; none in use
 *   site_half:     300 objects, 300000 bytes allocated; 150 / 150000 in use
 * Build with -O1 -fno-omit-frame-pointer.
 */
#include <stdlib.h>
#include <string.h>

static void *keep[1000], *half[300];
static void *volatile seen;	/* keeps the compiler from dropping malloc/free pairs */

static __attribute__((noinline)) void site_keep(void)
{
	for (int i = 0; i < 1000; i++)
		keep[i] = malloc(100);
}

static __attribute__((noinline)) void site_free(void)
{
	for (int i = 0; i < 500; i++) {
		void *p = calloc(10, 40);

		memset(p, 1, 400);
		seen = p;
		free(p);
	}
}

static __attribute__((noinline)) void site_half(void)
{
	for (int i = 0; i < 300; i++)
		if (posix_memalign(&half[i], 64, 1000))
			abort();
	for (int i = 0; i < 300; i += 2)
		free(half[i]);
}

int main(void)
{
	site_keep();
	site_free();
	site_half();
	__asm__ volatile("" ::: "memory");
	return keep[999] && half[299] ? 0 : 1;
}
