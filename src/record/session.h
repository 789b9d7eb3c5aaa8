/*
 * session.h - one recording: start the target (a command held stopped until
 * the events are enabled, existing processes with all their threads, or the
 * whole machine), sample every CPU's ring until the target ends, the duration
 * passes or *stop is set, and feed the records, merged in time order, to the
 * converter. Prints nothing: progress goes through a callback.
 */
#ifndef EMBER_SESSION_H
#define EMBER_SESSION_H

#include <signal.h>
#include "base/err.h"
#include "record/converter.h"
#include "record/event_spec.h"
#include "record/offcpu.h"
#include "record/offcpu_bpf.h"
#include "record/oncpu_bpf.h"

#define RECORD_MAX_EVENTS 4

struct record_progress {
	double elapsed;		/* seconds since sampling started */
	u64 samples, lost;
	bool final;		/* the last call, after sampling stopped */
};

struct record_opts {
	unsigned freq;			/* Hz per CPU; 0 = 99 */
	unsigned stack_size;		/* bytes of user stack per sample; 0 = 32 KiB */
	double duration;		/* seconds; 0 = until the target ends or *stop */
	const int *pids;		/* -p: processes to attach to */
	size_t npids;
	bool system_wide;		/* -a */
	const char *const *argv;	/* the command (NULL-terminated), when neither of the above */
	struct converter_opts conv;
	const struct event_spec *events;	/* -e: sample these instead of cpu-clock (at most */
	size_t nevents;				/* RECORD_MAX_EVENTS, one software event) */
	bool off_cpu;			/* --off-cpu: blocked time (ns) from sched:sched_switch */
	bool hot_cold;			/* --hot-cold: cpu-clock in ns + off-CPU, off-CPU frames "_[o]" */
	struct offcpu_opts offcpu;	/* --min-block, --max-block, --state */
	bool no_bpf;			/* --no-bpf: perf alone (sched_switch samples; cpu-clock samples with
					   perf's fixed-size stack copies), no BPF program */
	unsigned offcpu_rate;		/* BPF off-CPU: stacks per second to aim at; 0 = default */
	volatile sig_atomic_t *stop;	/* set by a signal handler to stop cleanly; may be NULL */
	void (*progress)(void *ctx, const struct record_progress *p);	/* may be NULL */
	void *progress_ctx;
};

struct record_result {
	struct profile *profile;	/* owned by the caller */
	struct converter_stats stats;
	double elapsed;
	int child_status;		/* waitpid status of the command; -1 = none */
	unsigned ncpus;			/* CPUs sampled */
	bool has_offcpu;		/* off_cpu or hot_cold: @offcpu is filled */
	struct offcpu_stats offcpu;
	u64 oncpu_ns;			/* hot_cold: on-CPU nanoseconds in the profile */
	bool offcpu_bpf;		/* off-CPU was recorded in the kernel (BPF): @bpf is filled */
	struct offcpu_abi_counters bpf;	/* its exact totals (all blocks, sampled or not) */
	u64 bpf_bad;			/* its ring records that did not decode */
	double bpf_scale[OFFCPU_STATE__COUNT];	/* the profile's estimate scaled by these (offcpu_bpf__scale) */
	char offcpu_note[320];		/* why off-CPU fell back to the perf path; "" = it did not */
	bool oncpu_bpf;			/* cpu-clock samples were taken in the kernel (BPF): @oncpu is filled */
	struct oncpu_abi_counters oncpu;	/* its counters (rb_full is also in stats.lost) */
	char oncpu_note[320];		/* why cpu-clock samples fell back to perf's stack copies; "" = tried none */
};

/*
 * Record as @o says. On success returns 0 with @res filled (the caller frees
 * res->profile). Failures: -EACCES/-EPERM (with @diag explaining the fix),
 * -ENOENT (command or pid not found), -errno from perf_event_open or mmap.
 */
int record_session__run(const struct record_opts *o, struct record_result *res, struct em_diag *diag)
	__must_check;

#endif
