/*
 * test_unwind.c - the DWARF unwinder on this very process: a qsort()
 * callback snapshots its registers and stack (as a perf sample would), and
 * the unwinder must walk back through libc's msort/qsort (no frame
 * pointers), this file and the test runner to _start, ending on the
 * outermost-frame marker, and again from the cached rule table with the same
 * result. Also: a stack cut short stops with UNWIND_END__STACK,
 * and the frame-pointer fallback on a synthetic stack.
 */
#include "../lib/test.h"
#include "symbols/elf_object.h"
#include "symbols/self_space.h"
#include "unwind/unwind_snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP_BYTES (32 * 1024)

/* libc's qsort is a merge sort; ASan's interceptor sorts by itself instead */
#ifdef __SANITIZE_ADDRESS__
#define QSORT_FRAME "qsort"
#else
#define QSORT_FRAME "msort_with_tmp"
#endif

static struct unwind_snapshot snap;
static int snapped, snap_err;

__attribute__((noinline)) static int snapshot_compare(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	if (!snapped++)
		snap_err = unwind_snapshot__take(&snap, SNAP_BYTES);
	return (x > y) - (x < y);
}

TEST(test_unwind__self_through_qsort_to_start)
{
	int v[64], i, want = 0;
	struct self_space space;
	struct unwind_stack st;
	struct unwind_frame frames[256];
	size_t n;
	enum unwind_end end;
	static const char *const expect[] = { "unwind_snapshot__take", "snapshot_compare", QSORT_FRAME,
					      "test_unwind__self_through_qsort_to_start", "main", "_start" };

	for (i = 0; i < 64; i++)
		v[i] = (i * 37) % 64;
	snapped = 0;
	qsort(v, 64, sizeof(v[0]), snapshot_compare);
	ASSERT(snapped > 0 && snap_err == 0 && snap.len > 0);
	ASSERT(self_space__load(&space) == 0);
	st = unwind_snapshot__stack(&snap);
	end = unwind__stack(&snap.regs, &st, self_space__find, &space, frames, 256, &n);
	for (i = 0; i < (int)n && want < (int)ARRAY_SIZE(expect); i++)
		if (strstr(self_space__name(&space, frames[i].lookup), expect[want]))
			want++;
	if (want < (int)ARRAY_SIZE(expect) || end != UNWIND_END__COMPLETE)
		for (i = 0; i < (int)n; i++)
			fprintf(stderr, "    #%d %s\n", i, self_space__name(&space, frames[i].lookup));
	ASSERT_EQ_U64(end, UNWIND_END__COMPLETE);
	ASSERT_EQ_U64(want, ARRAY_SIZE(expect));

	/* the second walk runs from the per-PC rule table: the same frames */
	{
		struct unwind_frame again[256];
		size_t n2;

		ASSERT_EQ_U64(unwind__stack(&snap.regs, &st, self_space__find, &space, again, 256, &n2),
			      UNWIND_END__COMPLETE);
		ASSERT_EQ_U64(n2, n);
		for (i = 0; i < (int)n; i++)
			ASSERT_EQ_U64(again[i].pc, frames[i].pc);
	}

	/* the same walk over a stack cut to 256 bytes stops at its edge */
	st.len = 256;
	end = unwind__stack(&snap.regs, &st, self_space__find, &space, frames, 256, &n);
	ASSERT_EQ_U64(end, UNWIND_END__STACK);
	ASSERT(n >= 1 && n < 8);
	self_space__release(&space);
	unwind_snapshot__release(&snap);
}

static bool find_no_cfi(void *ctx, u64 pc, struct unwind_module *m)
{
	(void)ctx;
	m->cfi = NULL;
	m->bias = 0;
	return pc >= 0x1000 && pc < 0x2000;
}

TEST(test_unwind__frame_pointer_fallback_without_cfi)
{
	/* two frames: [rbp] -> caller rbp, [rbp+8] -> return address; then a 0 RA */
	u64 stack[8] = { 0 };
	u64 base = 0x7000;
	struct unwind_regs r = { { 0 }, 0 };
	struct unwind_stack st = { base, (const u8 *)stack, sizeof(stack) };
	struct unwind_frame frames[8];
	size_t n;

	stack[2] = base + 32;	/* frame 0: rbp = base+16 */
	stack[3] = 0x1100;
	stack[4] = 0;		/* frame 1: rbp = base+32 */
	stack[5] = 0;		/* return address 0: the end */
	r.r[UNWIND_REG__RIP] = 0x1000;
	r.r[UNWIND_REG__RSP] = base;
	r.r[UNWIND_REG__RBP] = base + 16;
	r.valid = 1u << UNWIND_REG__RIP | 1u << UNWIND_REG__RSP | 1u << UNWIND_REG__RBP;
	ASSERT_EQ_U64(unwind__stack(&r, &st, find_no_cfi, NULL, frames, 8, &n), UNWIND_END__COMPLETE);
	ASSERT_EQ_U64(n, 2);
	ASSERT_EQ_U64(frames[1].pc, 0x1100);
	ASSERT_EQ_U64(frames[1].lookup, 0x10ff);
	/* a PC outside every mapping stops the walk */
	r.r[UNWIND_REG__RIP] = 0x5000;
	ASSERT_EQ_U64(unwind__stack(&r, &st, find_no_cfi, NULL, frames, 8, &n), UNWIND_END__NO_MAP);
}

/* A snapshot recorded by a static fixture program, unwound against that ELF file alone. */
static struct elf_object *fixture_obj;

static bool find_fixture(void *ctx, u64 pc, struct unwind_module *m)
{
	u64 vaddr;

	(void)ctx;
	if (!elf_object__file_to_vaddr(fixture_obj, pc - 0x400000, &vaddr) || vaddr != pc)
		return false;	/* non-PIE: file offset + 0x400000 = address */
	m->cfi = elf_object__cfi(fixture_obj);
	m->bias = 0;
	m->entry = fixture_obj->entry;
	return true;
}

TEST(test_unwind__hermetic_snapshot_of_a_static_fixture)
{
	static const char *const expect[] = { "capture", "level3", "level2", "level1", "cmain", "_start" };
	u64 buf[19 + 256];
	struct unwind_regs regs = { { 0 }, 0 };
	struct unwind_stack st;
	struct unwind_frame frames[16];
	size_t n, i;
	FILE *f = fopen("tests/fixtures/record/snapshot.bin", "rb");
	size_t got = f ? fread(buf, 1, sizeof(buf), f) : 0;

	if (f)
		fclose(f);
	ASSERT_EQ_U64(got, sizeof(buf));
	ASSERT_EQ_U64(buf[0], 0x504e53524542454dULL);
	ASSERT_EQ_U64(buf[18], 2048);
	for (i = 0; i < UNWIND_NREGS; i++)
		regs.r[i] = buf[1 + i];
	regs.valid = 1u << UNWIND_REG__RBX | 1u << UNWIND_REG__RBP | 1u << UNWIND_REG__RSP |
		     1u << UNWIND_REG__R12 | 1u << UNWIND_REG__R13 | 1u << UNWIND_REG__R14 |
		     1u << UNWIND_REG__R15 | 1u << UNWIND_REG__RIP;
	st = (struct unwind_stack){ regs.r[UNWIND_REG__RSP], (const u8 *)&buf[19], 2048 };
	ASSERT(elf_object__open("tests/fixtures/record/snapshot", NULL, &fixture_obj) == 0);
	ASSERT_EQ_U64(unwind__stack(&regs, &st, find_fixture, NULL, frames, 16, &n), UNWIND_END__COMPLETE);
	ASSERT_EQ_U64(n, ARRAY_SIZE(expect));
	for (i = 0; i < n; i++) {
		const struct elf_symbol *s = elf_object__lookup(fixture_obj, frames[i].lookup);

		ASSERT(s != NULL);
		ASSERT_STREQ(fixture_obj->names + s->name, expect[i]);
	}
	/* cut inside level2's 200-byte frame: stops there, marked as a stack problem */
	st.len = 64;
	ASSERT_EQ_U64(unwind__stack(&regs, &st, find_fixture, NULL, frames, 16, &n), UNWIND_END__STACK);
	ASSERT(n < ARRAY_SIZE(expect));
	elf_object__free(fixture_obj);
}
