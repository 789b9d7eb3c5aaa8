/*
 * stackmap.h - the aggregator's table of distinct raw stacks (arrays of
 * program counters, leaf first) with a few u64 counters each: CPU samples,
 * or heap allocation/free counts and bytes. Not thread-safe and allocates:
 * never touched from a signal handler; callers serialize.
 */
#ifndef EMBER_PRELOAD_STACKMAP_H
#define EMBER_PRELOAD_STACKMAP_H

#include "base/compiler.h"

#define STACKMAP_MAX_COLS 4

struct stackmap {
	unsigned ncols;
	u64 *pcs;		/* every stack's pcs, concatenated */
	size_t npcs, pcap;
	u32 *off, *depth;	/* per stack id: first pc in pcs, number of pcs */
	u64 *hash;		/* per stack id */
	u64 *vals;		/* per stack id: ncols counters */
	size_t n, cap;
	u32 *slots;		/* open addressing: id + 1, 0 = empty */
	size_t mask;
};

void stackmap__init(struct stackmap *m, unsigned ncols);
void stackmap__release(struct stackmap *m);

/* Forget every stack (keeps the memory). */
void stackmap__clear(struct stackmap *m);

/* Id of the stack @pcs[0..@depth) (leaf first), adding it with zero counters if new. */
u32 stackmap__intern(struct stackmap *m, const u64 *pcs, u32 depth);

static inline u64 *stackmap__vals(const struct stackmap *m, u32 id)
{
	return &m->vals[(size_t)id * m->ncols];
}

static inline const u64 *stackmap__pcs(const struct stackmap *m, u32 id, u32 *depth)
{
	*depth = m->depth[id];
	return &m->pcs[m->off[id]];
}

#endif
