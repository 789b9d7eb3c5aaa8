/*
 * stackmap.c - interning raw pc stacks: one hash over the pcs, linear
 * probing on a power-of-two table that is kept at most half full.
 */
#include "preload/stackmap.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

void stackmap__init(struct stackmap *m, unsigned ncols)
{
	memset(m, 0, sizeof(*m));
	m->ncols = ncols < 1 ? 1 : ncols > STACKMAP_MAX_COLS ? STACKMAP_MAX_COLS : ncols;
	m->mask = 255;
	m->slots = xcalloc(m->mask + 1, sizeof(*m->slots));
}

void stackmap__release(struct stackmap *m)
{
	free(m->pcs);
	free(m->off);
	free(m->depth);
	free(m->hash);
	free(m->vals);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

void stackmap__clear(struct stackmap *m)
{
	memset(m->slots, 0, (m->mask + 1) * sizeof(*m->slots));
	m->n = 0;
	m->npcs = 0;
}

static void stackmap__rehash(struct stackmap *m)
{
	size_t i, j, nmask = m->mask * 2 + 1;
	u32 *slots = xcalloc(nmask + 1, sizeof(*slots));

	for (i = 0; i < m->n; i++) {
		for (j = m->hash[i] & nmask; slots[j]; j = (j + 1) & nmask)
			;
		slots[j] = i + 1;
	}
	free(m->slots);
	m->slots = slots;
	m->mask = nmask;
}

u32 stackmap__intern(struct stackmap *m, const u64 *pcs, u32 depth)
{
	u64 h = hash_bytes(pcs, depth * sizeof(*pcs), depth);
	size_t i;
	u32 id;

	for (i = h & m->mask; m->slots[i]; i = (i + 1) & m->mask) {
		id = m->slots[i] - 1;
		if (m->hash[id] == h && m->depth[id] == depth &&
		    !memcmp(&m->pcs[m->off[id]], pcs, depth * sizeof(*pcs)))
			return id;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap;

		XGROW(m->off, cap, m->n + 1);
		cap = m->cap;
		XGROW(m->depth, cap, m->n + 1);
		cap = m->cap;
		XGROW(m->hash, cap, m->n + 1);
		m->vals = xrealloc(m->vals, cap * m->ncols * sizeof(*m->vals));
		m->cap = cap;
	}
	if (m->npcs + depth > m->pcap)
		XGROW(m->pcs, m->pcap, m->npcs + depth);
	id = m->n++;
	m->off[id] = m->npcs;
	m->depth[id] = depth;
	m->hash[id] = h;
	memcpy(&m->pcs[m->npcs], pcs, depth * sizeof(*pcs));
	m->npcs += depth;
	memset(stackmap__vals(m, id), 0, m->ncols * sizeof(*m->vals));
	m->slots[i] = id + 1;
	if (m->n * 2 > m->mask)
		stackmap__rehash(m);
	return id;
}
