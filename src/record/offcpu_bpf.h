/*
 * offcpu_bpf.h - in-kernel off-CPU recording (src/record/bpf/offcpu.bpf.c):
 * loading and attaching the BPF program, telling it which processes to
 * track, reading its ring buffer and its exact per-CPU totals. Its ring
 * records become the perf records the rest of the recorder already consumes
 * (a sampled switch-out is a sched_switch-like sample with registers,
 * callchain and user stack; a switch-in is a PERF_RECORD_SWITCH), so the
 * unwinder, symbols and the off-CPU state machine (offcpu.h) are shared with
 * the perf path. Built only when the Makefile found clang, bpftool, libbpf
 * and the kernel's BTF (EMBER_HAVE_BPF); otherwise the loader functions are
 * stubs that say so, and ember uses the perf path.
 */
#ifndef EMBER_OFFCPU_BPF_H
#define EMBER_OFFCPU_BPF_H

#include <linux/perf_event.h>
#include <string.h>
#include "base/compiler.h"
#include "base/err.h"
#include "record/bpf/offcpu_abi.h"
#include "record/bpf/oncpu_abi.h"
#include "record/offcpu.h"

struct event_sample;
struct event;

#define OFFCPU_BPF_DEFAULT_RATE 1000	/* stacks per second, all CPUs together */
#define OFFCPU_BPF_WINDOW_NS 100000000ull	/* p is set per 100 ms (offcpu_window) */
#define OFFCPU_BPF_RAW_MARK 0xfffe	/* raw data of a synthesized sample (no tracepoint id is this high) */

struct offcpu_bpf_opts {
	bool system_wide;	/* every task; else only the tgids given to offcpu_bpf__track and their children */
	unsigned states;	/* OFFCPU_STATE_BIT mask kept; 0 = OFFCPU_STATES_BLOCKED */
	u64 min_block_ns, max_block_ns;	/* as struct offcpu_opts */
	unsigned stack_size;	/* user stack bytes past sp to copy (at most 64 KiB) */
	unsigned max_rate;	/* stacks per second to aim at, all CPUs; 0 = OFFCPU_BPF_DEFAULT_RATE */
	int ncpus;		/* the budget is split between them */
};

/* The per-window budget (stacks) of one CPU for @o (at least 1). */
u64 offcpu_bpf__budget(const struct offcpu_bpf_opts *o);

/*
 * Turn one ring record @rec (@size bytes, as the kernel handed it) into a
 * perf record in @buf (@cap bytes, 8-byte aligned, at least 64 KiB): an OUT
 * record becomes a PERF_RECORD_SAMPLE in perf_event.c's layout with
 * PERF_SAMPLE_RAW (state and threshold, read back by offcpu_bpf__sample_info);
 * an IN record a PERF_RECORD_SWITCH (switch-in) with its sample_id trailer;
 * an on-CPU sample (ONCPU_ABI__SAMPLE, oncpu.bpf.c) a PERF_RECORD_SAMPLE
 * without raw data, as the perf path's cpu-clock samples.
 * A user stack longer than a perf record can hold is cut. An OUT record
 * may end after its stack pages (OFFCPU_ABI_OUT_SIZE). Returns the record,
 * or NULL when @rec is malformed (short, unknown kind, sizes out of range).
 */
const struct perf_event_header *offcpu_bpf__synth(const void *rec, size_t size, void *buf, size_t cap);

/*
 * An on-CPU sample record (ONCPU_ABI__SAMPLE) decoded in place into @ev,
 * which points into @rec (stack, kernel frames: sample.kernel_chain) and is
 * valid while @rec is: no copy. Returns 0, or -EM_E_BAD_INPUT when @rec is
 * not such a record or is malformed (as offcpu_bpf__synth would refuse it).
 */
int offcpu_bpf__decode_oncpu(const void *rec, size_t size, struct event *ev);

/* offcpu_bpf__synth into a malloc'ed record of its size (the caller frees it); NULL when refused. */
struct perf_event_header *offcpu_bpf__synth_alloc(const void *rec, size_t size);

/* The @cap offcpu_bpf__synth needs for ring record @rec (at least 64), 0 when it would refuse the record. */
size_t offcpu_bpf__synth_size(const void *rec, size_t size);

/* Whether sample @s was synthesized from an OUT record; then its state and threshold (p * 2^32). */
bool offcpu_bpf__sample_info(const struct event_sample *s, enum offcpu_state *state, u64 *thresh);

/* What a synthesized switch-in carries besides the switch (offcpu_abi_in). */
struct offcpu_bpf_in {
	u64 task_ns[OFFCPU_ABI_NSTATES];	/* the task's exact blocked time so far, per state */
};

/*
 * Whether @h is a PERF_RECORD_SWITCH synthesized by offcpu_bpf__synth; then
 * what it carries in *@in (kept in a body before the sample_id trailer,
 * which events.c decodes as for any switch record).
 */
bool offcpu_bpf__switch_info(const struct perf_event_header *h, struct offcpu_bpf_in *in);


/*
 * Per state, the factor that makes the @n totals @t (weighted by 1/p, then
 * by @weight(@ctx, tid, state) when not NULL) sum to the exact blocked time
 * the kernel counted in @c: the profile then shows the exact time per
 * state, split as the samples say (ratio estimators: the 1/p sum alone is
 * unbiased, but one long block sampled at a small p moves it a lot). 1
 * where a state has no sampled time. @scale has OFFCPU_STATE__COUNT entries.
 */
void offcpu_bpf__scale(const struct offcpu_abi_counters *c, const struct offcpu_total *t, size_t n,
		       double (*weight)(void *ctx, u32 tid, enum offcpu_state st), void *ctx, double *scale);

/* Sum of @n per-CPU counter sets @per_cpu into @out. */
void offcpu_bpf__sum(const struct offcpu_abi_counters *per_cpu, size_t n, struct offcpu_abi_counters *out);

struct offcpu_bpf;
typedef int (*offcpu_bpf_record_fn)(void *ctx, const struct perf_event_header *h);

#ifdef EMBER_HAVE_BPF
/*
 * Load and configure the program (not attached yet). Returns 0 with *@out
 * set, or a negative code with @diag saying why (no BTF, not permitted,
 * verifier refused); the caller then uses the perf path.
 */
int offcpu_bpf__open(struct offcpu_bpf **out, const struct offcpu_bpf_opts *o, struct em_diag *diag) __must_check;

/*
 * Track process @tgid (its threads, and children it creates from now on);
 * @from_exec: only once it execs. Call before offcpu_bpf__attach: a task
 * is classified once, when the program first sees it.
 */
int offcpu_bpf__track(struct offcpu_bpf *b, int tgid, bool from_exec) __must_check;

/* Start: attach to the scheduler's tracepoints. Returns 0 or -errno with @diag set. */
int offcpu_bpf__attach(struct offcpu_bpf *b, struct em_diag *diag) __must_check;

/* Hand every record waiting in the ring to @fn, synthesized (see offcpu_bpf__synth). Returns 0 or -errno. */
int offcpu_bpf__drain(struct offcpu_bpf *b, offcpu_bpf_record_fn fn, void *ctx);

/* The exact totals so far, summed over CPUs; @bad: ring records that did not decode. */
void offcpu_bpf__counters(struct offcpu_bpf *b, struct offcpu_abi_counters *out, u64 *bad);

/* Detach and free (NULL is fine). */
void offcpu_bpf__free(struct offcpu_bpf *b);
#else
static inline int offcpu_bpf__open(struct offcpu_bpf **out, const struct offcpu_bpf_opts *o,
				   struct em_diag *diag)
{
	(void)o;
	*out = NULL;
	em_diag__set(diag, NULL, 0, "ember was built without BPF (clang, bpftool, libbpf-dev or "
		     "/sys/kernel/btf/vmlinux missing at build time)");
	return -EM_E_UNSUPPORTED;
}
static inline int offcpu_bpf__track(struct offcpu_bpf *b, int tgid, bool from_exec)
{
	(void)b; (void)tgid; (void)from_exec;
	return -EM_E_UNSUPPORTED;
}
static inline int offcpu_bpf__attach(struct offcpu_bpf *b, struct em_diag *diag)
{
	(void)b; (void)diag;
	return -EM_E_UNSUPPORTED;
}
static inline int offcpu_bpf__drain(struct offcpu_bpf *b, offcpu_bpf_record_fn fn, void *ctx)
{
	(void)b; (void)fn; (void)ctx;
	return 0;
}
static inline void offcpu_bpf__counters(struct offcpu_bpf *b, struct offcpu_abi_counters *out, u64 *bad)
{
	(void)b;
	memset(out, 0, sizeof(*out));
	*bad = 0;
}
static inline void offcpu_bpf__free(struct offcpu_bpf *b)
{
	(void)b;
}
#endif

#endif
