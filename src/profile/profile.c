/*
 * profile.c - profile lifetime, value columns and merging.
 */
#include "profile/profile.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

struct profile *profile__new(unsigned ncols)
{
	struct profile *p = xcalloc(1, sizeof(*p));

	if (ncols < 1)
		ncols = 1;
	if (ncols > PROFILE_MAX_COLS)
		ncols = PROFILE_MAX_COLS;
	p->ncols = ncols;
	strtab__init(&p->strings);
	frame_table__init(&p->frames);
	stack_trie__init(&p->stacks);
	profile__set_value_type(p, 0, "samples", "count");
	profile__grow_values(p, 1024);
	return p;
}

void profile__free(struct profile *p)
{
	if (!p)
		return;
	strtab__release(&p->strings);
	frame_table__release(&p->frames);
	stack_trie__release(&p->stacks);
	free(p->values);
	free(p->present);
	free(p);
}

void profile__set_value_type(struct profile *p, unsigned col, const char *type, const char *unit)
{
	if (col >= p->ncols)
		return;
	p->types[col].type = strtab__intern(&p->strings, type, strlen(type));
	p->types[col].unit = strtab__intern(&p->strings, unit, strlen(unit));
}

void profile__grow_values(struct profile *p, size_t nstacks)
{
	size_t old = p->vcap, cap = p->vcap;

	if (nstacks <= old)
		return;
	p->present = xgrow(p->present, &cap, nstacks, 1);
	p->values = xrealloc(p->values, cap * p->ncols * sizeof(u64));
	memset(p->present + old, 0, cap - old);
	memset(p->values + old * p->ncols, 0, (cap - old) * p->ncols * sizeof(u64));
	p->vcap = cap;
}

u32 profile__frame(struct profile *p, const char *name, size_t len, enum frame_kind kind)
{
	return frame_table__intern(&p->frames, strtab__intern(&p->strings, name, len), kind);
}

void profile__merge(struct profile *dst, const struct profile *src)
{
	profile__merge_renamed(dst, src, NULL);
}

void profile__merge_renamed(struct profile *dst, const struct profile *src, const char *const *names)
{
	size_t nframes = src->frames.n, nstacks = src->stacks.n, i;
	u32 *fmap = xmalloc(nframes * sizeof(*fmap) + 1);
	u32 *smap = xmalloc(nstacks * sizeof(*smap));
	unsigned c, ncols = src->ncols < dst->ncols ? src->ncols : dst->ncols;

	for (i = 0; i < nframes; i++) {
		const struct frame *f = &src->frames.frames[i];
		size_t len;
		const char *name = strtab__get(&src->strings, f->name, &len);

		if (names && names[i]) {
			name = names[i];
			len = strlen(name);
		}
		fmap[i] = profile__frame(dst, name, len, f->kind);
	}
	smap[0] = STACK_ROOT;
	for (i = 1; i < nstacks; i++)	/* parents come before children */
		smap[i] = stack_trie__child(&dst->stacks, smap[src->stacks.parent[i]],
					    fmap[src->stacks.frame[i]]);
	for (i = 0; i < nstacks && i < src->vcap; i++) {
		if (!src->present[i])
			continue;
		for (c = 0; c < ncols; c++)
			profile__add(dst, smap[i], c, src->values[i * src->ncols + c]);
	}
	free(fmap);
	free(smap);
}

void profile__keep_column(struct profile *p, unsigned col)
{
	size_t i;

	if (col >= p->ncols)
		return;
	for (i = 0; i < p->vcap; i++)
		p->values[i * p->ncols] = p->values[i * p->ncols + col];
	p->types[0] = p->types[col];
	profile__narrow(p, 1);
}

void profile__narrow(struct profile *p, unsigned ncols)
{
	size_t i;
	unsigned c;

	if (ncols < 1 || ncols >= p->ncols)
		return;
	for (i = 0; i < p->vcap; i++)
		for (c = 0; c < ncols; c++)
			p->values[i * ncols + c] = p->values[i * p->ncols + c];
	p->ncols = ncols;
}

size_t profile__sampled_stacks(const struct profile *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->stacks.n && i < p->vcap; i++)
		n += p->present[i];
	return n;
}

u64 profile__total(const struct profile *p, unsigned col)
{
	u64 t = 0;
	size_t i;

	if (col >= p->ncols)
		return 0;
	for (i = 0; i < p->stacks.n && i < p->vcap; i++) {
		u64 v = p->values[i * p->ncols + col];

		t = t + v < t ? UINT64_MAX : t + v;
	}
	return t;
}

const char *profile__frame_name(const struct profile *p, u32 stack, size_t *len)
{
	const struct frame *f = frame_table__get(&p->frames, p->stacks.frame[stack]);

	return strtab__get(&p->strings, f->name, len);
}
