/*
 * stack_trie.c - the stack trie: interning of (parent, frame) pairs with an
 * open-addressing table. Memory grows with unique stacks, not with samples.
 */
#include "profile/stack_trie.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void rehash(struct stack_trie *t, size_t nslots)
{
	u32 *slots = xcalloc(nslots, sizeof(*slots));
	size_t mask = nslots - 1, i;

	for (i = 1; i < t->n; i++) {
		size_t j = hash_pair(t->parent[i], t->frame[i]) & mask;

		while (slots[j])
			j = (j + 1) & mask;
		slots[j] = (u32)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->mask = mask;
}

static void grow(struct stack_trie *t, size_t need)
{
	size_t c = t->cap;

	if (need <= c)
		return;
	t->parent = xgrow(t->parent, &c, need, sizeof(u32));
	c = t->cap;
	t->frame = xgrow(t->frame, &c, need, sizeof(u32));
	c = t->cap;
	t->depth = xgrow(t->depth, &c, need, sizeof(u32));
	t->cap = c;
}

void stack_trie__init(struct stack_trie *t)
{
	memset(t, 0, sizeof(*t));
	grow(t, 1);
	t->parent[0] = 0;
	t->frame[0] = 0;
	t->depth[0] = 0;
	t->n = 1;
	rehash(t, 1024);
}

void stack_trie__release(struct stack_trie *t)
{
	free(t->parent);
	free(t->frame);
	free(t->depth);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

u32 stack_trie__child(struct stack_trie *t, u32 parent, u32 frame)
{
	size_t j = hash_pair(parent, frame) & t->mask;
	u32 id;

	while (t->slots[j]) {
		id = t->slots[j] - 1;
		if (t->parent[id] == parent && t->frame[id] == frame)
			return id;
		j = (j + 1) & t->mask;
	}
	id = (u32)t->n;
	grow(t, t->n + 1);
	t->parent[id] = parent;
	t->frame[id] = frame;
	t->depth[id] = t->depth[parent] + 1;
	t->n++;
	t->slots[j] = id + 1;
	if (t->n * 2 > t->mask + 1)
		rehash(t, (t->mask + 1) * 2);
	return id;
}

int stack_trie__check(const struct stack_trie *t)
{
	size_t i;

	if (t->n == 0 || t->depth[0] != 0)
		return -EM_E_BAD_INPUT;
	for (i = 1; i < t->n; i++) {
		size_t j = hash_pair(t->parent[i], t->frame[i]) & t->mask;

		if (t->parent[i] >= i || t->depth[i] != t->depth[t->parent[i]] + 1)
			return -EM_E_BAD_INPUT;
		while (t->slots[j] && t->slots[j] != i + 1)
			j = (j + 1) & t->mask;
		if (t->slots[j] != i + 1)
			return -EM_E_BAD_INPUT;
	}
	return 0;
}
