/*
 * perf_event.h - perf_event_attr for ember's sampling event (the cpu-clock
 * software event, never a hardware PMU event), perf_event_open(2) and the
 * permission check. Owns no state: session.c owns the file descriptors.
 */
#ifndef EMBER_PERF_EVENT_H
#define EMBER_PERF_EVENT_H

#include <linux/perf_event.h>
#include <sys/types.h>
#include "base/compiler.h"
#include "base/err.h"

/* perf's x86-64 user register numbers (arch/x86/include/uapi/asm/perf_regs.h). */
enum perf_reg_x86 {
	PERF_REG_X86__AX, PERF_REG_X86__BX, PERF_REG_X86__CX, PERF_REG_X86__DX,
	PERF_REG_X86__SI, PERF_REG_X86__DI, PERF_REG_X86__BP, PERF_REG_X86__SP,
	PERF_REG_X86__IP, PERF_REG_X86__FLAGS, PERF_REG_X86__CS, PERF_REG_X86__SS,
	PERF_REG_X86__DS, PERF_REG_X86__ES, PERF_REG_X86__FS, PERF_REG_X86__GS,
	PERF_REG_X86__R8, PERF_REG_X86__R9, PERF_REG_X86__R10, PERF_REG_X86__R11,
	PERF_REG_X86__R12, PERF_REG_X86__R13, PERF_REG_X86__R14, PERF_REG_X86__R15,
};

/*
 * The user registers each sample copies: the general-purpose ones, SP and IP
 * (bits 0-8 and 16-23) - everything a CFI rule on x86-64 can refer to.
 */
#define PERF_EVENT_REGS_MASK 0x00ff01ffULL
#define PERF_EVENT_NREGS 17

#define PERF_EVENT_SAMPLE_TYPE                                                \
	(PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |  \
	 PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER |     \
	 PERF_SAMPLE_STACK_USER)

#define PERF_EVENT_STACK_DEFAULT (32u * 1024)
#define PERF_EVENT_STACK_MAX (64u * 1024 - 8)	/* the kernel caps a sample at 64 KiB */

struct perf_event_opts {
	unsigned freq;		/* samples per second per CPU */
	unsigned stack_size;	/* user stack bytes copied per sample (multiple of 8) */
	bool inherit;		/* follow children/threads created after the open */
	bool sideband;		/* also MMAP2 (with build-ids), COMM, FORK/EXIT records */
	bool enable_on_exec;	/* start disabled, the kernel enables at exec */
	bool disabled;		/* start disabled (enabled later with an ioctl) */
};

/* Fill @attr for cpu-clock sampling as @o asks. */
void perf_event__attr(struct perf_event_attr *attr, const struct perf_event_opts *o);

/*
 * perf_event_open(@attr, @pid, @cpu) with PERF_FLAG_FD_CLOEXEC. Returns the
 * fd, or -errno. When the kernel rejects build-ids in MMAP2 (before 5.12),
 * retries without them.
 */
int perf_event__open(struct perf_event_attr *attr, pid_t pid, int cpu) __must_check;

/*
 * Whether this process may sample @pid_scope (-1 = every CPU, otherwise a
 * process): checks root/CAP_PERFMON and /proc/sys/kernel/perf_event_paranoid.
 * Returns 0, or -EACCES with @diag saying what to change.
 */
int perf_event__check_access(bool system_wide, struct em_diag *diag) __must_check;

/* Number of possible CPUs (0..n-1 may be opened; offline ones fail with ENODEV). */
int perf_event__ncpus(void);

#endif
