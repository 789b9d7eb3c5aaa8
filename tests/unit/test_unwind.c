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
#include "unwind/unwind.h"

#include <link.h>
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

static struct unwind_regs snap_regs;
static u8 snap_stack[SNAP_BYTES];
static size_t snap_len;
static int snapped;

/* The top of the main thread's stack, from /proc/self/maps. */
static u64 stack_top(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long long a, b, top = 0;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[stack]") && sscanf(line, "%llx-%llx", &a, &b) == 2)
			top = b;
	if (f)
		fclose(f);
	return top;
}

/* Copy raw stack bytes, redzones included: not a bug under ASan, so not checked. */
__attribute__((no_sanitize("address"))) static void copy_stack(u8 *dst, u64 src, size_t n)
{
	const volatile u8 *s = (const volatile u8 *)(uintptr_t)src;
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = s[i];
}

__attribute__((noinline)) static void snapshot(void)
{
	u64 *r = snap_regs.r;
	u64 top;

	/* callee-saved registers, SP and IP at one instruction of this function */
	__asm__ volatile("mov %%rbx, 24(%0)\n\t"
			 "mov %%rbp, 48(%0)\n\t"
			 "mov %%rsp, 56(%0)\n\t"
			 "mov %%r12, 96(%0)\n\t"
			 "mov %%r13, 104(%0)\n\t"
			 "mov %%r14, 112(%0)\n\t"
			 "mov %%r15, 120(%0)\n\t"
			 "lea 0(%%rip), %%rax\n\t"
			 "mov %%rax, 128(%0)\n\t"
			 : : "r"(r) : "rax", "memory");
	snap_regs.valid = 1u << UNWIND_REG__RBX | 1u << UNWIND_REG__RBP | 1u << UNWIND_REG__RSP |
			  1u << UNWIND_REG__R12 | 1u << UNWIND_REG__R13 | 1u << UNWIND_REG__R14 |
			  1u << UNWIND_REG__R15 | 1u << UNWIND_REG__RIP;
	top = stack_top();
	snap_len = top > r[UNWIND_REG__RSP] ? top - r[UNWIND_REG__RSP] : 0;
	if (snap_len > SNAP_BYTES)
		snap_len = SNAP_BYTES;
	copy_stack(snap_stack, r[UNWIND_REG__RSP], snap_len);
}

__attribute__((noinline)) static int snapshot_compare(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	if (!snapped++)
		snapshot();
	return (x > y) - (x < y);
}

/* The loaded objects of this process, through dl_iterate_phdr. */
struct object_slot {
	u64 bias, lo, hi;
	struct elf_object *obj;
};

static struct object_slot objs[64];
static int nobjs;

static int add_object(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct object_slot *s = &objs[nobjs];
	const char *path = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : "/proc/self/exe";
	int i;

	(void)size;
	(void)ctx;
	if (nobjs == 64 || strstr(path, "vdso") || elf_object__open(path, NULL, &s->obj))
		return 0;
	s->bias = info->dlpi_addr;
	s->lo = ~0ull;
	s->hi = 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (s->bias + ph->p_vaddr < s->lo)
			s->lo = s->bias + ph->p_vaddr;
		if (s->bias + ph->p_vaddr + ph->p_memsz > s->hi)
			s->hi = s->bias + ph->p_vaddr + ph->p_memsz;
	}
	nobjs++;
	return 0;
}

static struct object_slot *object_at(u64 pc)
{
	int i;

	for (i = 0; i < nobjs; i++)
		if (pc >= objs[i].lo && pc < objs[i].hi)
			return &objs[i];
	return NULL;
}

static bool find(void *ctx, u64 pc, struct unwind_module *m)
{
	struct object_slot *s = object_at(pc);

	(void)ctx;
	if (!s)
		return false;
	m->cfi = elf_object__cfi(s->obj);
	m->bias = s->bias;
	return true;
}

static const char *frame_name(const struct unwind_frame *f)
{
	struct object_slot *s = object_at(f->lookup);
	const struct elf_symbol *sym = s ? elf_object__lookup(s->obj, f->lookup - s->bias) : NULL;

	return sym ? s->obj->names + sym->name : "?";
}

static void release_objects(void)
{
	while (nobjs)
		elf_object__free(objs[--nobjs].obj);
}

TEST(test_unwind__self_through_qsort_to_start)
{
	int v[64], i, want = 0;
	struct unwind_stack st;
	struct unwind_frame frames[256];
	size_t n;
	enum unwind_end end;
	static const char *const expect[] = { "snapshot", "snapshot_compare", QSORT_FRAME,
					      "test_unwind__self_through_qsort_to_start", "main", "_start" };

	for (i = 0; i < 64; i++)
		v[i] = (i * 37) % 64;
	snapped = 0;
	qsort(v, 64, sizeof(v[0]), snapshot_compare);
	ASSERT(snapped > 0 && snap_len > 0);
	dl_iterate_phdr(add_object, NULL);
	st = (struct unwind_stack){ snap_regs.r[UNWIND_REG__RSP], snap_stack, snap_len };
	end = unwind__stack(&snap_regs, &st, find, NULL, frames, 256, &n);
	for (i = 0; i < (int)n && want < (int)ARRAY_SIZE(expect); i++)
		if (strstr(frame_name(&frames[i]), expect[want]))
			want++;
	if (want < (int)ARRAY_SIZE(expect) || end != UNWIND_END__COMPLETE) {
		for (i = 0; i < (int)n; i++)
			fprintf(stderr, "    #%d %s\n", i, frame_name(&frames[i]));
		release_objects();
	}
	ASSERT_EQ_U64(end, UNWIND_END__COMPLETE);
	ASSERT_EQ_U64(want, ARRAY_SIZE(expect));

	/* the second walk runs from the per-PC rule table: the same frames */
	{
		struct unwind_frame again[256];
		size_t n2;

		ASSERT_EQ_U64(unwind__stack(&snap_regs, &st, find, NULL, again, 256, &n2), UNWIND_END__COMPLETE);
		ASSERT_EQ_U64(n2, n);
		for (i = 0; i < (int)n; i++)
			ASSERT_EQ_U64(again[i].pc, frames[i].pc);
	}

	/* the same walk over a stack cut to 256 bytes stops at its edge */
	st.len = 256;
	end = unwind__stack(&snap_regs, &st, find, NULL, frames, 256, &n);
	ASSERT_EQ_U64(end, UNWIND_END__STACK);
	ASSERT(n >= 1 && n < 8);
	release_objects();
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
