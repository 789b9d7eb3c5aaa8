/*
 * unwind_oracle.h - a second opinion for tests: the same sampled registers
 * and stack copy unwound by elfutils' libdwfl (its own CFI evaluation and
 * module handling), so the fast unwinder can be checked frame for frame.
 * Slow (a libdwfl frame walk per sample); never used unless asked for.
 */
#ifndef EMBER_UNWIND_ORACLE_H
#define EMBER_UNWIND_ORACLE_H

#include "unwind/unwind.h"

struct unwind_oracle;

/*
 * An oracle for the live process @pid: libdwfl reports its modules from
 * /proc/PID/maps now. NULL when that fails (the process is gone).
 */
struct unwind_oracle *unwind_oracle__new(int pid);
void unwind_oracle__free(struct unwind_oracle *o);

/*
 * Unwind thread @tid from @regs over @stack (memory outside it is
 * unreadable, as for ember's unwinder) into @pcs (at most @max). Returns the
 * number of frames; *@complete tells whether libdwfl reached the outermost
 * frame without an error.
 */
size_t unwind_oracle__stack(struct unwind_oracle *o, int tid, const struct unwind_regs *regs,
			    const struct unwind_stack *stack, u64 *pcs, size_t max, bool *complete);

#endif
