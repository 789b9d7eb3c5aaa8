/*
 * heap_bench.c - the malloc-heavy subject of bench/heap.sh (issue 5's
 * slowdown bar). `heap_bench mixed ROUNDS`: a word-count style program that
 * builds a chained hash table of strdup'd keys and small records, grows
 * dynamic arrays with realloc, keeps a sliding window of mixed-size buffers
 * (16 B to 4 KiB, a few 64 KiB) and frees everything per round - real work
 * between allocations. `heap_bench tight N`: the worst case, nothing but
 * malloc(256) + free, N times. Prints a checksum so nothing is optimized out.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node {
	struct node *next;
	char *key;
	unsigned count;
	size_t nvals, cap;
	uint32_t *vals;
};

static uint64_t rng = 88172645463325252ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t hash_str(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static __attribute__((noinline)) struct node *table_add(struct node **tab, size_t mask,
							 const char *key, uint32_t val)
{
	uint32_t h = hash_str(key);
	struct node *n;

	for (n = tab[h & mask]; n; n = n->next)
		if (!strcmp(n->key, key))
			break;
	if (!n) {
		n = calloc(1, sizeof(*n));
		n->key = strdup(key);
		n->next = tab[h & mask];
		tab[h & mask] = n;
	}
	n->count++;
	if (n->nvals == n->cap) {
		n->cap = n->cap ? n->cap * 2 : 2;
		n->vals = realloc(n->vals, n->cap * sizeof(*n->vals));
	}
	n->vals[n->nvals++] = val;
	return n;
}

static __attribute__((noinline)) uint64_t table_free(struct node **tab, size_t mask)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i <= mask; i++) {
		struct node *n = tab[i], *next;

		for (; n; n = next) {
			next = n->next;
			sum += n->count + n->nvals;
			free(n->vals);
			free(n->key);
			free(n);
		}
	}
	free(tab);
	return sum;
}

/* A sliding window of buffers of mixed sizes, written to once. */
static __attribute__((noinline)) uint64_t buffers(int count)
{
	enum { WINDOW = 64 };
	unsigned char *win[WINDOW] = { 0 };
	uint64_t sum = 0;
	int i;

	for (i = 0; i < count; i++) {
		uint64_t r = next_rand();
		size_t size = (r & 1023) == 0 ? 65536 : 16 + (r >> 10) % ((r & 7) ? 256 : 4096);
		unsigned char *b = malloc(size);

		memset(b, (int)i, size < 64 ? size : 64);
		sum += b[size / 2 < 64 ? size / 2 : 0];
		free(win[i % WINDOW]);
		win[i % WINDOW] = b;
	}
	for (i = 0; i < WINDOW; i++)
		free(win[i]);
	return sum;
}

static uint64_t mixed_round(void)
{
	size_t mask = 4095;
	struct node **tab = calloc(mask + 1, sizeof(*tab));
	char word[48];
	uint64_t sum = 0;
	int i;

	for (i = 0; i < 20000; i++) {
		uint64_t r = next_rand();
		/* zipf-ish: a few hot keys, a long tail */
		unsigned k = (unsigned)((r & 3) ? r % 512 : r % 20000);

		snprintf(word, sizeof(word), "key-%u-%s", k, (k & 1) ? "odd" : "even-and-longer");
		sum += table_add(tab, mask, word, (uint32_t)r)->count;
	}
	sum += buffers(20000);
	return sum + table_free(tab, mask);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "mixed";
	long n = argc > 2 ? atol(argv[2]) : 0, i;
	uint64_t sum = 0;

	if (!strcmp(mode, "tight")) {
		for (i = 0; i < (n ? n : 20000000); i++) {
			void *volatile p = malloc(256);

			free(p);
		}
	} else if (!strcmp(mode, "mixed")) {
		for (i = 0; i < (n ? n : 50); i++)
			sum += mixed_round();
	} else {
		fprintf(stderr, "usage: heap_bench mixed|tight [N]\n");
		return 2;
	}
	printf("%llu\n", (unsigned long long)sum);
	return 0;
}
