/*
 * layout.c - flame layout with flamegraph.pl's semantics. The Perl script
 * sorts its input lines as strings ("stack count"), then walks them keeping
 * the open frames of the previous line: frames shared with the previous line
 * stay open, the others close (becoming drawn frames) and new ones open.
 * Here the lines are stack ids of a profile. Their text order is found by
 * walking the stack trie with each node's children sorted by name; only when
 * a name is a prefix of a sibling's (where the text after it decides) are the
 * lines compared as text. Either way the order, and so the merging, is the
 * Perl one. --reverse and chain graphs rewrite the stacks into a new profile.
 */
#include "render/layout.h"
#include "base/xalloc.h"
#include "formats/folded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct line {
	u32 stack;
	u64 w;			/* width: the count, or column B of a differential line */
	u64 a;			/* column A of a differential line */
};

struct lines {
	struct line *v;
	size_t n;
	size_t *path_off;	/* per line: offset of its root-first name ids in names */
	u32 *names;
	const struct profile *p;
	char *buf[2];		/* scratch for the rare text comparison */
	size_t cap[2];
};

static u64 col(const struct profile *p, const u64 *v, unsigned c)
{
	return c < p->ncols ? v[c] : 0;
}

/* Root-first name ids of every line, so comparing and merging need no walks. */
static void build_paths(struct lines *ls)
{
	const struct stack_trie *t = &ls->p->stacks;
	size_t i, total = 0;

	ls->path_off = xmalloc((ls->n + 1) * sizeof(*ls->path_off));
	for (i = 0; i < ls->n; i++) {
		ls->path_off[i] = total;
		total += t->depth[ls->v[i].stack];
	}
	ls->path_off[ls->n] = total;
	ls->names = xmalloc((total + 1) * sizeof(*ls->names));
	for (i = 0; i < ls->n; i++) {
		u32 s = ls->v[i].stack;
		size_t k = ls->path_off[i + 1];

		for (; s != STACK_ROOT; s = t->parent[s])
			ls->names[--k] = ls->p->frames.frames[t->frame[s]].name;
	}
}

/* Append line @i's text from frame @k on ("name;name... count") to buf[@which]. */
static size_t line_tail(struct lines *ls, size_t i, u32 k, int which)
{
	size_t a = ls->path_off[i], b = ls->path_off[i + 1];
	size_t len = 0;
	char num[48];
	int nl;

	for (; a + k < b; k++) {
		size_t l;
		const char *s = strtab__get(&ls->p->strings, ls->names[a + k], &l);

		XGROW(ls->buf[which], ls->cap[which], len + l + 1);
		memcpy(ls->buf[which] + len, s, l);
		len += l;
		if (a + k + 1 < b)
			ls->buf[which][len++] = ';';
	}
	if (ls->p->ncols >= 2)
		nl = snprintf(num, sizeof(num), " %llu %llu", (unsigned long long)ls->v[i].a,
			      (unsigned long long)ls->v[i].w);
	else
		nl = snprintf(num, sizeof(num), " %llu", (unsigned long long)ls->v[i].w);
	XGROW(ls->buf[which], ls->cap[which], len + (size_t)nl);
	memcpy(ls->buf[which] + len, num, (size_t)nl);
	return len + (size_t)nl;
}

static int cmp_lines(const void *x, const void *y, void *ctx)
{
	struct lines *ls = ctx;
	size_t i = *(const u32 *)x, j = *(const u32 *)y;
	const u32 *pa = ls->names + ls->path_off[i], *pb = ls->names + ls->path_off[j];
	u32 na = (u32)(ls->path_off[i + 1] - ls->path_off[i]), nb = (u32)(ls->path_off[j + 1] - ls->path_off[j]), k = 0;
	size_t la, lb, m;
	const char *sa, *sb;
	int r;

	while (k < na && k < nb && pa[k] == pb[k])
		k++;
	if (k < na && k < nb) {
		sa = strtab__get(&ls->p->strings, pa[k], &la);
		sb = strtab__get(&ls->p->strings, pb[k], &lb);
		m = la < lb ? la : lb;
		r = memcmp(sa, sb, m);
		if (r)
			return r;
	} else if (k < na || k < nb) {
		/* one stack ends: its " count" sorts before the other's ";frame" */
		return k == na ? -1 : 1;
	}
	/* one name is a prefix of the other, or the stacks are equal: compare text */
	la = line_tail(ls, i, k, 0);
	lb = line_tail(ls, j, k, 1);
	m = la < lb ? la : lb;
	r = memcmp(ls->buf[0], ls->buf[1], m);
	if (r)
		return r;
	return (la > lb) - (la < lb);
}

/* Sort the lines as Perl's sort sorts their text; paths are rebuilt after. */
static void sort_lines(struct lines *ls)
{
	struct line *sorted;
	u32 *idx;
	size_t i;

	if (ls->n < 2)
		return;
	idx = xmalloc(ls->n * sizeof(*idx));
	for (i = 0; i < ls->n; i++)
		idx[i] = (u32)i;
	qsort_r(idx, ls->n, sizeof(*idx), cmp_lines, ls);
	sorted = xmalloc(ls->n * sizeof(*sorted));
	for (i = 0; i < ls->n; i++)
		sorted[i] = ls->v[idx[i]];
	free(ls->v);
	ls->v = sorted;
	free(idx);
}

struct name_key {
	const char *s;
	size_t len;
	u32 node;
};

static int cmp_names(const void *x, const void *y)
{
	const struct name_key *a = x, *b = y;
	size_t m = a->len < b->len ? a->len : b->len;
	int r = memcmp(a->s, b->s, m);

	return r ? r : (a->len > b->len) - (a->len < b->len);
}

/*
 * The text order without comparing whole lines: a depth-first walk of the
 * stack trie, each node's own line before its children, children sorted by
 * name. Equal to the text order unless a child's name is a prefix of (or
 * equal to) a sibling's, where the text after the name decides; then this
 * returns false and the caller sorts the lines as text.
 */
static bool sort_lines_by_trie(struct lines *ls)
{
	const struct profile *p = ls->p;
	const struct stack_trie *t = &p->stacks;
	size_t n = t->n, i, k, nout = 0, top = 0;
	u32 *line_of = xcalloc(n + 1, sizeof(*line_of));	/* line index + 1, or 0 */
	u32 *first = xcalloc(n + 1, sizeof(*first));	/* first child's slot in kids + 1 */
	u32 *count = xcalloc(n + 1, sizeof(*count));
	u32 *kids = xmalloc((n + 1) * sizeof(*kids)), *stack = NULL;
	struct name_key *keys = NULL;
	size_t kcap = 0, scap = 0;
	struct line *out;
	bool ok = true;

	for (i = 0; i < ls->n; i++) {
		if (line_of[ls->v[i].stack]) {	/* a stack twice: only the text order knows */
			ok = false;
			goto out;
		}
		line_of[ls->v[i].stack] = (u32)i + 1;
	}
	/* children grouped by parent (counting sort), then each group by name */
	for (i = 1; i < n; i++)
		count[t->parent[i]]++;
	for (i = 0, k = 0; i < n; i++) {
		first[i] = (u32)k;
		k += count[i];
		count[i] = 0;
	}
	for (i = 1; i < n; i++) {
		u32 par = t->parent[i];

		kids[first[par] + count[par]++] = (u32)i;
	}
	for (i = 0; i < n && ok; i++) {
		u32 c = count[i];

		if (c < 2)
			continue;
		XGROW(keys, kcap, c);
		for (k = 0; k < c; k++) {
			u32 node = kids[first[i] + k];

			keys[k].s = strtab__get(&p->strings, p->frames.frames[t->frame[node]].name, &keys[k].len);
			keys[k].node = node;
		}
		if (c <= 16) {	/* most nodes have a few children: insertion sort */
			for (k = 1; k < c; k++) {
				struct name_key key = keys[k];
				size_t j = k;

				for (; j > 0 && cmp_names(&keys[j - 1], &key) > 0; j--)
					keys[j] = keys[j - 1];
				keys[j] = key;
			}
		} else {
			qsort(keys, c, sizeof(*keys), cmp_names);
		}
		for (k = 0; k < c; k++) {
			if (k + 1 < c && keys[k].len <= keys[k + 1].len &&
			    !memcmp(keys[k].s, keys[k + 1].s, keys[k].len)) {
				ok = false;	/* a prefix of (or equal to) the next name */
				break;
			}
			kids[first[i] + k] = keys[k].node;
		}
	}
	if (!ok)
		goto out;
	/* depth-first, children in order: push them reversed */
	out = xmalloc((ls->n + 1) * sizeof(*out));
	XGROW(stack, scap, 1);
	stack[top++] = STACK_ROOT;
	while (top) {
		u32 node = stack[--top], c = count[node];

		if (line_of[node])
			out[nout++] = ls->v[line_of[node] - 1];
		XGROW(stack, scap, top + c);
		for (k = c; k > 0; k--)
			stack[top++] = kids[first[node] + k - 1];
	}
	free(ls->v);
	ls->v = out;
	ls->n = nout;
out:
	free(line_of);
	free(first);
	free(count);
	free(kids);
	free(keys);
	free(stack);
	return ok;
}

static void lines_release(struct lines *ls)
{
	free(ls->v);
	free(ls->path_off);
	free(ls->names);
	free(ls->buf[0]);
	free(ls->buf[1]);
}

/* Gather the input lines: @seq, or the profile's sampled stacks in id order. */
static void collect_lines(struct lines *ls, const struct profile *p, const struct flame_seq *seq)
{
	bool diff = p->ncols >= 2;
	size_t i, n = 0;

	if (seq) {
		ls->v = xmalloc((seq->n + 1) * sizeof(*ls->v));
		for (i = 0; i < seq->n; i++) {
			const u64 *v = seq->values + i * p->ncols;

			ls->v[n].stack = seq->stacks[i];
			ls->v[n].w = diff ? col(p, v, 1) : v[0];
			ls->v[n].a = diff ? v[0] : 0;
			n++;
		}
	} else {
		ls->v = xmalloc((profile__sampled_stacks(p) + 1) * sizeof(*ls->v));
		for (i = 0; i < p->stacks.n && i < p->vcap; i++) {
			const u64 *v = p->values + i * p->ncols;

			if (!p->present[i])
				continue;
			ls->v[n].stack = (u32)i;
			ls->v[n].w = diff ? col(p, v, 1) : v[0];
			ls->v[n].a = diff ? v[0] : 0;
			n++;
		}
	}
	ls->n = n;
	ls->p = p;
}

/*
 * Rewrite every line's stack into a new profile @q: reversed (--reverse),
 * or for chain graphs with "_[w]" on frames after a "--" separator and a
 * "--" leaf when there is none, as flamegraph.pl's string edits do.
 */
static void transform_lines(struct lines *ls, struct profile *q, bool reverse, bool chain)
{
	const struct profile *p = ls->p;
	u32 *fr = NULL;
	size_t cap = 0, i;
	char *nb = NULL;
	size_t nbcap = 0;

	for (i = 0; i < ls->n; i++) {
		u32 s = ls->v[i].stack, d = p->stacks.depth[s], k, node = STACK_ROOT;
		bool after = false, prev_sep = false;

		XGROW(fr, cap, (size_t)d + 1);
		for (k = d; s != STACK_ROOT; s = p->stacks.parent[s])
			fr[--k] = p->frames.frames[p->stacks.frame[s]].name;
		if (reverse)
			for (k = 0; k < d / 2; k++) {
				u32 t = fr[k];

				fr[k] = fr[d - 1 - k];
				fr[d - 1 - k] = t;
			}
		for (k = 0; k < d; k++) {
			size_t len;
			const char *name = strtab__get(&p->strings, fr[k], &len);
			bool sep = chain && k > 0 && k + 1 < d && !prev_sep && len == 2 && !memcmp(name, "--", 2);

			if (chain && after && !sep) {
				XGROW(nb, nbcap, len + 4);
				memcpy(nb, name, len);
				memcpy(nb + len, "_[w]", 4);
				node = stack_trie__child(&q->stacks, node, profile__frame(q, nb, len + 4, FRAME_KIND__USER));
			} else {
				node = stack_trie__child(&q->stacks, node, profile__frame(q, name, len, FRAME_KIND__USER));
			}
			if (sep)
				after = true;
			prev_sep = sep;
		}
		if (chain && !after)
			node = stack_trie__child(&q->stacks, node, profile__frame(q, "--", 2, FRAME_KIND__USER));
		ls->v[i].stack = node;
	}
	ls->p = q;
	free(fr);
	free(nb);
}

struct open_frame {
	u32 name;
	u64 start;
	s64 delta;
	bool has_delta;
};

static void emit(struct flame_layout *l, const struct open_frame *f, u32 depth, u64 end, double min_time)
{
	struct flame_frame *out;

	if ((double)(end - f->start) < min_time) {
		l->pruned++;
		return;
	}
	XGROW(l->frames, l->cap, l->n + 1);
	out = &l->frames[l->n++];
	out->name = f->name;
	out->depth = depth;
	out->start = f->start;
	out->end = end;
	out->delta = f->delta;
	out->has_delta = f->has_delta;
	if (depth > l->depthmax)
		l->depthmax = depth;
}

static s64 sdiff(u64 b, u64 a)
{
	if (b >= a)
		return b - a > (u64)INT64_MAX ? INT64_MAX : (s64)(b - a);
	return a - b > (u64)INT64_MAX ? -INT64_MAX : -(s64)(a - b);
}

/* flamegraph.pl's flow() over all lines; depth 0 is the root "" frame. */
static void flow(struct flame_layout *l, struct lines *ls, double min_time)
{
	struct open_frame *open = NULL;
	size_t ocap = 0, nopen = 0, i, k;
	u64 time = 0;

	free(ls->path_off);
	free(ls->names);
	build_paths(ls);
	for (i = 0; i < ls->n; i++) {
		const u32 *path = ls->names + ls->path_off[i];
		size_t len = ls->path_off[i + 1] - ls->path_off[i] + 1, same = 0;
		s64 d = sdiff(ls->v[i].w, ls->v[i].a);

		/* open[0] is the root; open[k] holds path[k - 1] */
		if (nopen > 0)
			same = 1;
		while (same < nopen && same < len && open[same].name == path[same - 1])
			same++;
		for (k = nopen; k > same; k--)
			emit(l, &open[k - 1], (u32)(k - 1), time, min_time);
		XGROW(open, ocap, len);
		for (k = same; k < len; k++) {
			open[k].name = k ? path[k - 1] : 0;
			open[k].start = time;
			open[k].has_delta = l->differential;
			open[k].delta = l->differential && k == len - 1 ? d : 0;
		}
		nopen = len;
		time = time + ls->v[i].w < time ? UINT64_MAX : time + ls->v[i].w;
	}
	for (k = nopen; k > 0; k--)
		emit(l, &open[k - 1], (u32)(k - 1), time, min_time);
	free(open);
}

int flame_layout__build(struct flame_layout *l, const struct profile *p, const struct flame_seq *seq,
			const struct flame_layout_opts *o, struct em_diag *diag)
{
	struct lines ls = { 0 };
	double min_time, wpt;
	size_t i;

	memset(l, 0, sizeof(*l));
	l->p = p;
	l->differential = p->ncols >= 2;
	l->maxdelta = 1;
	collect_lines(&ls, p, seq);
	if (!seq && o->flamechart) {
		/* no line order was given (perf script input): the folded output's order */
		u32 *ids;
		size_t n = folded_sorted_stacks(p, &ids);

		for (i = 0; i < n && i < ls.n; i++) {
			const u64 *v = p->values + (size_t)ids[i] * p->ncols;

			ls.v[i].stack = ids[i];
			ls.v[i].w = l->differential ? v[1] : v[0];
			ls.v[i].a = l->differential ? v[0] : 0;
		}
		free(ids);
	}
	for (i = 0; i < ls.n; i++) {
		u64 ad = ls.v[i].w > ls.v[i].a ? ls.v[i].w - ls.v[i].a : ls.v[i].a - ls.v[i].w;

		l->time = l->time + ls.v[i].w < l->time ? UINT64_MAX : l->time + ls.v[i].w;
		if (l->differential && ad > l->maxdelta)
			l->maxdelta = ad;
	}
	if (!l->time) {
		lines_release(&ls);
		em_diag__set(diag, NULL, 0, "no stack counts found");
		return -EM_E_EMPTY_INPUT;
	}
	l->timemax = o->total > l->time ? o->total : l->time;
	if (o->reverse) {
		l->owned = profile__new(p->ncols);
		transform_lines(&ls, l->owned, true, false);
	}
	if (!o->flamechart && !sort_lines_by_trie(&ls)) {
		build_paths(&ls);
		sort_lines(&ls);
	}
	if (o->chain) {
		struct profile *q = profile__new(p->ncols);

		transform_lines(&ls, q, false, true);
		profile__free(l->owned);
		l->owned = q;
	}
	l->p = l->owned ? l->owned : p;
	wpt = (double)((int)o->image_width - 20) / (double)l->timemax;
	if (o->minwidth_pct)
		min_time = (double)l->timemax * o->minwidth / 100;
	else
		min_time = o->minwidth / wpt;
	flow(l, &ls, min_time);
	/* the root spans the whole graph, --total included */
	if (l->n && l->frames[l->n - 1].depth == 0)
		l->frames[l->n - 1].end = l->timemax;
	lines_release(&ls);
	return 0;
}

void flame_layout__release(struct flame_layout *l)
{
	free(l->frames);
	profile__free(l->owned);
	memset(l, 0, sizeof(*l));
}
