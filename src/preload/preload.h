/*
 * preload.h - what the parts of libember.so share: the per-thread state, the
 * configuration read from EMBER_* variables, and each part's entry points
 * (sigprof, aggregator, heap, symbolize, export, http). Internal: nothing
 * here is exported from the library; include/ember/ember.h is the API.
 */
#ifndef EMBER_PRELOAD_H
#define EMBER_PRELOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>
#include "base/compiler.h"
#include "preload/ringbuf.h"
#include "preload/stackmap.h"

#define PRELOAD_TLS __thread __attribute__((tls_model("initial-exec")))

/* Per-thread state; zero until the thread is first seen. */
struct preload_thread {
	u64 stack_lo, stack_hi;	/* this thread's stack, for bounds-checked unwinding */
	u32 tid;
	int slot;		/* index in the sigprof thread table + 1; 0 = none */
	int in_hook;		/* > 0 while ember's own code runs: allocations pass through */
	bool use_reserve;	/* ember's allocations come from heap.c's reserve (heap__use_reserve) */
	s64 heap_next;		/* bytes left until the next heap sample */
	u64 rng;		/* xorshift state for sampling gaps */
	u64 cpu_base;		/* thread CPU ns up to which samples have been counted */
	unsigned cpu_gen;	/* sigprof run the base belongs to */
};
extern PRELOAD_TLS struct preload_thread preload_self;

struct preload_config {
	bool cpu, heap;
	int hz;			/* CPU samples per CPU-second */
	long heap_rate;		/* mean bytes between heap samples */
	int signo;		/* the profiling signal (SIGPROF) */
	const char *output;	/* EMBER_OUTPUT or NULL */
	const char *http;	/* EMBER_HTTP or NULL */
	bool follow_fork;	/* EMBER_FORK=1: forked children keep profiling */
};

/* preload.c */
void preload_thread_init(void);		/* fill preload_self (stack bounds, tid); not async-signal-safe */
u64 preload_now_ns(void);
bool preload_in_self(u64 pc);		/* pc inside libember.so's own code */
/* Around ember's dl_iterate_phdr calls (not in signal handlers): fork waits for them. */
void preload_loader_enter(void);
void preload_loader_leave(void);

/* unwind: the seam for the DWARF CFI unwinder (src/unwind). Async-signal-safe. */
u32 preload_unwind_fp(u64 pc, u64 fp, u64 sp, u64 *pcs, u32 max);

/*
 * rawstack.c: registers + stack copies for DWARF CFI unwinding. capture is
 * async-signal-safe (0 = no buffer free, or disabled); unwind runs in the
 * aggregator: CFI pcs into @pcs, or 0 when the frame-pointer walk of
 * @fp_depth pcs got further. Every captured id is released once.
 */
int rawstack__init(void);
u32 rawstack__capture(const void *ucontext);
u32 rawstack__unwind(u32 id, u64 *pcs, u32 max, u32 fp_depth);
/* The same for the calling thread's own stack (heap samples); not async-signal-safe. */
u32 rawstack__unwind_here(u64 *pcs, u32 max, u32 fp_depth);
void rawstack__release(u32 id);
void rawstack__after_fork_child(void);

/* sigprof.c: timers on every thread and the signal handler */
int preload_real_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg);
int sigprof__install(int signo);
int sigprof__start(int hz);
int sigprof__stop(void);
bool sigprof__running(void);
int sigprof__hz(void);
void sigprof__thread_begin(void);
void sigprof__thread_end(void);
void sigprof__after_fork_child(void);
u64 sigprof__lost(void);

/* aggregator.c: drains the ring into the CPU stack map */
extern struct ringbuf preload_ring;
int aggregator__start(void);
void aggregator__stop(void);
void aggregator__after_fork_child(bool follow);
/* Drain, then call @fn with the CPU map locked (cols: samples, cpu ns). */
void aggregator__with_map(void (*fn)(const struct stackmap *m, void *arg), void *arg);

/* heap.c: malloc interposition and sampling */
long heap__set_rate(long rate);
long heap__rate(void);
/* Call @fn with the heap map locked (cols: alloc n, alloc bytes, free n, free bytes). */
void heap__with_map(void (*fn)(const struct stackmap *m, void *arg), void *arg);
void heap__atfork_prepare(void);
void heap__atfork_parent(void);
void heap__atfork_child(bool follow);
/*
 * The calling thread's allocations made while in_hook come from a static
 * reserve (never freed; the real allocator once it is used up), so writing
 * the profiles does not depend on the program's heap, which may be corrupt
 * or locked when the process dies.
 */
void heap__use_reserve(bool on);

/* export.c: stack maps → struct profile → pprof */
enum preload_kind { PRELOAD_CPU, PRELOAD_HEAP, PRELOAD_ALLOCS };
/* Encode the profile of @kind (gzip'd pprof) into *@buf (caller frees). */
int export__encode(enum preload_kind kind, const struct stackmap *since, s64 duration_ns,
		   u8 **buf, size_t *len);
int export__write(enum preload_kind kind, const char *path);
/* A copy of the CPU map now (for /debug/pprof/profile?seconds=N). */
void export__cpu_snapshot(struct stackmap *out);
void export__mark_start(void);

/*
 * Why the profiles are written before the destructors would: the process
 * ends (SIGINT, SIGTERM, _exit), dies of a fatal signal, or execs.
 */
enum preload_flush { PRELOAD_FLUSH_EXIT, PRELOAD_FLUSH_CRASH, PRELOAD_FLUSH_EXEC };
/* The variable that numbers a process's images across exec: "PID:N". */
#define PRELOAD_EXEC_SEQ "EMBER_EXEC_SEQ"

/* preload.c, for exitpaths.c: async-signal-safe but for the writing itself */
bool preload_profiles_here(void);	/* this process writes profiles (not a vfork child, not dormant) */
void preload_before_exit(void);		/* write them now: the process ends */
/* Write them as OUT.execN and stop the CPU timers; OUT: @var = "EMBER_EXEC_SEQ=PID:N". */
void preload_before_exec(char *var, size_t n);
void preload_exec_failed(void);		/* the exec returned: remove OUT.execN, resume */

/* exitpaths.c: _exit, _Exit and the exec family */
void exitpaths__init(void);

/*
 * exitwatch.c: a thread that writes the profiles on request (@flush with a
 * preload_flush reason); the signals that end the process (SIGINT, SIGTERM,
 * SIGPIPE, ..., the crashes) left at their default action are caught,
 * written, and then kill the process as before.
 */
int exitwatch__start(void (*flush)(int why));
/* Have the thread write for @why; 0, -ETIMEDOUT (10 s) or -ESRCH (no thread). */
int exitwatch__flush(int why);
void exitwatch__after_fork_child(void);

/* http.c */
int http__serve(const char *addr);
void http__stop(void);
void http__child_forget(void);

#endif
