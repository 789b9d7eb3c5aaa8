/*
 * frame_table.h - the distinct frames of a profile: a name (strtab id) and a
 * kind. Frames are interned, so a frame id identifies a frame everywhere in
 * one profile. Addresses, files and lines join here when a reader needs them.
 */
#ifndef EMBER_FRAME_TABLE_H
#define EMBER_FRAME_TABLE_H

#include "base/compiler.h"

enum frame_kind {
	FRAME_KIND__USER,
	FRAME_KIND__KERNEL,
	FRAME_KIND__JIT,
	FRAME_KIND__INLINE,
	FRAME_KIND__ROOT,	/* a process/thread name or event at the stack's base */
};

struct frame {
	u32 name;		/* strtab id */
	u32 kind;		/* enum frame_kind */
};

struct frame_table {
	struct frame *frames;
	size_t n, cap;
	u32 *slots;		/* open addressing: frame id + 1, 0 = empty */
	size_t mask;
};

void frame_table__init(struct frame_table *t);
void frame_table__release(struct frame_table *t);

/* Id of the frame (@name, @kind), adding it if new. */
u32 frame_table__intern(struct frame_table *t, u32 name, enum frame_kind kind);

static inline const struct frame *frame_table__get(const struct frame_table *t, u32 id)
{
	return &t->frames[id];
}

#endif
