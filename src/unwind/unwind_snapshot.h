/*
 * unwind_snapshot.h - this thread's registers and the top of its stack,
 * captured the way a perf sample carries them (registers + a stack copy), so
 * the unwinder can be tested and benchmarked on a live, real stack.
 */
#ifndef EMBER_UNWIND_SNAPSHOT_H
#define EMBER_UNWIND_SNAPSHOT_H

#include "base/compiler.h"
#include "unwind/unwind.h"

struct unwind_snapshot {
	struct unwind_regs regs;	/* callee-saved, SP and IP valid */
	u8 *stack;			/* owned copy of [sp, sp + len) */
	size_t len;
};

/*
 * Capture the state inside this call: the registers at one instruction of
 * unwind_snapshot__take itself (its CFI describes them) and at most @max
 * bytes of stack above SP, bounded by the thread's stack. Returns 0, or
 * -errno when the thread's stack bounds are unknown.
 */
int unwind_snapshot__take(struct unwind_snapshot *s, size_t max) __must_check;
void unwind_snapshot__release(struct unwind_snapshot *s);

/* The snapshot as the unwinder's stack argument. */
static inline struct unwind_stack unwind_snapshot__stack(const struct unwind_snapshot *s)
{
	struct unwind_stack st = { s->regs.r[UNWIND_REG__RSP], s->stack, s->len };

	return st;
}

#endif
