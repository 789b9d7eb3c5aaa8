/*
 * unwind.h - one interface for unwinding a sampled user stack: the sampled
 * registers and a copy of the stack in, return addresses out. The DWARF CFI
 * walker (unwind_dwarf.c, elfutils libdw) is tried first for each frame and
 * the frame-pointer walk is the fallback for code without CFI (JITs).
 * Symbols are not this module's business: callers map the PCs.
 */
#ifndef EMBER_UNWIND_H
#define EMBER_UNWIND_H

#include "base/compiler.h"

/* x86-64 DWARF register numbers (System V psABI, figure 3.36). */
enum unwind_reg {
	UNWIND_REG__RAX, UNWIND_REG__RDX, UNWIND_REG__RCX, UNWIND_REG__RBX,
	UNWIND_REG__RSI, UNWIND_REG__RDI, UNWIND_REG__RBP, UNWIND_REG__RSP,
	UNWIND_REG__R8, UNWIND_REG__R9, UNWIND_REG__R10, UNWIND_REG__R11,
	UNWIND_REG__R12, UNWIND_REG__R13, UNWIND_REG__R14, UNWIND_REG__R15,
	UNWIND_REG__RIP,	/* the return address column */
	UNWIND_NREGS,
};

struct unwind_regs {
	u64 r[UNWIND_NREGS];
	u32 valid;		/* bit per register: value known */
};

/* The stack bytes the kernel copied: [sp, sp + len). */
struct unwind_stack {
	u64 sp;
	const u8 *bytes;
	size_t len;
};

/*
 * What the caller's address-space lookup returns for a PC: the ELF file's CFI
 * handle owner (opaque here) and the load bias, so that the file address of
 * pc is pc - bias. cfi is NULL when the code has no ELF file (JIT, anon).
 */
struct unwind_module {
	struct unwind_cfi *cfi;	/* from unwind_cfi__new(); NULL = no CFI */
	u64 bias;
	u64 entry;		/* the file's ELF entry point (file address), 0 = none */
};

/*
 * A return address this close after the ELF entry point, in code without
 * CFI, is the program's first frame (ld.so's _start has no FDE): the kernel
 * entered there with an empty stack, so the walk is complete.
 */
#define UNWIND_ENTRY_WINDOW 0x40

typedef bool (*unwind_find_fn)(void *ctx, u64 pc, struct unwind_module *m);

/* Why a walk stopped. */
enum unwind_end {
	UNWIND_END__COMPLETE,	/* the CFI marks the outermost frame (RA undefined) */
	UNWIND_END__STACK,	/* a read fell outside the copied stack */
	UNWIND_END__NO_MAP,	/* a PC outside every mapping */
	UNWIND_END__NO_CFI,	/* no CFI and no usable frame pointer */
	UNWIND_END__DEPTH,	/* the frame array is full */
	UNWIND_END__BAD,	/* CFI that cannot be evaluated, or no progress */
};

struct unwind_frame {
	u64 pc;			/* the sampled IP, then return addresses */
	u64 lookup;		/* pc for symbol lookup (pc - 1 for return addresses) */
	u64 func_start;		/* CFI function start (file address), 0 = unknown */
	bool signal;		/* the CFI marks it a signal trampoline (__restore_rt) */
	u64 sp;			/* the frame's stack pointer (0 = unknown): nothing above the
				   outermost frame's is read to unwind it */
};

/*
 * Unwind from @regs over @stack, writing at most @max frames (innermost
 * first) into @frames and their count into *@n. Returns how the walk ended.
 * Never reads memory outside @stack.
 */
enum unwind_end unwind__stack(const struct unwind_regs *regs, const struct unwind_stack *stack,
			      unwind_find_fn find, void *ctx, struct unwind_frame *frames,
			      size_t max, size_t *n);

/*
 * Per-ELF-file CFI (.eh_frame, and .debug_frame from @debug_elf when given),
 * built on first use. @elf and @debug_elf are libelf handles (Elf *) that must
 * outlive the result. Returns NULL when the file has no CFI at all.
 */
struct unwind_cfi *unwind_cfi__new(void *elf, void *debug_elf);
void unwind_cfi__free(struct unwind_cfi *cfi);

#endif
