/*
 * oncpu_bpf.h - cpu-clock samples taken in the kernel (src/record/bpf/
 * oncpu.bpf.c): loading the program, attaching it to each sampling perf
 * event, reading its ring buffer (records synthesized into perf samples by
 * offcpu_bpf__synth, so the converter cannot tell them from the perf
 * path's), and telling it each thread's stack top so that a sample copies
 * only the stack the thread uses. Built with EMBER_HAVE_BPF; otherwise the
 * functions are stubs that say so and ember samples with perf alone.
 */
#ifndef EMBER_ONCPU_BPF_H
#define EMBER_ONCPU_BPF_H

#include <linux/perf_event.h>
#include <string.h>
#include "base/compiler.h"
#include "base/err.h"
#include "record/bpf/oncpu_abi.h"

struct oncpu_bpf_opts {
	unsigned stack_size;	/* user stack bytes past sp at most (--stack-size) */
	int ncpus;		/* sizes the ring buffer */
};

/* Sum of @n per-CPU counter sets @per_cpu into @out. */
void oncpu_bpf__sum(const struct oncpu_abi_counters *per_cpu, size_t n, struct oncpu_abi_counters *out);

/*
 * The stack top to teach the program after a sample of a thread (stack
 * pointer @sp) was unwound, given the top @known so far (0: none) and how
 * far below a top the program uses it (@reach: the stack size): a
 * @complete walk gives its outermost frame's stack pointer @outer_sp; a walk
 * that ran off a copy cut at the known top (@cut) makes it forget (0).
 * Returns the top to store, 0 to delete, or @known when nothing changes
 * (the caller then skips the map update).
 */
u64 oncpu_bpf__next_top(u64 known, u64 sp, u64 reach, bool complete, u64 outer_sp, bool cut);

struct oncpu_bpf;
/*
 * One ring record (@size bytes: struct offcpu_abi_out, ONCPU_ABI__SAMPLE),
 * valid during the call only: decode it in place (offcpu_bpf__decode_oncpu)
 * or copy it out (offcpu_bpf__synth_alloc).
 */
typedef int (*oncpu_bpf_record_fn)(void *ctx, const void *rec, size_t size);

#ifdef EMBER_HAVE_BPF
/* Load and configure the program. Returns 0 with *@out set, or a negative code with @diag saying why. */
int oncpu_bpf__open(struct oncpu_bpf **out, const struct oncpu_bpf_opts *o, struct em_diag *diag) __must_check;

/* Run the program on each sample of perf event @perf_fd (and the events inherited from it). */
int oncpu_bpf__attach(struct oncpu_bpf *b, int perf_fd) __must_check;

/* Detach from every event attached so far (the program stays loaded). */
void oncpu_bpf__detach(struct oncpu_bpf *b);

/* The ring's epoll fd: readable when the program asks for a drain. */
int oncpu_bpf__poll_fd(struct oncpu_bpf *b);

/* Hand every record waiting in the ring to @fn, in ring order. Returns 0 or -errno. */
int oncpu_bpf__drain(struct oncpu_bpf *b, oncpu_bpf_record_fn fn, void *ctx);

/* Thread @tid's stack top is @top (0: unknown). Cheap when unchanged. */
void oncpu_bpf__set_top(struct oncpu_bpf *b, u32 tid, u64 top);

/* The thread's top as last set (0: none). */
u64 oncpu_bpf__top(struct oncpu_bpf *b, u32 tid);

/* Counters so far, summed over CPUs. */
void oncpu_bpf__counters(struct oncpu_bpf *b, struct oncpu_abi_counters *out);

/* Detach and free (NULL is fine). */
void oncpu_bpf__free(struct oncpu_bpf *b);
#else
static inline int oncpu_bpf__open(struct oncpu_bpf **out, const struct oncpu_bpf_opts *o, struct em_diag *diag)
{
	(void)o;
	*out = NULL;
	em_diag__set(diag, NULL, 0, "ember was built without BPF (clang, bpftool, libbpf-dev or "
		     "/sys/kernel/btf/vmlinux missing at build time)");
	return -EM_E_UNSUPPORTED;
}
static inline int oncpu_bpf__attach(struct oncpu_bpf *b, int perf_fd)
{
	(void)b; (void)perf_fd;
	return -EM_E_UNSUPPORTED;
}
static inline void oncpu_bpf__detach(struct oncpu_bpf *b)
{
	(void)b;
}
static inline int oncpu_bpf__poll_fd(struct oncpu_bpf *b)
{
	(void)b;
	return -1;
}
static inline int oncpu_bpf__drain(struct oncpu_bpf *b, oncpu_bpf_record_fn fn, void *ctx)
{
	(void)b; (void)fn; (void)ctx;
	return 0;
}
static inline void oncpu_bpf__set_top(struct oncpu_bpf *b, u32 tid, u64 top)
{
	(void)b; (void)tid; (void)top;
}
static inline u64 oncpu_bpf__top(struct oncpu_bpf *b, u32 tid)
{
	(void)b; (void)tid;
	return 0;
}
static inline void oncpu_bpf__counters(struct oncpu_bpf *b, struct oncpu_abi_counters *out)
{
	(void)b;
	memset(out, 0, sizeof(*out));
}
static inline void oncpu_bpf__free(struct oncpu_bpf *b)
{
	(void)b;
}
#endif

#endif
