/*
 * stack_trie.h - stacks as a trie of (parent stack, frame) pairs. Stack id 0
 * is the empty stack (the root); every other stack's parent has a smaller id,
 * so walking ids upwards visits parents before children.
 *
 * The table is keyed by a hash of the whole path (not of the parent's id),
 * so all the lookups of one stack can be started at once: deep stacks in a
 * big trie cost one round of cache misses, not one per frame.
 */
#ifndef EMBER_STACK_TRIE_H
#define EMBER_STACK_TRIE_H

#include "base/compiler.h"

#define STACK_ROOT 0u

struct stack_trie {
	u32 *parent;		/* per stack id */
	u32 *frame;		/* per stack id: frame_table id of the top frame */
	u32 *depth;		/* per stack id: number of frames (root = 0) */
	u64 *phash;		/* per stack id: hash of the path from the root */
	size_t n, cap;
	u64 *slots;		/* open addressing on phash: (phash >> 32) << 32 | id; 0 = empty */
	size_t mask;
};

void stack_trie__init(struct stack_trie *t);
void stack_trie__release(struct stack_trie *t);

/* The stack @parent with @frame pushed on top, adding it if new. */
u32 stack_trie__child(struct stack_trie *t, u32 parent, u32 frame);

/*
 * The stack @parent with @frames[0..n) pushed on top in order (frames[0]
 * nearest the root), adding what is new. Same result as n calls of
 * stack_trie__child, with the table lookups overlapped. When @nodes is not
 * NULL, nodes[k] gets the stack after frames[k].
 */
u32 stack_trie__path(struct stack_trie *t, u32 parent, const u32 *frames, size_t n, u32 *nodes);

/*
 * Check the invariants (parents before children, depths consistent, every
 * node reachable through the table). Returns 0 or -EM_E_BAD_INPUT.
 */
int stack_trie__check(const struct stack_trie *t);

static inline size_t stack_trie__count(const struct stack_trie *t)
{
	return t->n;
}

#endif
