/*
 * unwind_snapshot.c - register capture with inline assembly (x86-64) and a
 * stack copy that does not trip AddressSanitizer on the redzones it copies.
 */
#include "unwind/unwind_snapshot.h"
#include "base/xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Raw stack bytes, redzones included: not a bug under ASan, so not checked. */
__attribute__((no_sanitize("address"))) static void copy_stack(u8 *dst, u64 src, size_t n)
{
	const volatile u8 *s = (const volatile u8 *)(uintptr_t)src;
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = s[i];
}

static int stack_top(u64 *top)
{
	pthread_attr_t a;
	void *addr;
	size_t size;
	int err = pthread_getattr_np(pthread_self(), &a);

	if (err)
		return -err;
	err = pthread_attr_getstack(&a, &addr, &size);
	pthread_attr_destroy(&a);
	if (err)
		return -err;
	*top = (u64)(uintptr_t)addr + size;
	return 0;
}

__attribute__((noinline)) int unwind_snapshot__take(struct unwind_snapshot *s, size_t max)
{
	u64 *r = s->regs.r, top = 0;
	int err;

	memset(s, 0, sizeof(*s));
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
	s->regs.valid = 1u << UNWIND_REG__RBX | 1u << UNWIND_REG__RBP | 1u << UNWIND_REG__RSP |
			1u << UNWIND_REG__R12 | 1u << UNWIND_REG__R13 | 1u << UNWIND_REG__R14 |
			1u << UNWIND_REG__R15 | 1u << UNWIND_REG__RIP;
	err = stack_top(&top);
	if (err)
		return err;
	if (top <= r[UNWIND_REG__RSP])
		return -ERANGE;
	s->len = top - r[UNWIND_REG__RSP];
	if (s->len > max)
		s->len = max;
	s->stack = xmalloc(s->len);
	copy_stack(s->stack, r[UNWIND_REG__RSP], s->len);
	return 0;
}

void unwind_snapshot__release(struct unwind_snapshot *s)
{
	free(s->stack);
	s->stack = NULL;
	s->len = 0;
}
