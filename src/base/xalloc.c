/*
 * xalloc.c - allocation wrappers that never return NULL. On allocation
 * failure they print one line and abort(): there is no sane way to go on,
 * and abort() (not exit()) keeps the rule that only src/cli exits.
 */
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		out_of_memory(n * size);
	return p;
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
	return xrealloc(p, n * elem);
}
