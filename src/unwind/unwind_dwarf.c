/*
 * unwind_dwarf.c - one DWARF CFI unwind step on x86-64. elfutils' libdw finds
 * the FDE and runs the CFA program (dwarf_cfi_addrframe); the resulting rules
 * are DWARF expressions that this file evaluates against the sampled
 * registers and the copied stack (libdw leaves evaluation to the caller, as
 * libdwfl's frame_unwind.c does). Owns the per-file CFI handles.
 */
#include "unwind/unwind_internal.h"
#include "base/xalloc.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <stdlib.h>

struct unwind_cfi {
	Dwarf_CFI *eh;		/* .eh_frame of the file itself */
	Dwarf *dbg;		/* the separate debug file, for .debug_frame */
	Dwarf_CFI *debug;
};

struct unwind_cfi *unwind_cfi__new(void *elf, void *debug_elf)
{
	struct unwind_cfi *c = xcalloc(1, sizeof(*c));

	if (elf)
		c->eh = dwarf_getcfi_elf(elf);
	if (debug_elf) {
		c->dbg = dwarf_begin_elf(debug_elf, DWARF_C_READ, NULL);
		if (c->dbg)
			c->debug = dwarf_getcfi(c->dbg);
	}
	if (!c->debug && !c->eh && elf) {
		c->dbg = dwarf_begin_elf(elf, DWARF_C_READ, NULL);
		if (c->dbg)
			c->debug = dwarf_getcfi(c->dbg);
	}
	if (!c->eh && !c->debug) {
		unwind_cfi__free(c);
		return NULL;
	}
	return c;
}

void unwind_cfi__free(struct unwind_cfi *c)
{
	if (!c)
		return;
	if (c->eh)
		dwarf_cfi_end(c->eh);
	if (c->dbg)
		dwarf_end(c->dbg);	/* also ends c->debug */
	free(c);
}

#define EVAL_STACK 16

struct eval {
	const struct unwind_regs *regs;
	const struct unwind_stack *st;
	u64 cfa;
	bool have_cfa;
	enum unwind_step err;
};

static bool reg_value(struct eval *e, unsigned reg, u64 *out)
{
	if (reg >= UNWIND_NREGS || !(e->regs->valid >> reg & 1)) {
		e->err = UNWIND_STEP__BAD;
		return false;
	}
	*out = e->regs->r[reg];
	return true;
}

/*
 * Evaluate @ops. *@is_value tells whether the result is the value itself
 * (DW_OP_stack_value, a register) or the address where the value is saved.
 */
static bool eval_ops(struct eval *e, const Dwarf_Op *ops, size_t nops, u64 *result, bool *is_value)
{
	u64 s[EVAL_STACK], a, b;
	size_t sp = 0, i;

#define PUSH(v) do { if (sp == EVAL_STACK) goto bad; s[sp++] = (v); } while (0)
#define POP(v) do { if (!sp) goto bad; (v) = s[--sp]; } while (0)
	*is_value = true;
	for (i = 0; i < nops; i++) {
		const Dwarf_Op *op = &ops[i];
		u8 atom = op->atom;

		if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
			PUSH(atom - DW_OP_lit0);
			continue;
		}
		if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
			if (!reg_value(e, atom - DW_OP_breg0, &a))
				return false;
			PUSH(a + op->number);
			continue;
		}
		if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
			if (!reg_value(e, atom - DW_OP_reg0, &a))
				return false;
			PUSH(a);
			*is_value = true;
			continue;
		}
		switch (atom) {
		case DW_OP_regx:
			if (!reg_value(e, (unsigned)op->number, &a))
				return false;
			PUSH(a);
			break;
		case DW_OP_bregx:
			if (!reg_value(e, (unsigned)op->number, &a))
				return false;
			PUSH(a + op->number2);
			break;
		case DW_OP_const1u: case DW_OP_const1s: case DW_OP_const2u: case DW_OP_const2s:
		case DW_OP_const4u: case DW_OP_const4s: case DW_OP_const8u: case DW_OP_const8s:
		case DW_OP_constu: case DW_OP_consts: case DW_OP_addr:
			PUSH(op->number);
			break;
		case DW_OP_call_frame_cfa:
			if (!e->have_cfa)
				goto bad;
			PUSH(e->cfa);
			*is_value = false;	/* offset(N)/expression rules: an address */
			break;
		case DW_OP_stack_value:
			*is_value = true;
			break;
		case DW_OP_deref:
			POP(a);
			if (!unwind__read(e->st, a, &b)) {
				e->err = UNWIND_STEP__STACK;
				return false;
			}
			PUSH(b);
			break;
		case DW_OP_plus_uconst:
			POP(a);
			PUSH(a + op->number);
			break;
		case DW_OP_dup:
			POP(a);
			PUSH(a);
			PUSH(a);
			break;
		case DW_OP_drop:
			POP(a);
			break;
		case DW_OP_over:
			if (sp < 2)
				goto bad;
			a = s[sp - 2];
			PUSH(a);
			break;
		case DW_OP_swap:
			POP(a);
			POP(b);
			PUSH(a);
			PUSH(b);
			break;
		case DW_OP_neg:
			POP(a);
			PUSH(-a);
			break;
		case DW_OP_not:
			POP(a);
			PUSH(~a);
			break;
		case DW_OP_nop:
			break;
		case DW_OP_plus: case DW_OP_minus: case DW_OP_mul: case DW_OP_and: case DW_OP_or:
		case DW_OP_xor: case DW_OP_shl: case DW_OP_shr: case DW_OP_shra: case DW_OP_ge:
		case DW_OP_gt: case DW_OP_le: case DW_OP_lt: case DW_OP_eq: case DW_OP_ne:
			POP(b);
			POP(a);
			switch (atom) {
			case DW_OP_plus: a += b; break;
			case DW_OP_minus: a -= b; break;
			case DW_OP_mul: a *= b; break;
			case DW_OP_and: a &= b; break;
			case DW_OP_or: a |= b; break;
			case DW_OP_xor: a ^= b; break;
			case DW_OP_shl: a = b < 64 ? a << b : 0; break;
			case DW_OP_shr: a = b < 64 ? a >> b : 0; break;
			case DW_OP_shra: a = (u64)((s64)a >> (b < 63 ? b : 63)); break;
			case DW_OP_ge: a = (s64)a >= (s64)b; break;
			case DW_OP_gt: a = (s64)a > (s64)b; break;
			case DW_OP_le: a = (s64)a <= (s64)b; break;
			case DW_OP_lt: a = (s64)a < (s64)b; break;
			case DW_OP_eq: a = a == b; break;
			default: a = a != b; break;
			}
			PUSH(a);
			break;
		default:
			goto bad;
		}
	}
	if (!sp)
		goto bad;
	*result = s[sp - 1];
	return true;
bad:
	e->err = UNWIND_STEP__BAD;
	return false;
#undef PUSH
#undef POP
}

/* The caller's value of @reg. Returns 1 when set, 0 when undefined, -1 on error. */
static int caller_reg(struct eval *e, Dwarf_Frame *frame, unsigned reg, u64 *out)
{
	Dwarf_Op mem[3], *ops = NULL;
	size_t nops = 0;
	bool is_value;
	u64 v;

	if (dwarf_frame_register(frame, (int)reg, mem, &ops, &nops))
		return 0;
	if (nops == 0) {
		if (ops == mem)
			return 0;	/* undefined */
		if (!(e->regs->valid >> reg & 1))
			return 0;	/* same value, but we never knew it */
		*out = e->regs->r[reg];
		return 1;
	}
	if (!eval_ops(e, ops, nops, &v, &is_value))
		return e->err == UNWIND_STEP__STACK || reg == UNWIND_REG__RIP ? -1 : 0;
	if (!is_value && !unwind__read(e->st, v, &v)) {
		e->err = UNWIND_STEP__STACK;
		return reg == UNWIND_REG__RIP ? -1 : 0;
	}
	*out = v;
	return 1;
}

static enum unwind_step step_with(Dwarf_CFI *cfi, u64 vaddr, const struct unwind_regs *in,
				  const struct unwind_stack *st, struct unwind_regs *out,
				  struct unwind_step_info *info)
{
	static const u8 saved[] = { UNWIND_REG__RBX, UNWIND_REG__RBP, UNWIND_REG__R12,
				    UNWIND_REG__R13, UNWIND_REG__R14, UNWIND_REG__R15,
				    UNWIND_REG__RAX, UNWIND_REG__RDX, UNWIND_REG__RCX,
				    UNWIND_REG__RSI, UNWIND_REG__RDI, UNWIND_REG__R8,
				    UNWIND_REG__R9, UNWIND_REG__R10, UNWIND_REG__R11 };
	struct eval e = { in, st, 0, false, UNWIND_STEP__BAD };
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	Dwarf_Addr start, end;
	size_t nops, i;
	bool is_value, signalp = false;
	enum unwind_step ret = UNWIND_STEP__BAD;
	int r;
	u64 v;

	if (dwarf_cfi_addrframe(cfi, vaddr, &frame))
		return UNWIND_STEP__NO_CFI;
	if (dwarf_frame_info(frame, &start, &end, &signalp) >= 0) {
		info->signal_frame = signalp;
		info->func_start = start;
	}
	if (dwarf_frame_cfa(frame, &ops, &nops) || !nops)
		goto out;
	if (!eval_ops(&e, ops, nops, &e.cfa, &is_value)) {
		ret = e.err;
		goto out;
	}
	e.have_cfa = true;
	out->valid = 0;
	r = caller_reg(&e, frame, UNWIND_REG__RIP, &v);
	if (r < 0) {
		ret = e.err;
		goto out;
	}
	if (r == 0) {
		ret = UNWIND_STEP__OUTERMOST;
		goto out;
	}
	out->r[UNWIND_REG__RIP] = v;
	out->valid |= 1u << UNWIND_REG__RIP;
	/* The caller's SP is the CFA unless a rule says otherwise (signal frames). */
	out->r[UNWIND_REG__RSP] = e.cfa;
	out->valid |= 1u << UNWIND_REG__RSP;
	if (signalp && caller_reg(&e, frame, UNWIND_REG__RSP, &v) == 1)
		out->r[UNWIND_REG__RSP] = v;
	for (i = 0; i < ARRAY_SIZE(saved); i++) {
		unsigned reg = saved[i];

		/* caller-saved registers are only recoverable in signal frames */
		if (i >= 6 && !signalp)
			break;
		if (caller_reg(&e, frame, reg, &v) == 1) {
			out->r[reg] = v;
			out->valid |= 1u << reg;
		}
	}
	ret = UNWIND_STEP__OK;
out:
	free(frame);
	return ret;
}

enum unwind_step unwind_dwarf__step(struct unwind_cfi *cfi, u64 vaddr, const struct unwind_regs *in,
				    const struct unwind_stack *st, struct unwind_regs *out,
				    struct unwind_step_info *info)
{
	enum unwind_step r = UNWIND_STEP__NO_CFI;

	info->signal_frame = false;
	info->func_start = 0;
	if (cfi->eh)
		r = step_with(cfi->eh, vaddr, in, st, out, info);
	if (r == UNWIND_STEP__NO_CFI && cfi->debug)
		r = step_with(cfi->debug, vaddr, in, st, out, info);
	return r;
}
