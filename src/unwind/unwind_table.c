/*
 * unwind_table.c - the per-binary rule cache (see unwind_table.h): open
 * addressing on the PC's file address, and the table-driven step, which is
 * the hot path of recording (one call per frame of every sample).
 */
#include "unwind/unwind_table.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <stdlib.h>

#define TABLE_MAX (1u << 20)

const u8 unwind_rule_regs[UNWIND_RULE_NREGS] = {
	UNWIND_REG__RIP, UNWIND_REG__RBX, UNWIND_REG__RBP, UNWIND_REG__R12,
	UNWIND_REG__R13, UNWIND_REG__R14, UNWIND_REG__R15,
};

void unwind_table__release(struct unwind_table *t)
{
	free(t->v);
	t->v = NULL;
	t->n = t->mask = 0;
}

const struct unwind_rule *unwind_table__find(const struct unwind_table *t, u64 vaddr)
{
	size_t i;

	if (!t->v)
		return NULL;
	for (i = hash_mix64(vaddr) & t->mask; t->v[i].kind != UNWIND_RULE__EMPTY; i = (i + 1) & t->mask)
		if (t->v[i].vaddr == vaddr)
			return &t->v[i];
	return NULL;
}

static void put(struct unwind_table *t, const struct unwind_rule *r)
{
	size_t i;

	for (i = hash_mix64(r->vaddr) & t->mask; t->v[i].kind != UNWIND_RULE__EMPTY; i = (i + 1) & t->mask)
		if (t->v[i].vaddr == r->vaddr) {
			t->v[i] = *r;
			return;
		}
	t->v[i] = *r;
	t->n++;
}

void unwind_table__add(struct unwind_table *t, const struct unwind_rule *r)
{
	if ((t->n + 1) * 2 > t->mask + 1) {
		struct unwind_table old = *t;
		size_t i;

		if (t->n >= TABLE_MAX)
			return;
		t->mask = t->v ? t->mask * 2 + 1 : 255;
		t->v = xcalloc(t->mask + 1, sizeof(*t->v));
		t->n = 0;
		for (i = 0; old.v && i <= old.mask; i++)
			if (old.v[i].kind != UNWIND_RULE__EMPTY)
				put(t, &old.v[i]);
		free(old.v);
	}
	put(t, r);
}

enum unwind_step unwind_table__step(const struct unwind_rule *r, const struct unwind_regs *in,
				    const struct unwind_stack *st, struct unwind_regs *out)
{
	u64 cfa, v;
	unsigned i;

	if (!(in->valid >> r->cfa_reg & 1))
		return UNWIND_STEP__BAD;
	cfa = in->r[r->cfa_reg] + (u64)(s64)r->cfa_off;
	out->valid = 1u << UNWIND_REG__RSP;
	out->r[UNWIND_REG__RSP] = cfa;
	for (i = 0; i < UNWIND_RULE_NREGS; i++) {
		unsigned reg = unwind_rule_regs[i];

		switch (r->reg_rule[i]) {
		case UNWIND_REG_RULE__SAME:
			if (in->valid >> reg & 1) {
				out->r[reg] = in->r[reg];
				out->valid |= 1u << reg;
			} else if (i == 0) {
				return UNWIND_STEP__OUTERMOST;	/* as the libdw path treats it */
			}
			break;
		case UNWIND_REG_RULE__OFFSET:
			if (i != 0 && unwind__slot_popped(in, cfa + (u64)(s64)r->off[i]) &&
			    (in->valid >> reg & 1)) {
				out->r[reg] = in->r[reg];	/* an epilogue already restored it */
				out->valid |= 1u << reg;
			} else if (unwind__read(st, cfa + (u64)(s64)r->off[i], &v)) {
				out->r[reg] = v;
				out->valid |= 1u << reg;
			} else if (i == 0) {
				return UNWIND_STEP__STACK;
			}
			break;
		default:
			if (i == 0)
				return UNWIND_STEP__OUTERMOST;
			break;
		}
	}
	return UNWIND_STEP__OK;
}
