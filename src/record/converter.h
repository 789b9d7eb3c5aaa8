/*
 * converter.h - raw perf records → struct profile. Tracks processes
 * (maps, comm) from side-band records and /proc, unwinds each sample's user
 * stack, names frames through the symcache, and adds one folded stack per
 * sample: comm;user frames (outermost first);kernel frames_[k]. The live
 * session and a reader of a saved raw file feed it the same way, records
 * in time order.
 */
#ifndef EMBER_CONVERTER_H
#define EMBER_CONVERTER_H

#include <linux/perf_event.h>
#include "base/compiler.h"
#include "profile/profile.h"

struct event;

struct converter_opts {
	bool include_pid;	/* root frame comm-PID */
	bool include_tid;	/* root frame comm-PID/TID */
	bool kernel;		/* keep kernel frames (default on) */
	bool check_unwind;	/* also unwind each sample with libdwfl and compare (slow) */
	/*
	 * Name kernel frames in converter__take(), not as samples arrive:
	 * /proc/kallsyms (~60 ms of CPU) is then read once the recording is
	 * over instead of competing with the program recorded. Only for callers
	 * that keep no stack ids across converter__take(): it rebuilds the
	 * profile.
	 */
	bool defer_kernel_names;
	/*
	 * The weight a sample adds to its stack @stack (an id in the profile
	 * being built): NULL = 1 per sample; 0 = nothing added (the hook keeps
	 * the stack id itself: off-CPU samples are weighted by the time until
	 * the task runs again). @ev is the decoded sample.
	 */
	u64 (*sample_weight)(void *ctx, const struct event *ev, u32 stack);
	/* A frame to put below comm (several -e: the event's name), or NULL; may be NULL itself. */
	const char *(*sample_base)(void *ctx, const struct event *ev);
	/*
	 * Told after each user stack is unwound: how the walk ended and the
	 * outermost frame's stack pointer (0 = unknown). May be NULL.
	 */
	void (*unwound)(void *ctx, const struct event *ev, bool complete, bool ran_off_stack, u64 outer_sp);
	void *hook_ctx;
};

struct converter_stats {
	u64 samples;		/* samples added to the profile */
	u64 lost;		/* samples the kernel dropped (LOST records) */
	u64 bad_records;	/* records that did not decode */
	u64 user_samples;	/* samples with user registers and stack */
	u64 incomplete;		/* user stacks that did not reach the outermost frame */
	u64 end_stack, end_no_map, end_no_cfi, end_bad, end_depth;	/* why, by cause */
	u64 frames;		/* user + kernel frames named */
	u64 unnamed;		/* frames named binary+0xSTART or [unknown] */
	u64 user_frames;	/* frames the unwinder produced */
	u64 unwind_ns;		/* time spent unwinding (including first-use CFI loading) */
	u64 oracle_checked;	/* check_unwind: samples compared with libdwfl */
	u64 oracle_differ;	/* ...whose frames differ */
};

struct converter;

struct converter *converter__new(const struct converter_opts *o);
void converter__free(struct converter *c);

/*
 * One sample already decoded (a BPF ring record read in place, see
 * offcpu_bpf__decode_oncpu): as converter__record would handle it.
 */
void converter__sample(struct converter *c, const struct event *ev);

/* Apply one record (a sample, or side-band). Returns 0 or -EM_E_BAD_INPUT (counted, harmless). */
int converter__record(struct converter *c, const struct perf_event_header *h);

/* Start loading what the first samples will need (kernel symbols) in the background. */
void converter__prefetch(struct converter *c);

/* Read process @pid's comm, threads' comms and maps from /proc. Returns 0 or -errno. */
int converter__load_proc(struct converter *c, int pid) __must_check;

/*
 * The profile built so far (kernel frames named now with defer_kernel_names);
 * the caller owns it, and the converter starts a new one.
 */
struct profile *converter__take(struct converter *c);

const struct converter_stats *converter__stats(const struct converter *c);

#endif
