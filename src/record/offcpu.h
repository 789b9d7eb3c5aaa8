/*
 * offcpu.h - off-CPU accounting as a pure state machine: a time-ordered
 * stream of "task left the CPU (tid, time, prev_state, stack)" and "task came
 * back (tid, time)" becomes blocked nanoseconds per (stack, task state), with
 * --min-block/--max-block and state filters, and a count of everything that
 * could not be used. Knows nothing of perf records: the recorder turns
 * sched:sched_switch samples and switch records into these calls.
 *
 * Output conventions (folded, from offcpu__emit and offcpu__emit_oncpu):
 *   off-CPU only:  comm;[S];outer;...;schedule_[k] NS     ([S] when state_frame)
 *   hot/cold:      comm;outer;...;leaf NS                  (on-CPU, sample periods, corrected)
 *                  comm;[S]_[o];outer_[o];...;schedule_[k]_[o] NS   (off-CPU)
 * The state frame is [R] (preempted, waiting for a CPU), [S] (sleeping,
 * interruptible), [D] (uninterruptible, usually I/O) or [other]. The "_[o]"
 * suffix marks an off-CPU frame, in the style of the "_[k]"/"_[w]" suffixes
 * flamegraph.pl colours by: flamegraph.pl --colors io (blue) for off-CPU-only
 * graphs; in hot/cold graphs the "_[o]" frames are the ones to draw blue.
 */
#ifndef EMBER_OFFCPU_H
#define EMBER_OFFCPU_H

#include "base/compiler.h"
#include "base/err.h"
#include "profile/profile.h"

#define OFFCPU_NO_STACK UINT32_MAX	/* a switch-out whose stack could not be taken */
#define OFFCPU_SUFFIX "_[o]"

enum offcpu_state {
	OFFCPU_STATE__R,	/* prev_state 0 (or only the preempt bit): preempted, still runnable */
	OFFCPU_STATE__S,	/* TASK_INTERRUPTIBLE: sleeping (nanosleep, futex, pipe read, poll) */
	OFFCPU_STATE__D,	/* TASK_UNINTERRUPTIBLE: disk I/O, some page faults, locks in the kernel */
	OFFCPU_STATE__OTHER,	/* stopped, traced, dead, parked, idle */
	OFFCPU_STATE__COUNT,
};

#define OFFCPU_STATE_BIT(s) (1u << (s))
#define OFFCPU_STATES_BLOCKED (OFFCPU_STATE_BIT(OFFCPU_STATE__S) | OFFCPU_STATE_BIT(OFFCPU_STATE__D))
#define OFFCPU_STATES_ALL ((1u << OFFCPU_STATE__COUNT) - 1)

struct offcpu_opts {
	u64 min_block_ns;	/* blocks shorter than this are dropped (counted); 0 = none */
	u64 max_block_ns;	/* blocks longer than this are dropped (counted); 0 = no limit */
	unsigned states;	/* OFFCPU_STATE_BIT mask of the states kept; 0 = OFFCPU_STATES_BLOCKED */
	bool kernel_filtered;	/* switch-outs in other states never arrive (offcpu__kernel_filter):
				 * a switch-in without one is not counted as unmatched */
	bool per_task;		/* keep totals per (stack, state, tid), for offcpu_emit_opts.weight */
};

/* Everything seen, and everything that did not become blocked time, by cause. */
struct offcpu_stats {
	u64 switches_out, switches_in;
	u64 blocks, blocked_ns;			/* intervals accounted, and their sum (weighted by 1/p) */
	u64 no_stack, no_stack_ns;		/* intervals whose switch-out had no stack */
	u64 too_short, too_short_ns;		/* below min_block_ns */
	u64 too_long, too_long_ns;		/* above max_block_ns */
	u64 state_filtered, state_filtered_ns;	/* in a state not kept */
	u64 never_in;		/* switched out and not back before the end */
	u64 lost_records;	/* records the kernel dropped (offcpu__lost) */
	u64 lost_pending;	/* switch-outs discarded because records were lost meanwhile */
	u64 double_out;		/* a second switch-out without a switch-in (the in was lost) */
	u64 in_without_out;	/* switch-ins of tasks not seen leaving (normal at the start) */
	u64 time_backwards;	/* a switch-in older than its switch-out */
	u64 oncpu_samples;	/* hot/cold: on-CPU samples (offcpu__oncpu_sample) */
	u64 oncpu_measured_ns;	/* on-CPU time between switch-ins and switch-outs seen */
	u64 oncpu_sampled_ns;	/* the periods of the samples taken in those intervals */
};

/* Blocked time of one (stack, state). */
struct offcpu_total {
	u32 stack;		/* stack id in the caller's profile, or OFFCPU_NO_STACK */
	u32 tid;		/* with offcpu_opts.per_task; else 0 */
	u8 state;		/* enum offcpu_state */
	u64 ns;
	u64 blocks;
};

struct offcpu;

struct offcpu *offcpu__new(const struct offcpu_opts *o);
void offcpu__free(struct offcpu *oc);

/* The state of a sched_switch prev_state value (the kernel's TASK_REPORT bits). */
enum offcpu_state offcpu__state(u64 prev_state);
const char *offcpu_state__name(enum offcpu_state s);	/* "R", "S", "D", "other" */

/*
 * Task @tid left the CPU at @time (ns) in @prev_state with its stack @stack
 * (OFFCPU_NO_STACK when none). tid 0 (the idle task) is ignored.
 */
void offcpu__switch_out(struct offcpu *oc, u32 tid, u64 time, u64 prev_state, u32 stack);

/*
 * A block sampled with probability p = @thresh / OFFCPU_P_ONE (the BPF
 * path takes the stacks of only some blocks): as offcpu__switch_out, but
 * its blocked time is weighted by 1/p (Horvitz-Thompson), so the totals
 * estimate all blocks' time without bias. @thresh 0 counts as OFFCPU_P_ONE.
 */
#define OFFCPU_P_ONE (1ull << 32)
void offcpu__switch_out_sampled(struct offcpu *oc, u32 tid, u64 time, enum offcpu_state state, u32 stack,
				u64 thresh);

/*
 * Task @tid stopped running at @time, for any reason (a switch record):
 * ends its on-CPU interval for offcpu__oncpu_sample's correction.
 */
void offcpu__run_end(struct offcpu *oc, u32 tid, u64 time);

/*
 * A tracepoint filter for sched:sched_switch that keeps only the switch-outs
 * in @states (the kernel then skips the others: no sample, no stack copy),
 * written to @buf (@size bytes); false when no filter expresses @states.
 */
bool offcpu__kernel_filter(unsigned states, char *buf, size_t size);

/* Task @tid was switched back in at @time: closes its pending interval, if any. */
void offcpu__switch_in(struct offcpu *oc, u32 tid, u64 time);



/*
 * The kernel lost @n records: any pending switch-out may have lost its
 * switch-in, so all are discarded (counted in lost_pending), never matched
 * with a later switch-in that would overstate the time.
 */
void offcpu__lost(struct offcpu *oc, u64 n);

/* End of the stream: intervals still open are counted in never_in and dropped. */
void offcpu__finish(struct offcpu *oc);

/* Blocked ns accounted so far for task @tid in state @st (weighted by 1/p), all its stacks together. */
u64 offcpu__task_ns(const struct offcpu *oc, u32 tid, enum offcpu_state st);

/*
 * Task @tid's exact blocked time in state @st so far is @exact_ns (the BPF
 * path counts every block in the kernel), as of its latest switch-in: noted
 * with its estimate at this point (offcpu__task_ns), both covering the same
 * blocks, so that its totals can be scaled to the exact time
 * (offcpu__task_weight).
 */
void offcpu__task_exact(struct offcpu *oc, u32 tid, enum offcpu_state st, u64 exact_ns);

/*
 * The factor turning task @tid's estimate in state @st into its exact time,
 * from its latest offcpu__task_exact (1 without one); fits
 * offcpu_emit_opts.weight with @ctx the struct offcpu.
 */
double offcpu__task_weight(void *ctx, u32 tid, enum offcpu_state st);

/* The totals so far, in first-seen order (valid until the next call). */
const struct offcpu_total *offcpu__totals(const struct offcpu *oc, size_t *n);
const struct offcpu_stats *offcpu__stats(const struct offcpu *oc);

struct offcpu_emit_opts {
	bool state_frame;	/* insert [S]/[D]/... after the root frame */
	const char *suffix;	/* appended to every frame but the root (OFFCPU_SUFFIX), or NULL */
	const double *scale;	/* per enum offcpu_state: multiply the totals by this; NULL = 1 */
	/* per (tid, state) of a total (offcpu_opts.per_task): multiply by this too; NULL = 1 */
	double (*weight)(void *ctx, u32 tid, enum offcpu_state st);
	void *weight_ctx;
};

/*
 * Add every total to column @col of @dst: each stack's path is copied from
 * @src (whose stack ids the totals hold; the first frame is the root, kept
 * as is) with the state frame and suffix of @eo, weighted in ns. Totals
 * without a stack are skipped (they are in the stats). @dst may not be @src.
 */
void offcpu__emit(const struct offcpu *oc, const struct profile *src, struct profile *dst, unsigned col,
		  const struct offcpu_emit_opts *eo);

/*
 * Hot/cold: an on-CPU sample of @tid at @stack weighing @period ns. The
 * weights are corrected per thread at emit time by the thread's on-CPU time
 * measured from its switches (the sum of the periods of the samples inside
 * complete on-CPU intervals against the length of those intervals, when there
 * are at least 20 such samples; fewer make the correction noise): cpu-clock
 * periods overstate CPU time when a thread is preempted often, because the
 * kernel restarts a timer that expired during the switch with a 10 us period.
 */
void offcpu__oncpu_sample(struct offcpu *oc, u32 tid, u32 stack, u64 period);

/*
 * Add the on-CPU samples to column @col of @dst (paths copied from @src, as
 * offcpu__emit does, without state frame or suffix), each weighted by its
 * period times its thread's correction (1 for threads with fewer than 20
 * samples in complete on-CPU intervals).
 */
void offcpu__emit_oncpu(const struct offcpu *oc, const struct profile *src, struct profile *dst, unsigned col);

/*
 * Parse a duration for --min-block/--max-block: "500us", "2ms", "1.5s",
 * "100ns", or a bare number of microseconds (as bcc's offcputime). Returns 0
 * or -EM_E_USAGE.
 */
int offcpu__parse_duration(const char *s, u64 *ns) __must_check;

/*
 * Parse a state list for --state: letters from "RSDO" ("SD", "S,D", "D"),
 * case-insensitive, O = other, or "all". Returns 0 with *@mask set, or -EM_E_USAGE.
 */
int offcpu__parse_states(const char *s, unsigned *mask) __must_check;

#endif
