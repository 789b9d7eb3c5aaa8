/*
 * unwind_fp.c - the frame-pointer walk, for code without CFI (JIT output,
 * anonymous memory): caller rbp at [rbp], return address at [rbp + 8].
 */
#include "unwind/unwind_internal.h"

enum unwind_step unwind_fp__step(const struct unwind_regs *in, const struct unwind_stack *st,
				 struct unwind_regs *out)
{
	u64 rbp = in->r[UNWIND_REG__RBP], next_bp, ra;

	if (!(in->valid >> UNWIND_REG__RBP & 1) || !rbp)
		return UNWIND_STEP__NO_CFI;
	if (!unwind__read(st, rbp, &next_bp) || !unwind__read(st, rbp + 8, &ra))
		return UNWIND_STEP__STACK;
	out->valid = 1u << UNWIND_REG__RBP | 1u << UNWIND_REG__RSP | 1u << UNWIND_REG__RIP;
	out->r[UNWIND_REG__RBP] = next_bp;
	out->r[UNWIND_REG__RSP] = rbp + 16;
	out->r[UNWIND_REG__RIP] = ra;
	return UNWIND_STEP__OK;
}
