/*
 * preload_qsort.c - CFI unwinding in libember.so's CPU profile: built -O2
 * -fomit-frame-pointer, nearly all CPU time is spent in compare(), called
 * by glibc's qsort from sort_rounds() from main(). Frame pointers cannot
 * walk from compare() to main (rbp is a general register here); the
 * profile's stacks through compare must still reach main.
 * Usage: preload_qsort [ROUNDS]
 */
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned sink;

static __attribute__((noinline)) int compare(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b, h = x ^ y, i;

	for (i = 0; i < 40; i++)	/* make the callback the hot spot */
		h = h * 2654435761u + i;
	sink = h;
	return (x > y) - (x < y);
}

static __attribute__((noinline)) unsigned sort_rounds(int rounds)
{
	enum { N = 4096 };
	static unsigned v[N];
	unsigned sum = 0, seed = 12345;
	int r, i;

	for (r = 0; r < rounds; r++) {
		for (i = 0; i < N; i++)
			v[i] = seed = seed * 1103515245u + 12345u;
		qsort(v, N, sizeof(v[0]), compare);
		sum += v[r % N];
	}
	return sum;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 300;

	printf("%u\n", sort_rounds(rounds));
	return 0;
}
