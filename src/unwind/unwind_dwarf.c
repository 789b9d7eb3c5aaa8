/*
 * unwind_dwarf.c - one DWARF CFI unwind step on x86-64. elfutils' libdw finds
 * the FDE and runs the CFA program (dwarf_cfi_addrframe); the resulting rules
 * are DWARF expressions that this file evaluates against the sampled
 * registers and the copied stack (libdw leaves evaluation to the caller, as
 * libdwfl's frame_unwind.c does). Owns the per-file CFI handles and their
 * rule tables: the simple rules libdw gives for a PC are kept in the table,
 * so libdw runs once per distinct PC, not once per frame.
 */
#include "unwind/unwind_internal.h"
#include "unwind/unwind_table.h"
#include "base/xalloc.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>

struct unwind_cfi {
	Dwarf_CFI *eh;		/* .eh_frame of the file itself */
	Dwarf *dbg;		/* the separate debug file, for .debug_frame */
	Dwarf_CFI *debug;
	Elf *elf, *debug_elf;		/* not owned */
	bool debug_tried;		/* .debug_frame is opened only when .eh_frame has no FDE */
	struct unwind_table table;	/* per-PC rules seen so far */
	bool hdr_tried;			/* .eh_frame_hdr's search table, looked up once */
	const u8 *hdr_table;		/* (initial location, FDE) pairs, datarel sdata4 */
	size_t hdr_count;
	u64 hdr_addr;			/* the section's address (datarel base) */
};

/* DW_EH_PE_datarel | DW_EH_PE_sdata4: what every linker writes for the table. */
#define EH_PE_DATAREL_SDATA4 0x3b
#define EH_PE_UDATA4 0x03

/*
 * Find .eh_frame_hdr's binary-search table. Its entries are sorted by the
 * FDEs' initial locations, which are function starts: libdw gives a row's
 * start (dwarf_frame_info), not its function's, so unnamed code is named
 * from this table (binary+0xSTART must be the function's start).
 */
static void load_hdr_table(struct unwind_cfi *c)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	c->hdr_tried = true;
	if (!c->elf || elf_getshdrstrndx(c->elf, &shstrndx))
		return;
	while ((scn = elf_nextscn(c->elf, scn))) {
		GElf_Shdr sh;
		const char *n;
		Elf_Data *d;
		const u8 *p;
		u32 count;

		if (!gelf_getshdr(scn, &sh) || !(n = elf_strptr(c->elf, shstrndx, sh.sh_name)) ||
		    strcmp(n, ".eh_frame_hdr"))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf || d->d_size < 12)
			return;
		p = d->d_buf;
		/* version 1, eh_frame_ptr sdata4 (any base), fde_count udata4, table datarel sdata4 */
		if (p[0] != 1 || p[2] != EH_PE_UDATA4 || p[3] != EH_PE_DATAREL_SDATA4 ||
		    (p[1] & 0x0f) != 0x0b)
			return;
		memcpy(&count, p + 8, 4);
		if ((d->d_size - 12) / 8 < count)
			return;
		c->hdr_table = p + 12;
		c->hdr_count = count;
		c->hdr_addr = sh.sh_addr;
		return;
	}
}

/* The start of the function (FDE) covering @vaddr, or @fallback. */
static u64 function_start(struct unwind_cfi *c, u64 vaddr, u64 fallback)
{
	size_t lo = 0, hi;
	int32_t loc;

	if (!c->hdr_tried)
		load_hdr_table(c);
	hi = c->hdr_count;
	while (lo < hi) {	/* first entry whose start is above vaddr */
		size_t mid = lo + (hi - lo) / 2;

		memcpy(&loc, c->hdr_table + mid * 8, 4);
		if (c->hdr_addr + (u64)(s64)loc <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return fallback;
	memcpy(&loc, c->hdr_table + (lo - 1) * 8, 4);
	return c->hdr_addr + (u64)(s64)loc;
}

/* Whether @elf has a section named @name. */
static bool has_section(Elf *elf, const char *name)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx))
		return false;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *n;

		if (gelf_getshdr(scn, &sh) && (n = elf_strptr(elf, shstrndx, sh.sh_name)) && !strcmp(n, name))
			return true;
	}
	return false;
}

struct unwind_cfi *unwind_cfi__new(void *elf, void *debug_elf)
{
	struct unwind_cfi *c = xcalloc(1, sizeof(*c));

	c->elf = elf;
	c->debug_elf = debug_elf;
	if (elf)
		c->eh = dwarf_getcfi_elf(elf);
	if (!c->eh && !has_section(debug_elf, ".debug_frame") && !has_section(elf, ".debug_frame")) {
		unwind_cfi__free(c);
		return NULL;
	}
	return c;
}

/*
 * .debug_frame through libdw's Dwarf handle. dwarf_begin_elf reads (and
 * decompresses) the debug sections, so this is done only for a binary whose
 * .eh_frame misses a PC.
 */
static Dwarf_CFI *debug_cfi(struct unwind_cfi *c)
{
	Elf *src = has_section(c->debug_elf, ".debug_frame") ? c->debug_elf :
		   has_section(c->elf, ".debug_frame") ? c->elf : NULL;

	if (c->debug_tried)
		return c->debug;
	c->debug_tried = true;
	if (src)
		c->dbg = dwarf_begin_elf(src, DWARF_C_READ, NULL);
	if (c->dbg)
		c->debug = dwarf_getcfi(c->dbg);
	return c->debug;
}

void unwind_cfi__free(struct unwind_cfi *c)
{
	if (!c)
		return;
	if (c->eh)
		dwarf_cfi_end(c->eh);
	if (c->dbg)
		dwarf_end(c->dbg);	/* also ends c->debug */
	unwind_table__release(&c->table);
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
	if (!is_value && reg != UNWIND_REG__RIP && unwind__slot_popped(e->regs, v)) {
		*out = e->regs->r[reg];	/* an epilogue already restored it */
		return 1;
	}
	if (!is_value && !unwind__read(e->st, v, &v)) {
		e->err = UNWIND_STEP__STACK;
		return reg == UNWIND_REG__RIP ? -1 : 0;
	}
	*out = v;
	return 1;
}

static bool small_offset(s64 v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/*
 * Fill @r from @frame when its rules are all simple (see unwind_table.h);
 * otherwise leave r->kind COMPLEX.
 */
static void classify(Dwarf_Frame *frame, bool signalp, struct unwind_rule *r)
{
	Dwarf_Op mem[3], *ops;
	size_t nops;
	unsigned i;

	r->kind = UNWIND_RULE__COMPLEX;
	if (signalp || dwarf_frame_cfa(frame, &ops, &nops) || nops != 1)
		return;
	if (ops[0].atom == DW_OP_bregx && ops[0].number < UNWIND_NREGS && small_offset((s64)ops[0].number2)) {
		r->cfa_reg = (u8)ops[0].number;
		r->cfa_off = (int32_t)ops[0].number2;
	} else if (ops[0].atom >= DW_OP_breg0 && ops[0].atom < DW_OP_breg0 + UNWIND_NREGS &&
		   small_offset((s64)ops[0].number)) {
		r->cfa_reg = (u8)(ops[0].atom - DW_OP_breg0);
		r->cfa_off = (int32_t)ops[0].number;
	} else {
		return;
	}
	for (i = 0; i < UNWIND_RULE_NREGS; i++) {
		ops = NULL;
		nops = 0;
		if (dwarf_frame_register(frame, unwind_rule_regs[i], mem, &ops, &nops))
			return;
		r->off[i] = 0;
		if (nops == 0) {
			r->reg_rule[i] = ops == mem ? UNWIND_REG_RULE__UNDEF : UNWIND_REG_RULE__SAME;
			if (i == 0 && ops == mem) {
				r->kind = UNWIND_RULE__OUTERMOST;
				return;
			}
		} else if (ops[0].atom == DW_OP_call_frame_cfa &&
			   (nops == 1 || (nops == 2 && ops[1].atom == DW_OP_plus_uconst &&
					  small_offset((s64)ops[1].number)))) {
			r->reg_rule[i] = UNWIND_REG_RULE__OFFSET;
			r->off[i] = nops == 2 ? (int32_t)(s64)ops[1].number : 0;
		} else {
			return;
		}
	}
	r->kind = UNWIND_RULE__SIMPLE;
}

static enum unwind_step step_with(struct unwind_cfi *c, Dwarf_CFI *cfi, u64 vaddr,
				  const struct unwind_regs *in, const struct unwind_stack *st,
				  struct unwind_regs *out, struct unwind_step_info *info,
				  struct unwind_rule *rule)
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
		if (cfi == c->eh)
			start = function_start(c, vaddr, start);
		info->func_start = start;
		rule->func_start = start;
	}
	classify(frame, signalp, rule);
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
	const struct unwind_rule *cached = unwind_table__find(&cfi->table, vaddr);
	struct unwind_rule rule = { 0 };
	enum unwind_step r = UNWIND_STEP__NO_CFI;

	info->signal_frame = false;
	info->func_start = 0;
	if (cached) {
		info->func_start = cached->func_start;
		switch (cached->kind) {
		case UNWIND_RULE__SIMPLE:
			return unwind_table__step(cached, in, st, out);
		case UNWIND_RULE__OUTERMOST:
			return UNWIND_STEP__OUTERMOST;
		case UNWIND_RULE__NO_CFI:
			return UNWIND_STEP__NO_CFI;
		default:
			break;
		}
	}
	rule.vaddr = vaddr;
	rule.kind = UNWIND_RULE__NO_CFI;
	if (cfi->eh)
		r = step_with(cfi, cfi->eh, vaddr, in, st, out, info, &rule);
	if (r == UNWIND_STEP__NO_CFI && debug_cfi(cfi))
		r = step_with(cfi, cfi->debug, vaddr, in, st, out, info, &rule);
	if (!cached)
		unwind_table__add(&cfi->table, &rule);
	return r;
}
