/*
 * perfmap.c - /tmp/perf-PID.map: "START SIZE name" per line, hex numbers,
 * the name running to the end of the line. Later lines win on overlap, as
 * a JIT that recompiles appends a new entry.
 */
#include "symbols/perfmap.h"
#include "symbols/scan.h"
#include "symbols/sorted.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PERFMAP_NAME_MAX 4096
#define PERFMAP_FILE_MAX (512u << 20)

void perfmap__init(struct perfmap *m)
{
	memset(m, 0, sizeof(*m));
	m->loaded_size = -1;
}

void perfmap__release(struct perfmap *m)
{
	free(m->v);
	free(m->names);
	perfmap__init(m);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct perfmap_entry *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->name < y->name ? 1 : x->name > y->name ? -1 : 0;	/* later line first */
}

void perfmap__parse(struct perfmap *m, const char *text, size_t len, u64 *bad)
{
	struct scan sc = { text, text + len };
	const char *line;
	size_t n, i, j;
	u64 nbad = 0;

	m->n = 0;
	m->names_len = 0;
	while (scan__line(&sc, &line, &n)) {
		struct scan ls = { line, line + n };
		u64 start, size;
		size_t nlen;

		if (n && line[n - 1] == '\r')
			ls.end--;
		if (!n)
			continue;
		if (!scan__hex(&ls, &start) || !scan__spaces(&ls) || !scan__hex(&ls, &size) ||
		    !scan__spaces(&ls) || !size || start + size < start) {
			nbad++;
			continue;
		}
		nlen = (size_t)(ls.end - ls.p);
		if (nlen > PERFMAP_NAME_MAX || memchr(ls.p, 0, nlen)) {
			nbad++;
			continue;
		}
		if (m->n == m->cap)
			XGROW(m->v, m->cap, m->n + 1);
		if (m->names_len + nlen + 1 > m->names_cap)
			XGROW(m->names, m->names_cap, m->names_len + nlen + 1);
		memcpy(m->names + m->names_len, ls.p, nlen);
		m->names[m->names_len + nlen] = 0;
		m->v[m->n++] = (struct perfmap_entry){ start, size, (u32)m->names_len };
		m->names_len += nlen + 1;
	}
	if (m->n)
		qsort(m->v, m->n, sizeof(*m->v), cmp_entry);
	for (i = j = 0; i < m->n; i++)	/* one entry per start: the latest */
		if (!j || m->v[i].start != m->v[j - 1].start)
			m->v[j++] = m->v[i];
	m->n = j;
	if (bad)
		*bad = nbad;
}

int perfmap__refresh(struct perfmap *m, const char *path)
{
	struct stat st;
	FILE *f;
	char *buf;
	size_t got;

	if (stat(path, &st))
		return -errno;
	if (st.st_size == m->loaded_size)
		return 0;
	if ((unsigned long long)st.st_size > PERFMAP_FILE_MAX)
		return -EM_E_TOO_BIG;
	f = fopen(path, "r");
	if (!f)
		return -errno;
	buf = xmalloc((size_t)st.st_size + 1);
	got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	perfmap__parse(m, buf, got, NULL);
	m->loaded_size = (long long)got;
	free(buf);
	return 0;
}

const struct perfmap_entry *perfmap__lookup(const struct perfmap *m, u64 addr)
{
	size_t lo = SORTED_UPPER(m->v, m->n, start, addr), k;

	for (k = 0; k < 4 && lo > k; k++) {
		const struct perfmap_entry *e = &m->v[lo - 1 - k];

		if (addr - e->start < e->size)
			return e;
	}
	return NULL;
}
