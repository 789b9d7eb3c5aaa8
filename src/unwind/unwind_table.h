/*
 * unwind_table.h - the compact per-binary table of unwind rules, one entry
 * per PC seen: when libdw's rules for a PC are the common simple kind (CFA =
 * register + offset; return address and callee-saved registers at CFA +
 * offset, unchanged or undefined), the next sample at that PC is unwound
 * from the table without asking libdw. Signal frames and DWARF expressions
 * are marked COMPLEX and always go to libdw.
 */
#ifndef EMBER_UNWIND_TABLE_H
#define EMBER_UNWIND_TABLE_H

#include "unwind/unwind_internal.h"

enum unwind_rule_kind {
	UNWIND_RULE__EMPTY,	/* free slot */
	UNWIND_RULE__SIMPLE,	/* evaluate from the fields below */
	UNWIND_RULE__OUTERMOST,	/* RA undefined: the walk is complete */
	UNWIND_RULE__NO_CFI,	/* no FDE covers the PC */
	UNWIND_RULE__COMPLEX,	/* ask libdw every time */
};

enum unwind_reg_rule {
	UNWIND_REG_RULE__SAME,
	UNWIND_REG_RULE__UNDEF,
	UNWIND_REG_RULE__OFFSET,	/* saved at CFA + off */
};

/* The registers a simple rule restores: RA, then the callee-saved ones. */
#define UNWIND_RULE_NREGS 7

struct unwind_rule {
	u64 vaddr;		/* key: the file address looked up */
	u64 func_start;		/* the FDE's start */
	int32_t cfa_off;
	int32_t off[UNWIND_RULE_NREGS];
	u8 reg_rule[UNWIND_RULE_NREGS];	/* enum unwind_reg_rule */
	u8 cfa_reg;
	u8 kind;		/* enum unwind_rule_kind */
};

struct unwind_table {
	struct unwind_rule *v;
	size_t n, mask;		/* mask + 1 slots, a power of two; 0 = not allocated */
};

extern const u8 unwind_rule_regs[UNWIND_RULE_NREGS];

void unwind_table__release(struct unwind_table *t);

/* The entry for @vaddr, or NULL. */
const struct unwind_rule *unwind_table__find(const struct unwind_table *t, u64 vaddr);

/* Store a copy of @r (keyed by r->vaddr). Stops growing past 1M entries. */
void unwind_table__add(struct unwind_table *t, const struct unwind_rule *r);

/* One step with a SIMPLE rule; same contract as unwind_dwarf__step. */
enum unwind_step unwind_table__step(const struct unwind_rule *r, const struct unwind_regs *in,
				    const struct unwind_stack *st, struct unwind_regs *out);

#endif
