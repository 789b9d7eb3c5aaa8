/*
 * unwind.c - the walk: for each frame, look the PC up in the address space,
 * take one CFI step (or a frame-pointer step where there is no CFI), and
 * stop at the outermost frame, at the edge of the copied stack, or when the
 * stack pointer stops moving up.
 */
#include "unwind/unwind_internal.h"

enum unwind_end unwind__stack(const struct unwind_regs *regs, const struct unwind_stack *stack,
			      unwind_find_fn find, void *ctx, struct unwind_frame *frames,
			      size_t max, size_t *n)
{
	struct unwind_regs cur = *regs, next;
	bool exact = true;	/* the first PC (and one after a signal frame) is not a return address */

	*n = 0;
	if (!(cur.valid >> UNWIND_REG__RIP & 1))
		return UNWIND_END__BAD;
	for (;;) {
		struct unwind_module m = { NULL, 0, 0 };
		struct unwind_step_info info = { false, 0 };
		enum unwind_step st = UNWIND_STEP__NO_CFI;
		u64 pc = cur.r[UNWIND_REG__RIP], lookup = exact || !pc ? pc : pc - 1;

		if (!pc)
			return *n ? UNWIND_END__COMPLETE : UNWIND_END__BAD;
		if (*n == max)
			return UNWIND_END__DEPTH;
		frames[*n].pc = pc;
		frames[*n].lookup = lookup;
		frames[*n].func_start = 0;
		frames[*n].signal = false;
		frames[*n].sp = cur.valid >> UNWIND_REG__RSP & 1 ? cur.r[UNWIND_REG__RSP] : 0;
		(*n)++;
		m.entry = 0;
		if (!find(ctx, lookup, &m))
			return UNWIND_END__NO_MAP;
		if (m.cfi)
			st = unwind_dwarf__step(m.cfi, lookup - m.bias, &cur, stack, &next, &info);
		frames[*n - 1].func_start = info.func_start;
		frames[*n - 1].signal = info.signal_frame;
		if (st == UNWIND_STEP__NO_CFI && m.entry && lookup - m.bias - m.entry < UNWIND_ENTRY_WINDOW) {
			frames[*n - 1].func_start = m.entry;
			return UNWIND_END__COMPLETE;
		}
		if (st == UNWIND_STEP__NO_CFI)
			st = unwind_fp__step(&cur, stack, &next);
		switch (st) {
		case UNWIND_STEP__OK:
			break;
		case UNWIND_STEP__OUTERMOST:
			return UNWIND_END__COMPLETE;
		case UNWIND_STEP__STACK:
			return UNWIND_END__STACK;
		case UNWIND_STEP__NO_CFI:
			return UNWIND_END__NO_CFI;
		default:
			return UNWIND_END__BAD;
		}
		/* the stack grows down: a caller's frame lies above ours */
		if (!info.signal_frame && next.r[UNWIND_REG__RSP] <= cur.r[UNWIND_REG__RSP] &&
		    (cur.valid >> UNWIND_REG__RSP & 1))
			return UNWIND_END__BAD;
		exact = info.signal_frame;
		cur = next;
	}
}
