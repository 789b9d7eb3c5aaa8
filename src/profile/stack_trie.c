/*
 * stack_trie.c - the stack trie: interning of (parent, frame) pairs with an
 * open-addressing table keyed by path hashes. Memory grows with unique
 * stacks, not with samples.
 */
#include "profile/stack_trie.h"
#include "base/err.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define ROOT_PATH_HASH 0x243f6a8885a308d3ULL
#define PATH_BATCH 64	/* lookups started together by stack_trie__path */

static inline u64 path_hash(u64 parent_hash, u32 frame)
{
	return hash_mix64(parent_hash ^ ((u64)frame * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL));
}

static inline u64 slot_of(u64 h, u32 id)
{
	return (h >> 32) << 32 | id;
}

static void rehash(struct stack_trie *t, size_t nslots)
{
	u64 *slots = xcalloc(nslots, sizeof(*slots));
	size_t mask = nslots - 1, i;

	for (i = 1; i < t->n; i++) {
		size_t j = t->phash[i] & mask;

		while (slots[j])
			j = (j + 1) & mask;
		slots[j] = slot_of(t->phash[i], (u32)i);
	}
	free(t->slots);
	t->slots = slots;
	t->mask = mask;
}

static void grow(struct stack_trie *t, size_t need)
{
	size_t c;

	if (need <= t->cap)
		return;
	c = t->cap;
	t->parent = xgrow(t->parent, &c, need, sizeof(u32));
	c = t->cap;
	t->frame = xgrow(t->frame, &c, need, sizeof(u32));
	c = t->cap;
	t->depth = xgrow(t->depth, &c, need, sizeof(u32));
	c = t->cap;
	t->phash = xgrow(t->phash, &c, need, sizeof(u64));
	t->cap = c;
}

void stack_trie__init(struct stack_trie *t)
{
	memset(t, 0, sizeof(*t));
	grow(t, 1);
	t->parent[0] = 0;
	t->frame[0] = 0;
	t->depth[0] = 0;
	t->phash[0] = ROOT_PATH_HASH;
	t->n = 1;
	rehash(t, 1024);
}

void stack_trie__release(struct stack_trie *t)
{
	free(t->parent);
	free(t->frame);
	free(t->depth);
	free(t->phash);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

/* Find or add the child of @parent with @frame, whose path hash is @h. */
static u32 child_hashed(struct stack_trie *t, u32 parent, u32 frame, u64 h)
{
	size_t j = h & t->mask;
	u64 tag = h >> 32, s;
	u32 id;

	while ((s = t->slots[j]) != 0) {
		id = (u32)s;
		if (s >> 32 == tag && t->parent[id] == parent && t->frame[id] == frame)
			return id;
		j = (j + 1) & t->mask;
	}
	id = (u32)t->n;
	grow(t, t->n + 1);
	t->parent[id] = parent;
	t->frame[id] = frame;
	t->depth[id] = t->depth[parent] + 1;
	t->phash[id] = h;
	t->n++;
	t->slots[j] = slot_of(h, id);
	if (t->n * 2 > t->mask + 1)
		rehash(t, (t->mask + 1) * 2);
	return id;
}

u32 stack_trie__child(struct stack_trie *t, u32 parent, u32 frame)
{
	return child_hashed(t, parent, frame, path_hash(t->phash[parent], frame));
}

u32 stack_trie__path(struct stack_trie *t, u32 parent, const u32 *frames, size_t n, u32 *nodes)
{
	u64 h[PATH_BATCH];
	size_t k, m;

	while (n > 0) {
		m = n < PATH_BATCH ? n : PATH_BATCH;
		h[0] = path_hash(t->phash[parent], frames[0]);
		for (k = 1; k < m; k++)
			h[k] = path_hash(h[k - 1], frames[k]);
		/* start every slot load, then every node load, then walk */
		for (k = 0; k < m; k++)
			__builtin_prefetch(&t->slots[h[k] & t->mask]);
		for (k = 0; k < m; k++) {
			u64 s = t->slots[h[k] & t->mask];

			if (s >> 32 == h[k] >> 32) {
				__builtin_prefetch(&t->parent[(u32)s]);
				__builtin_prefetch(&t->frame[(u32)s]);
			}
		}
		for (k = 0; k < m; k++) {
			parent = child_hashed(t, parent, frames[k], h[k]);
			if (nodes)
				nodes[k] = parent;
		}
		frames += m;
		if (nodes)
			nodes += m;
		n -= m;
	}
	return parent;
}

int stack_trie__check(const struct stack_trie *t)
{
	size_t i;

	if (t->n == 0 || t->depth[0] != 0 || t->phash[0] != ROOT_PATH_HASH)
		return -EM_E_BAD_INPUT;
	for (i = 1; i < t->n; i++) {
		size_t j = t->phash[i] & t->mask;

		if (t->parent[i] >= i || t->depth[i] != t->depth[t->parent[i]] + 1 ||
		    t->phash[i] != path_hash(t->phash[t->parent[i]], t->frame[i]))
			return -EM_E_BAD_INPUT;
		while (t->slots[j] && (u32)t->slots[j] != i)
			j = (j + 1) & t->mask;
		if ((u32)t->slots[j] != i || !t->slots[j])
			return -EM_E_BAD_INPUT;
	}
	return 0;
}
