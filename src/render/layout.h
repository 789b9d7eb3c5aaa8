/*
 * layout.h - the flame graph layout of a profile: which frames are drawn,
 * at which depth, from which count to which count, with flamegraph.pl's
 * rules (sort the folded lines, merge equal adjacent frames as its flow()
 * does, --reverse, --flamechart, chain graphs, differential deltas,
 * --minwidth pruning that never changes the totals). Independent of the
 * output format: svg.c turns a layout into pixels.
 */
#ifndef EMBER_RENDER_LAYOUT_H
#define EMBER_RENDER_LAYOUT_H

#include "base/err.h"
#include "profile/profile.h"

struct flame_layout_opts {
	bool reverse;		/* --reverse: stacks reversed before sorting/merging */
	bool flamechart;	/* keep the input order instead of sorting */
	bool chain;		/* --colors=chain: frames after "--" get "_[w]", a "--" leaf is added */
	double minwidth;	/* drop frames narrower than this (pixels, or % of the total) */
	bool minwidth_pct;	/* minwidth is a percentage */
	u64 total;		/* --total: width of the whole graph in counts (0 = sum) */
	unsigned image_width;	/* pixels, for a minwidth in pixels */
};

struct flame_frame {
	u32 name;		/* strtab id in flame_layout.p (annotation kept) */
	u32 depth;		/* 0 = the root ("all"), 1 = the stacks' first frames */
	u64 start, end;		/* extent in counts; the root ends at timemax */
	s64 delta;		/* differential: change of the samples ending here (B - A) */
	bool has_delta;		/* delta is meaningful (differential input) */
};

/* The input lines in a caller-given order (flame charts of folded input). */
struct flame_seq {
	const u32 *stacks;	/* stack ids of the profile, one per input line */
	const u64 *values;	/* profile->ncols values per line */
	size_t n;
};

struct flame_layout {
	const struct profile *p;	/* names of frames: p->strings (the input, or owned) */
	struct profile *owned;		/* a reversed/chain copy of the input, or NULL */
	struct flame_frame *frames;	/* drawn frames, children before their parents */
	size_t n, cap;
	u64 time;		/* sum of the counts (the width column) */
	u64 timemax;		/* the graph's width in counts: max(time, --total) */
	u32 depthmax;		/* deepest drawn frame */
	u64 maxdelta;		/* largest |B - A| of one line, at least 1 */
	bool differential;	/* the profile has two columns: width from the second */
	u64 pruned;		/* frames dropped by minwidth */
};

/*
 * Lay out @p (one column, or two for a differential profile: column 0 = A,
 * column 1 = B). @seq gives the line order for a flame chart (NULL: the
 * profile's sampled stacks). @p must outlive @l. Returns 0, or
 * -EM_E_EMPTY_INPUT (with @diag) when the counts add up to zero.
 */
int flame_layout__build(struct flame_layout *l, const struct profile *p, const struct flame_seq *seq,
			const struct flame_layout_opts *o, struct em_diag *diag) __must_check;
void flame_layout__release(struct flame_layout *l);

#endif
