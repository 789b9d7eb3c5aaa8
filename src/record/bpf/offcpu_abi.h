/*
 * offcpu_abi.h - what the off-CPU BPF program (offcpu.bpf.c) and ember share:
 * the ring buffer records, the per-CPU counters, and the sampling window
 * (how many switch-outs take a stack). Included by the BPF program (after
 * vmlinux.h) and by user space (src/record/offcpu_bpf.c, the unit tests), so
 * it holds only fixed-layout structs and helper-free inline code.
 */
#ifndef EMBER_OFFCPU_ABI_H
#define EMBER_OFFCPU_ABI_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define OFFCPU_ABI_NREGS 17		/* perf's x86-64 user registers AX..IP, R8..R15 */
#define OFFCPU_ABI_KSTACK_MAX 127	/* kernel frames (perf's default max is 127) */
#define OFFCPU_ABI_PAGE 4096
/*
 * The user stack is read in whole pages from the page holding sp (constant
 * sizes: simple for the verifier, and a fault ends the copy at the first
 * unmapped page instead of failing all of it): at most 64 KiB past sp plus
 * the part of sp's page below it.
 */
#define OFFCPU_ABI_USTACK_PAGES 17
#define OFFCPU_ABI_USTACK_MAX (OFFCPU_ABI_USTACK_PAGES * OFFCPU_ABI_PAGE)

/* p is a fraction of 2^32: a switch-out is sampled when prandom_u32 < thresh. */
#define OFFCPU_ABI_P_ONE (1ull << 32)

enum offcpu_abi_kind {
	OFFCPU_ABI__OUT = 1,	/* struct offcpu_abi_out: a sampled switch-out with its stacks */
	OFFCPU_ABI__IN = 2,	/* struct offcpu_abi_in: that task came back */
};

#define OFFCPU_ABI_F_USER 1u	/* regs and ustack are a user task's */

/* The states, as enum offcpu_state (src/record/offcpu.h) numbers them. */
#define OFFCPU_ABI_R 0
#define OFFCPU_ABI_S 1
#define OFFCPU_ABI_D 2
#define OFFCPU_ABI_OTHER 3
#define OFFCPU_ABI_NSTATES 4

struct offcpu_abi_in {
	__u32 kind;		/* OFFCPU_ABI__IN */
	__u32 tid, pid, cpu;
	__u64 time;		/* switch-in, CLOCK_MONOTONIC ns */
	/*
	 * The task's exact blocked time so far, per state (blocks kept by
	 * every filter, sampled or not, this one included): ember scales the
	 * task's sampled estimate to it, so each task's total is exact and
	 * only the split between its own stacks is estimated.
	 */
	__u64 task_ns[OFFCPU_ABI_NSTATES];
};

struct offcpu_abi_out {
	__u32 kind;		/* OFFCPU_ABI__OUT */
	__u32 tid, pid, cpu;
	__u64 time;		/* switch-out, CLOCK_MONOTONIC ns */
	__u32 state;		/* OFFCPU_ABI_R/S/D/OTHER */
	__u32 flags;		/* OFFCPU_ABI_F_* */
	__u64 thresh;		/* the sampling probability, times 2^32 (OFFCPU_ABI_P_ONE = 1) */
	__u64 regs[OFFCPU_ABI_NREGS];	/* user registers, perf's order (PERF_EVENT_REGS_MASK) */
	__u32 kstack_bytes;	/* valid bytes of kstack (bpf_get_stack: leaf first) */
	__u32 ustack_bytes;	/* valid bytes of ustack, from ustack_lead on */
	__u32 ustack_lead;	/* ustack[0] is at sp - ustack_lead (sp's page start) */
	__u32 kstack_skip;	/* leading kstack entries that are tracing machinery, not the task's */
	__u64 kstack[OFFCPU_ABI_KSTACK_MAX];
	__u8 ustack[OFFCPU_ABI_USTACK_MAX];	/* the record ends after the pages copied (OFFCPU_ABI_OUT_SIZE) */
};

/*
 * The user stack bytes a program copies past sp for --stack-size @want (at
 * most 64 KiB), and the pages that takes: that many, plus sp's own.
 */
static inline __u32 offcpu_abi__stack_size(__u32 want)
{
	return want > 65536 ? 65536 : want;
}

static inline __u32 offcpu_abi__ustack_pages(__u32 stack_size)
{
	return (stack_size + OFFCPU_ABI_PAGE - 1) / OFFCPU_ABI_PAGE + 1;
}

/* The size of an OUT record holding @pages pages of user stack. */
#define OFFCPU_ABI_OUT_SIZE(pages) \
	(__builtin_offsetof(struct offcpu_abi_out, ustack) + (pages) * OFFCPU_ABI_PAGE)

/* Per CPU; user space sums them. Blocked time only counts blocks that passed every filter. */
struct offcpu_abi_counters {
	__u64 switches_out;		/* switch-outs of tracked tasks */
	__u64 blocks[OFFCPU_ABI_NSTATES];	/* exact: blocks accounted, per state */
	__u64 ns[OFFCPU_ABI_NSTATES];	/* ...and their nanoseconds */
	__u64 state_filtered, state_filtered_ns;	/* a state --state does not keep */
	__u64 too_short, too_short_ns;	/* below --min-block */
	__u64 too_long, too_long_ns;	/* above --max-block */
	__u64 sampled;			/* switch-outs that took a stack */
	__u64 rb_full;			/* ...of which the OUT record found no ring space */
	__u64 rb_full_in;		/* IN records that found no ring space */
	__u64 ustack_empty;		/* user task whose stack could not be read at all */
	__u64 missed_in;		/* sampled blocks whose switch-in went unseen (entry evicted) */
	__u64 map_full;			/* thread entries that could not be created */
};

/*
 * Which switch-outs take a stack (decided as the task leaves, before its
 * block's length is known; the stacks can only be read then): sampling
 * proportional to the block's expected length d, the mean of the task's
 * recent blocks. p = min(1, d / T): a task's first switch-out, and tasks
 * whose blocks are long, always; tasks that block briefly and often
 * (where the cost is) rarely. Each sampled block is weighted by 1/p, so the
 * estimate is unbiased (Horvitz-Thompson) whatever the prediction's
 * quality: p depends only on the past. T is set per CPU and per window
 * (window_ns) from the expected blocked time the window just ended saw, for
 * about @budget stacks per window; early when the window has already taken
 * twice its budget (a burst after a quiet period). T = 0 (the first
 * window, or fewer switch-outs than @budget per window): every switch-out.
 */
struct offcpu_window {
	__u64 start;		/* ns; 0 before the first block */
	__u64 seen_ns;		/* expected blocked time of this window's switch-outs */
	__u64 seen;		/* ...and their number */
	__u64 taken;		/* blocks sampled in this window */
	__u64 t_ns;		/* T: blocked ns per stack; 0 = all */
};

/*
 * Start of the decision for a switch-out at @now expected to block @d ns
 * (0: unknown): returns T, the window's blocked ns per stack; p = 1 when
 * !d || d >= T, else d / T (offcpu_window__take).
 */
static inline __u64 offcpu_window__step(struct offcpu_window *w, __u64 now, __u64 d, __u64 window_ns,
					__u64 budget)
{
	if (!w->start || now - w->start >= window_ns || w->taken >= 2 * budget) {
		__u64 elapsed = now - w->start;

		if (!elapsed)
			elapsed = 1;
		/*
		 * Within budget at this rate: every switch-out (low rates
		 * stay exact). Else (seen_ns / budget) per window_ns;
		 * seen_ns / budget < 2^40 keeps the product in range.
		 */
		if (!w->start || w->seen * window_ns / elapsed <= budget)
			w->t_ns = 0;
		else
			w->t_ns = w->seen_ns / budget * window_ns / elapsed;
		w->start = now;
		w->seen_ns = 0;
		w->seen = 0;
		w->taken = 0;
	}
	w->seen_ns += d;
	w->seen++;
	return w->t_ns;
}

/*
 * Whether that switch-out is sampled, with @rnd uniform in u32: p = 1 when
 * !@d || @d >= @t, else p = @d / @t (rnd * t < d * 2^32: no division on
 * this path, run on every switch). Sets *@thresh to p times 2^32 when sampled.
 */
static inline int offcpu_window__take(struct offcpu_window *w, __u64 d, __u64 t, __u32 rnd, __u64 *thresh)
{
	if (!d || d >= t) {
		*thresh = OFFCPU_ABI_P_ONE;
	} else if (t < OFFCPU_ABI_P_ONE ? (__u64)rnd * t < (d << 32) : (__u64)rnd < d / (t >> 32)) {
		*thresh = t < OFFCPU_ABI_P_ONE ? (d << 32) / t : d / (t >> 32);
		if (!*thresh)
			*thresh = 1;
	} else {
		return 0;
	}
	w->taken++;
	return 1;
}

/* A task's expected block length after a block of @d ns: mean of recent ones (weight 1/4 to the last). */
static inline __u64 offcpu_abi__expect(__u64 prev, __u64 d)
{
	return prev ? prev - (prev >> 2) + (d >> 2) : d;
}

/* The per-CPU map's value: counters first (user space reads them), then the window. */
struct offcpu_abi_cpu {
	struct offcpu_abi_counters c;
	struct offcpu_window w;
};

/*
 * The state class of a task leaving the CPU, as the sched_switch tracepoint
 * reports it (__trace_sched_switch_state): preempted = runnable (R); else
 * from the raw __state: TASK_IDLE (0x402) other, TASK_RTLOCK_WAIT (0x1000) D,
 * TASK_INTERRUPTIBLE (1) S, TASK_UNINTERRUPTIBLE (2, also TASK_KILLABLE) D,
 * any other report bit (stopped, traced, dead, parked) other, 0 runnable.
 */
static inline __u32 offcpu_abi__state(int preempt, __u32 raw)
{
	if (preempt)
		return OFFCPU_ABI_R;
	if ((raw & 0x402) == 0x402)
		return OFFCPU_ABI_OTHER;
	if (raw & 0x1000)
		return OFFCPU_ABI_D;
	if (raw & 1)
		return OFFCPU_ABI_S;
	if (raw & 2)
		return OFFCPU_ABI_D;
	if (raw & 0x7f)
		return OFFCPU_ABI_OTHER;
	return OFFCPU_ABI_R;
}

#endif
