/*
 * stack_trie.h - stacks as a trie of (parent stack, frame) pairs. Stack id 0
 * is the empty stack (the root); every other stack's parent has a smaller id,
 * so walking ids upwards visits parents before children.
 */
#ifndef EMBER_STACK_TRIE_H
#define EMBER_STACK_TRIE_H

#include "base/compiler.h"

#define STACK_ROOT 0u

struct stack_trie {
	u32 *parent;		/* per stack id */
	u32 *frame;		/* per stack id: frame_table id of the top frame */
	u32 *depth;		/* per stack id: number of frames (root = 0) */
	size_t n, cap;
	u32 *slots;		/* open addressing on (parent, frame): id + 1 */
	size_t mask;
};

void stack_trie__init(struct stack_trie *t);
void stack_trie__release(struct stack_trie *t);

/* The stack @parent with @frame pushed on top, adding it if new. */
u32 stack_trie__child(struct stack_trie *t, u32 parent, u32 frame);

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
