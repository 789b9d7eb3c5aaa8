/*
 * profile.h - ember's one profile model: interned strings, frames, a stack
 * trie and one or more value columns per stack (samples, weight, or the two
 * sides of a differential profile). Every reader builds one; every writer
 * and renderer reads one. No I/O and no format knowledge here.
 */
#ifndef EMBER_PROFILE_H
#define EMBER_PROFILE_H

#include "base/compiler.h"
#include "profile/frame_table.h"
#include "profile/stack_trie.h"
#include "profile/strtab.h"

#define PROFILE_MAX_COLS 4

struct value_type {
	u32 type;		/* strtab id, e.g. "samples", "cpu" */
	u32 unit;		/* strtab id, e.g. "count", "nanoseconds" */
};

struct profile {
	struct strtab strings;
	struct frame_table frames;
	struct stack_trie stacks;
	unsigned ncols;
	struct value_type types[PROFILE_MAX_COLS];
	u64 *values;		/* per stack id: ncols values */
	u8 *present;		/* per stack id: 1 when a sample ended at it */
	size_t vcap;		/* capacity of values/present, in stacks */
};

/* A new empty profile with @ncols value columns (1..PROFILE_MAX_COLS). */
struct profile *profile__new(unsigned ncols);
void profile__free(struct profile *p);

void profile__set_value_type(struct profile *p, unsigned col, const char *type, const char *unit);

/* Frame id for the name @name (@len bytes) of @kind, interning both. */
u32 profile__frame(struct profile *p, const char *name, size_t len, enum frame_kind kind);

/* Add @value to column @col of @stack and mark the stack as sampled. */
static inline void profile__add(struct profile *p, u32 stack, unsigned col, u64 value);

/*
 * Add every sample of @src into @dst, mapping frames by name and kind and
 * columns by index (@src->ncols must be <= @dst->ncols). @src is unchanged.
 */
void profile__merge(struct profile *dst, const struct profile *src);

/*
 * profile__merge(), with frame i of @src named @names[i] instead of its own
 * name where @names[i] is not NULL (frames that end up with one name are
 * one frame in @dst).
 */
void profile__merge_renamed(struct profile *dst, const struct profile *src, const char *const *names);

/* Keep only value column @col (and its type), as the profile's one column. */
void profile__keep_column(struct profile *p, unsigned col);

/* Keep only the first @ncols value columns (no-op when @ncols >= p->ncols). */
void profile__narrow(struct profile *p, unsigned ncols);

/* Number of stacks that carry samples. */
size_t profile__sampled_stacks(const struct profile *p);

/* Sum of column @col over all stacks (saturating). */
u64 profile__total(const struct profile *p, unsigned col);

/* Name of the top frame of @stack; *@len gets its length. */
const char *profile__frame_name(const struct profile *p, u32 stack, size_t *len);

void profile__grow_values(struct profile *p, size_t nstacks);

static inline void profile__add(struct profile *p, u32 stack, unsigned col, u64 value)
{
	u64 *v;

	if (unlikely(stack >= p->vcap))
		profile__grow_values(p, stack + 1);
	v = &p->values[(size_t)stack * p->ncols + col];
	*v = (*v + value < *v) ? UINT64_MAX : *v + value;
	p->present[stack] = 1;
}

#endif
