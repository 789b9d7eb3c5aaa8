/*
 * test_unwind_table.c - one step of a compiled CFI rule, in particular a
 * sample taken on an epilogue's `ret`: GCC's CFI still says rbp is saved at
 * CFA-16, but that slot was popped (it lies below rsp and outside the copied
 * stack), so the register already holds the caller's value.
 */
#include "../lib/test.h"
#include "unwind/unwind_table.h"

static struct unwind_rule ret_rule(void)
{
	/* at `ret`: CFA = rsp + 8, RA at CFA-8, rbp "saved" at CFA-16 */
	struct unwind_rule r = { .kind = UNWIND_RULE__SIMPLE, .cfa_reg = UNWIND_REG__RSP, .cfa_off = 8 };

	r.reg_rule[0] = UNWIND_REG_RULE__OFFSET;	/* RA */
	r.off[0] = -8;
	r.reg_rule[2] = UNWIND_REG_RULE__OFFSET;	/* rbp */
	r.off[2] = -16;
	return r;
}

TEST(test_unwind_table__popped_slot_keeps_the_restored_register)
{
	u64 stack[4] = { 0x401234, 0x7ffd0100, 0, 0 };	/* [rsp] = return address */
	struct unwind_stack st = { .bytes = (const u8 *)stack, .sp = 0x7ffd0000, .len = sizeof(stack) };
	struct unwind_rule r = ret_rule();
	struct unwind_regs in = { 0 }, out = { 0 };

	in.r[UNWIND_REG__RSP] = 0x7ffd0000;
	in.r[UNWIND_REG__RIP] = 0x5cd78a;
	in.r[UNWIND_REG__RBP] = 0x7ffd0200;	/* already restored by `pop rbp` */
	in.valid = 1u << UNWIND_REG__RSP | 1u << UNWIND_REG__RIP | 1u << UNWIND_REG__RBP;
	ASSERT_EQ_U64(unwind_table__step(&r, &in, &st, &out), UNWIND_STEP__OK);
	ASSERT_EQ_U64(out.r[UNWIND_REG__RIP], 0x401234);
	ASSERT_EQ_U64(out.r[UNWIND_REG__RSP], 0x7ffd0008);
	ASSERT(out.valid >> UNWIND_REG__RBP & 1);
	ASSERT_EQ_U64(out.r[UNWIND_REG__RBP], 0x7ffd0200);
}

TEST(test_unwind_table__slot_above_rsp_is_read_from_the_stack)
{
	/* mid-function: CFA = rsp + 24, rbp saved at CFA-16 = rsp + 8 */
	u64 stack[4] = { 0xdead, 0x7ffd0300, 0x401234, 0 };
	struct unwind_stack st = { .bytes = (const u8 *)stack, .sp = 0x7ffd0000, .len = sizeof(stack) };
	struct unwind_rule r = ret_rule();
	struct unwind_regs in = { 0 }, out = { 0 };

	r.cfa_off = 24;
	in.r[UNWIND_REG__RSP] = 0x7ffd0000;
	in.r[UNWIND_REG__RBP] = 0x1111;	/* the callee's own rbp: must not leak */
	in.valid = 1u << UNWIND_REG__RSP | 1u << UNWIND_REG__RBP;
	ASSERT_EQ_U64(unwind_table__step(&r, &in, &st, &out), UNWIND_STEP__OK);
	ASSERT_EQ_U64(out.r[UNWIND_REG__RBP], 0x7ffd0300);
	ASSERT_EQ_U64(out.r[UNWIND_REG__RIP], 0x401234);
}
