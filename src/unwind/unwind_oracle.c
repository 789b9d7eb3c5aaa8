/*
 * unwind_oracle.c - libdwfl as a reference unwinder (see unwind_oracle.h).
 * One Dwfl per process, attached with our own thread callbacks: the one
 * thread being unwound, its sampled registers, and memory reads served from
 * the copied stack only.
 */
#include "unwind/unwind_oracle.h"
#include "unwind/unwind_internal.h"
#include "base/xalloc.h"

#include <elfutils/libdwfl.h>
#include <stdlib.h>
#include <string.h>

struct unwind_oracle {
	Dwfl *dwfl;
	int tid;
	bool handed_out;
	const struct unwind_regs *regs;
	const struct unwind_stack *stack;
	u64 *pcs;
	size_t n, max;
};

static pid_t next_thread(Dwfl *dwfl, void *arg, void **thread_argp)
{
	struct unwind_oracle *o = arg;

	(void)dwfl;
	if (o->handed_out)
		return 0;
	o->handed_out = true;
	*thread_argp = o;
	return o->tid;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result, void *arg)
{
	struct unwind_oracle *o = arg;
	u64 v;

	(void)dwfl;
	if (!unwind__read(o->stack, addr, &v))
		return false;
	*result = v;
	return true;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct unwind_oracle *o = arg;
	Dwarf_Word regs[UNWIND_NREGS];
	unsigned i;

	for (i = 0; i < UNWIND_NREGS; i++)
		regs[i] = o->regs->r[i];
	if (!dwfl_thread_state_registers(thread, 0, UNWIND_NREGS, regs))
		return false;
	dwfl_thread_state_register_pc(thread, o->regs->r[UNWIND_REG__RIP]);
	return true;
}

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

struct unwind_oracle *unwind_oracle__new(int pid)
{
	struct unwind_oracle *o = xcalloc(1, sizeof(*o));

	o->dwfl = dwfl_begin(&proc_callbacks);
	if (!o->dwfl || dwfl_linux_proc_report(o->dwfl, pid) || dwfl_report_end(o->dwfl, NULL, NULL) ||
	    !dwfl_attach_state(o->dwfl, NULL, pid, &thread_callbacks, o)) {
		unwind_oracle__free(o);
		return NULL;
	}
	return o;
}

void unwind_oracle__free(struct unwind_oracle *o)
{
	if (!o)
		return;
	if (o->dwfl)
		dwfl_end(o->dwfl);
	free(o);
}

static int on_frame(Dwfl_Frame *state, void *arg)
{
	struct unwind_oracle *o = arg;
	Dwarf_Addr pc;

	if (!dwfl_frame_pc(state, &pc, NULL))
		return DWARF_CB_ABORT;
	o->pcs[o->n++] = pc;
	return o->n < o->max ? DWARF_CB_OK : DWARF_CB_ABORT;
}

size_t unwind_oracle__stack(struct unwind_oracle *o, int tid, const struct unwind_regs *regs,
			    const struct unwind_stack *stack, u64 *pcs, size_t max, bool *complete)
{
	int r;

	o->tid = tid;
	o->handed_out = false;
	o->regs = regs;
	o->stack = stack;
	o->pcs = pcs;
	o->n = 0;
	o->max = max;
	r = dwfl_getthread_frames(o->dwfl, tid, on_frame, o);
	*complete = r == 0;
	return o->n;
}
