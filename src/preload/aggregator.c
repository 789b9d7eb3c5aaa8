/*
 * aggregator.c - the one thread that drains the sample ring into the CPU
 * stack map (columns: samples, cpu nanoseconds), every 10 ms and before
 * every read of the map. It blocks every signal, so it is never sampled,
 * and marks itself in_hook, so its allocations are never heap-sampled.
 */
#include "preload/preload.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

struct ringbuf preload_ring;
static struct stackmap cpu_map;
static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t agg_thread;
static atomic_int agg_run;

/* Called with map_lock held. */
static void drain_locked(void)
{
	struct ring_sample s;
	u64 period = 1000000000ull / (u64)sigprof__hz();

	while (ringbuf__pop(&preload_ring, &s)) {
		u64 *v;

		if (s.raw) {
			u32 n = rawstack__unwind(s.raw, s.pcs, RING_MAX_DEPTH, s.depth);

			rawstack__release(s.raw);
			if (n)
				s.depth = n;
		}
		v = stackmap__vals(&cpu_map, stackmap__intern(&cpu_map, s.pcs, s.depth));

		v[0] += s.weight;
		v[1] += s.weight * period;
	}
}

static void *agg_main(void *unused)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_setname_np(pthread_self(), "ember-agg");
	preload_self.in_hook++;
	while (atomic_load(&agg_run)) {
		pthread_mutex_lock(&map_lock);
		drain_locked();
		pthread_mutex_unlock(&map_lock);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

int aggregator__start(void)
{
	int err;

	if (atomic_load(&agg_run))
		return 0;
	if (!preload_ring.slots) {
		err = ringbuf__init(&preload_ring, 4096);
		if (err)
			return err;
	}
	if (!cpu_map.slots)
		stackmap__init(&cpu_map, 2);
	atomic_store(&agg_run, 1);
	err = preload_real_pthread_create(&agg_thread, NULL, agg_main, NULL);
	if (err) {
		atomic_store(&agg_run, 0);
		return -err;
	}
	return 0;
}

void aggregator__stop(void)
{
	if (!atomic_exchange(&agg_run, 0))
		return;
	pthread_join(agg_thread, NULL);
}

void aggregator__with_map(void (*fn)(const struct stackmap *m, void *arg), void *arg)
{
	pthread_mutex_lock(&map_lock);
	if (preload_ring.slots)
		drain_locked();
	else if (!cpu_map.slots)
		stackmap__init(&cpu_map, 2);
	fn(&cpu_map, arg);
	pthread_mutex_unlock(&map_lock);
}

/*
 * A forked child has no aggregator thread, and its copy of the lock may be
 * held. With @follow the child's profile starts empty: ring and map reset.
 */
void aggregator__after_fork_child(bool follow)
{
	pthread_mutex_init(&map_lock, NULL);
	atomic_store(&agg_run, 0);
	if (!follow)
		return;
	if (preload_ring.slots) {
		ringbuf__release(&preload_ring);
		if (ringbuf__init(&preload_ring, 4096))
			preload_ring.slots = NULL;
	}
	if (cpu_map.slots)
		stackmap__clear(&cpu_map);
}
