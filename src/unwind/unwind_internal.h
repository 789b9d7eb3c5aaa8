/*
 * unwind_internal.h - what the unwinder's walkers share: bounded reads of
 * the copied stack and one step of each walker. Not for use outside
 * src/unwind.
 */
#ifndef EMBER_UNWIND_INTERNAL_H
#define EMBER_UNWIND_INTERNAL_H

#include "unwind/unwind.h"

/* The 8 bytes at @addr if they lie inside the copied stack. */
static inline bool unwind__read(const struct unwind_stack *st, u64 addr, u64 *out)
{
	u64 off = addr - st->sp;

	if (addr < st->sp || off > st->len || st->len - off < 8)
		return false;
	__builtin_memcpy(out, st->bytes + off, 8);
	return true;
}

/*
 * True when a register's save slot at @addr lies below the frame's stack
 * pointer: the slot was popped, so the epilogue already put the value back
 * in the register (a sample on `ret`, where GCC's CFI still names the slot).
 */
static inline bool unwind__slot_popped(const struct unwind_regs *regs, u64 addr)
{
	return (regs->valid >> UNWIND_REG__RSP & 1) && addr < regs->r[UNWIND_REG__RSP];
}

enum unwind_step {
	UNWIND_STEP__OK,	/* @out holds the caller's registers */
	UNWIND_STEP__OUTERMOST,	/* RA undefined: the walk is complete */
	UNWIND_STEP__NO_CFI,	/* no rule covers this PC */
	UNWIND_STEP__STACK,	/* a rule read outside the copied stack */
	UNWIND_STEP__BAD,	/* a rule ember cannot evaluate */
};

struct unwind_step_info {
	bool signal_frame;	/* the CFI marks a signal trampoline (augmentation S) */
	u64 func_start;		/* the FDE's start (file address) */
};

/* One CFI step for the frame at file address @vaddr (already pc - 1 for callers). */
enum unwind_step unwind_dwarf__step(struct unwind_cfi *cfi, u64 vaddr, const struct unwind_regs *in,
				    const struct unwind_stack *st, struct unwind_regs *out,
				    struct unwind_step_info *info);

/* One frame-pointer step: rbp chain. */
enum unwind_step unwind_fp__step(const struct unwind_regs *in, const struct unwind_stack *st,
				 struct unwind_regs *out);

#endif
