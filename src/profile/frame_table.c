/*
 * frame_table.c - frame interning (open addressing on (name, kind)).
 */
#include "profile/frame_table.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void rehash(struct frame_table *t, size_t nslots)
{
	u32 *slots = xcalloc(nslots, sizeof(*slots));
	size_t mask = nslots - 1, i;

	for (i = 0; i < t->n; i++) {
		size_t j = hash_pair(t->frames[i].name, t->frames[i].kind) & mask;

		while (slots[j])
			j = (j + 1) & mask;
		slots[j] = (u32)i + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->mask = mask;
}

void frame_table__init(struct frame_table *t)
{
	memset(t, 0, sizeof(*t));
	rehash(t, 1024);
}

void frame_table__release(struct frame_table *t)
{
	free(t->frames);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

u32 frame_table__intern(struct frame_table *t, u32 name, enum frame_kind kind)
{
	size_t j = hash_pair(name, kind) & t->mask;
	u32 id;

	while (t->slots[j]) {
		const struct frame *f = &t->frames[t->slots[j] - 1];

		if (f->name == name && f->kind == (u32)kind)
			return t->slots[j] - 1;
		j = (j + 1) & t->mask;
	}
	id = (u32)t->n;
	XGROW(t->frames, t->cap, t->n + 1);
	t->frames[id].name = name;
	t->frames[id].kind = kind;
	t->n++;
	t->slots[j] = id + 1;
	if (t->n * 2 > t->mask + 1)
		rehash(t, (t->mask + 1) * 2);
	return id;
}
