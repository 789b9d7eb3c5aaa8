/*
 * ember.h - the public API of libember.so, ember's in-process CPU and heap
 * profiler (Go's runtime/pprof design for C and C++). Link with -lember or
 * load it with LD_PRELOAD (then EMBER_* environment variables configure it;
 * see docs/cli/ember-run.md). Profiles are pprof files that `go tool pprof`
 * reads. Every function is safe to call from any thread; none aborts.
 */
#ifndef EMBER_EMBER_H
#define EMBER_EMBER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EMBER_API __attribute__((visibility("default")))

/*
 * Start sampling CPU time of every thread at @hz samples per CPU-second
 * (0 = 100). Returns 0, or a negative errno value (-EBUSY when already
 * running, -ENOTSUP when per-thread CPU timers are unavailable).
 */
EMBER_API int ember_cpu_start(int hz);

/* Stop sampling; the samples taken so far stay in the CPU profile. Returns 0. */
EMBER_API int ember_cpu_stop(void);

/*
 * Sample about one allocation per @bytes allocated (exponentially
 * distributed gaps; 1 = every allocation; 0 = stop heap profiling). Blocks
 * allocated before sampling started are not tracked; a thread that is
 * already sampling takes the new rate at its next sample (as in Go).
 * Returns the old rate.
 */
EMBER_API long ember_heap_set_rate(long bytes);

enum ember_profile_kind {
	EMBER_PROFILE_CPU = 0,		/* samples/count, cpu/nanoseconds */
	EMBER_PROFILE_HEAP = 1,		/* alloc_objects, alloc_space, inuse_objects, inuse_space (default inuse_space) */
	EMBER_PROFILE_ALLOCS = 2,	/* the same four, default alloc_space */
};

/*
 * Write the profile of @kind, gzip'd pprof, to @path (created or
 * truncated). Returns 0 or a negative errno value.
 */
EMBER_API int ember_write_profile(int kind, const char *path);

/*
 * Serve /debug/pprof/ on @addr ("127.0.0.1:6060"; an empty host means
 * 127.0.0.1) from one background thread. Returns 0, or a negative errno
 * value (-EADDRINUSE for a busy port); the program goes on either way.
 */
EMBER_API int ember_http_serve(const char *addr);

/* Samples dropped so far (full ring, unwinding failures), for reporting. */
EMBER_API unsigned long long ember_lost_samples(void);

#ifdef __cplusplus
}
#endif

#endif
