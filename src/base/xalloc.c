/*
 * xalloc.c - allocation wrappers that never return NULL. On allocation
 * failure they print one line and abort(): there is no sane way to go on,
 * and abort() (not exit()) keeps the rule that only src/cli exits.
 */
#include "base/xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void out_of_memory(size_t size)
{
	fprintf(stderr, "ember: out of memory (allocating %zu bytes)\n", size);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		out_of_memory(size);
	return p;
}

static void *hint_huge_pages(void *p, size_t size);

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory(n * size);
	return n * size >= (8u << 20) ? hint_huge_pages(p, n * size) : p;
}

void *xrealloc(void *p, size_t size)
{
	void *q = realloc(p, size ? size : 1);

	if (!q)
		out_of_memory(size);
	return q;
}

char *xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

void *xmemdup(const void *p, size_t len)
{
	void *q = xmalloc(len + 1);

	memcpy(q, p, len);
	((char *)q)[len] = '\0';
	return q;
}

/*
 * Big tables (a trie of millions of stacks) are touched at random: ask for
 * transparent huge pages so filling them costs a fault per 2 MiB, not per
 * 4 KiB. Only a hint; where THP is off nothing changes.
 */
static void *hint_huge_pages(void *p, size_t size)
{
	const uintptr_t huge = 2u << 20;
	uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
	uintptr_t end = ((uintptr_t)p + size) & ~(huge - 1);

	if (end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
	return p;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap;

	if (need <= n && p)
		return p;
	if (n < 16)
		n = 16;
	while (n < need)
		n += n / 2 + 16;
	if (n > SIZE_MAX / elem)
		out_of_memory(SIZE_MAX);
	*cap = n;
	p = xrealloc(p, n * elem);
	return n * elem >= (8u << 20) ? hint_huge_pages(p, n * elem) : p;
}
