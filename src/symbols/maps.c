/*
 * maps.c - one process's mappings, kept sorted and non-overlapping, and
 * the /proc/PID/maps line parser ("start-end perms offset dev inode path").
 */
#include "symbols/maps.h"
#include "symbols/scan.h"
#include "symbols/sorted.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

void maps__init(struct maps *m)
{
	memset(m, 0, sizeof(*m));
}

void maps__release(struct maps *m)
{
	free(m->v);
	maps__init(m);
}

void maps__clear(struct maps *m)
{
	m->n = 0;
}

/* Index of the first mapping whose end is above @addr. */
static size_t first_ending_after(const struct maps *m, u64 addr)
{
	return SORTED_UPPER(m->v, m->n, end, addr);
}

static void insert_at(struct maps *m, size_t i, const struct map *e)
{
	if (m->n == m->cap)
		XGROW(m->v, m->cap, m->n + 1);
	memmove(&m->v[i + 1], &m->v[i], (m->n - i) * sizeof(*m->v));
	m->v[i] = *e;
	m->n++;
}

void maps__insert(struct maps *m, const struct map *e)
{
	size_t i;

	if (e->end <= e->start)
		return;
	i = first_ending_after(m, e->start);
	while (i < m->n && m->v[i].start < e->end) {
		struct map *o = &m->v[i];

		if (o->start < e->start && o->end > e->end) {	/* split around e */
			struct map tail = *o;

			tail.pgoff += e->end - o->start;
			tail.start = e->end;
			o->end = e->start;
			insert_at(m, i + 1, &tail);
			i++;
			break;
		}
		if (o->start < e->start) {		/* keep the head */
			o->end = e->start;
			i++;
		} else if (o->end > e->end) {		/* keep the tail */
			o->pgoff += e->end - o->start;
			o->start = e->end;
			break;
		} else {				/* fully covered */
			memmove(o, o + 1, (m->n - i - 1) * sizeof(*m->v));
			m->n--;
		}
	}
	insert_at(m, first_ending_after(m, e->start), e);
}

struct map *maps__find(struct maps *m, u64 addr)
{
	size_t i = first_ending_after(m, addr);

	return i < m->n && m->v[i].start <= addr ? &m->v[i] : NULL;
}

void maps__copy(struct maps *dst, const struct maps *src)
{
	dst->n = 0;
	if (dst->cap < src->n)
		XGROW(dst->v, dst->cap, src->n);
	if (src->n)
		memcpy(dst->v, src->v, src->n * sizeof(*src->v));
	dst->n = src->n;
}

int proc_maps__parse_line(const char *s, size_t n, struct proc_maps_line *out)
{
	struct scan sc = { s, s + n };
	const char *perms, *dev, *ino;
	size_t plen, dlen, ilen;

	memset(out, 0, sizeof(*out));
	if (!scan__hex(&sc, &out->start) || sc.p == sc.end || *sc.p++ != '-' ||
	    !scan__hex(&sc, &out->end) || out->end < out->start || !scan__spaces(&sc) ||
	    !scan__field(&sc, &perms, &plen) || plen < 4 || !scan__spaces(&sc) ||
	    !scan__hex(&sc, &out->pgoff) || !scan__spaces(&sc) ||
	    !scan__field(&sc, &dev, &dlen) || !scan__spaces(&sc) || !scan__field(&sc, &ino, &ilen))
		return -EM_E_BAD_INPUT;
	out->exec = perms[2] == 'x';
	if (scan__spaces(&sc)) {
		out->path = sc.p;
		out->path_len = (size_t)(sc.end - sc.p);
	}
	return 0;
}
