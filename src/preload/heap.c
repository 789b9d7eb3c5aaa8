/*
 * heap.c - heap profiling: malloc, calloc, realloc, free, posix_memalign,
 * aligned_alloc, memalign and valloc interposed (the real ones found with
 * dlsym(RTLD_NEXT), whose own calloc is served from a static bootstrap
 * buffer). Allocations are sampled by bytes with exponentially distributed
 * gaps (mean = rate; rate 1 = every allocation), as Go's runtime does; the
 * sampled blocks that are still live sit in a sharded address table so a
 * free can be matched to its allocation's stack.
 */
#include "preload/preload.h"

#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);

/* ---- bootstrap: dlsym itself may call calloc before we know the real one ---- */

static _Alignas(64) char boot_buf[64 * 1024];
static atomic_size_t boot_used;

static void *boot_alloc(size_t n)
{
	size_t at = atomic_fetch_add(&boot_used, (n + 15) & ~(size_t)15);

	if (at + n > sizeof(boot_buf) || at + n < at)
		return NULL;
	return boot_buf + at;
}

static bool is_boot(const void *p)
{
	return (const char *)p >= boot_buf && (const char *)p < boot_buf + sizeof(boot_buf);
}

static void resolve(void)
{
	static atomic_int resolving;

	if (atomic_exchange(&resolving, 1))
		return;
	real_calloc = dlsym(RTLD_NEXT, "calloc");
	real_malloc = dlsym(RTLD_NEXT, "malloc");
	real_realloc = dlsym(RTLD_NEXT, "realloc");
	real_free = dlsym(RTLD_NEXT, "free");
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real_memalign = dlsym(RTLD_NEXT, "memalign");
	real_valloc = dlsym(RTLD_NEXT, "valloc");
	atomic_store(&resolving, 0);
}

/* ---- spinlocks (never held across an allocation of the host's) ---- */

struct spin {
	atomic_flag f;
};

static void spin_lock(struct spin *s)
{
	while (atomic_flag_test_and_set_explicit(&s->f, memory_order_acquire))
		sched_yield();
}

static void spin_unlock(struct spin *s)
{
	atomic_flag_clear_explicit(&s->f, memory_order_release);
}

/* ---- sampled live blocks: address → (stack, size), sharded ---- */

#define SHARDS 64

struct live {
	u64 ptr;		/* 0 = empty */
	u32 stack;
	u64 size;
};

struct shard {
	struct spin lock;
	struct live *e;
	size_t mask, n;
};

static struct shard shards[SHARDS];
static atomic_size_t live_count;
/*
 * How many live sampled blocks hash to each of FILTER buckets: a free whose
 * bucket is 0 was not sampled and skips the shard lock (nearly every free,
 * since a few hundred sampled blocks are live at the default rate). The
 * count is raised before malloc returns the block, so any thread that frees
 * it sees it.
 */
#define FILTER (1u << 16)
static _Atomic u32 live_filter[FILTER];
static atomic_long heap_rate_v;		/* 0 = off */
static atomic_int heap_gen;		/* bumped when the rate changes */
static struct stackmap heap_map;	/* alloc n, alloc bytes, free n, free bytes */
static struct spin map_lock;
static PRELOAD_TLS int my_gen;

static u64 ptr_hash(u64 p)
{
	return (p >> 4) * 0x9e3779b97f4a7c15ULL;
}

static _Atomic u32 *filter_of(u64 ptr)
{
	return &live_filter[(ptr_hash(ptr) >> 32) & (FILTER - 1)];
}

/* Called with the shard locked and in_hook set. */
static void shard_insert(struct shard *s, u64 ptr, u32 stack, u64 size)
{
	size_t i;

	if ((s->n + 1) * 2 > s->mask) {
		struct live *old = s->e;
		size_t omask = s->mask, j;

		s->mask = s->mask ? s->mask * 2 + 1 : 63;
		s->e = real_calloc(s->mask + 1, sizeof(*s->e));
		if (!s->e) {
			s->e = old;
			s->mask = omask;
			return;
		}
		for (j = 0; old && j <= omask; j++) {
			if (!old[j].ptr)
				continue;
			for (i = (ptr_hash(old[j].ptr) >> 20) & s->mask; s->e[i].ptr; i = (i + 1) & s->mask)
				;
			s->e[i] = old[j];
		}
		real_free(old);
	}
	for (i = (ptr_hash(ptr) >> 20) & s->mask; s->e[i].ptr; i = (i + 1) & s->mask)
		if (s->e[i].ptr == ptr)
			break;
	if (!s->e[i].ptr) {
		s->n++;
		atomic_fetch_add(&live_count, 1);
		atomic_fetch_add_explicit(filter_of(ptr), 1, memory_order_relaxed);
	}
	s->e[i] = (struct live){ ptr, stack, size };
}

/* Remove @ptr if tracked; linear probing with backward-shift deletion. */
static bool shard_remove(struct shard *s, u64 ptr, struct live *out)
{
	size_t i, j, k;

	if (!s->e)
		return false;
	for (i = (ptr_hash(ptr) >> 20) & s->mask; s->e[i].ptr; i = (i + 1) & s->mask)
		if (s->e[i].ptr == ptr)
			break;
	if (!s->e[i].ptr)
		return false;
	*out = s->e[i];
	for (j = i;;) {
		s->e[i].ptr = 0;
		for (;;) {
			j = (j + 1) & s->mask;
			if (!s->e[j].ptr)
				goto done;
			k = (ptr_hash(s->e[j].ptr) >> 20) & s->mask;
			/* move e[j] back to i unless its home k lies cyclically in (i, j] */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		s->e[i] = s->e[j];
		i = j;
	}
done:
	s->n--;
	atomic_fetch_sub(&live_count, 1);
	atomic_fetch_sub_explicit(filter_of(ptr), 1, memory_order_relaxed);
	return true;
}

static struct shard *shard_of(u64 ptr)
{
	return &shards[(ptr_hash(ptr) >> 58) & (SHARDS - 1)];
}

/* ---- sampling ---- */

static s64 next_gap(long rate)
{
	struct preload_thread *t = &preload_self;
	double u;

	if (rate <= 1)
		return 0;
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	u = ((t->rng >> 11) + 1) * (1.0 / 9007199254740993.0);	/* (0, 1] */
	return (s64)(-log(u) * (double)rate);
}

static __attribute__((noinline)) void sample(void *p, size_t n)
{
	u64 pcs[RING_MAX_DEPTH], cfi[RING_MAX_DEPTH], fp = (u64)__builtin_frame_address(0);
	u32 depth, skip = 0, id, got;
	struct live dead;
	u64 *v;

	if (!preload_self.stack_hi)
		preload_thread_init();
	depth = preload_unwind_fp(0, fp, fp, pcs, RING_MAX_DEPTH);
	got = rawstack__unwind_here(cfi, RING_MAX_DEPTH, depth);
	if (got) {	/* DWARF CFI got further than frame pointers */
		memcpy(pcs, cfi, got * sizeof(*pcs));
		depth = got;
	}
	while (skip < depth && preload_in_self(pcs[skip]))
		skip++;
	spin_lock(&map_lock);
	if (!heap_map.slots)
		stackmap__init(&heap_map, 4);
	id = stackmap__intern(&heap_map, pcs + skip, depth - skip);
	v = stackmap__vals(&heap_map, id);
	v[0]++;
	v[1] += n;
	spin_unlock(&map_lock);
	spin_lock(&shard_of((u64)p)->lock);
	/* an address still in the table was freed by a path we did not see */
	shard_remove(shard_of((u64)p), (u64)p, &dead);
	shard_insert(shard_of((u64)p), (u64)p, id, n);
	spin_unlock(&shard_of((u64)p)->lock);
}

/* The sampling decision once a thread's byte countdown ran out. */
static __attribute__((noinline)) void note_alloc_slow(struct preload_thread *t, void *p, size_t n,
						       long rate)
{
	t->in_hook++;
	if (my_gen != atomic_load_explicit(&heap_gen, memory_order_relaxed)) {
		/* first allocation under a new rate: draw a gap, do not sample */
		my_gen = atomic_load(&heap_gen);
		if (!t->rng)
			t->rng = ((u64)(uintptr_t)t * 0x9e3779b97f4a7c15ULL) ^ preload_now_ns() ^ 1;
		t->heap_next = next_gap(rate) - (s64)n;
		if (t->heap_next > 0)
			goto out;
	}
	sample(p, n);
	t->heap_next = next_gap(rate);
out:
	t->in_hook--;
}

/*
 * The fast path, on every allocation: one global load when heap profiling is
 * off; a thread-local countdown by bytes when it is on. A rate change takes
 * effect at each thread's next sample, as in Go.
 */
static inline void note_alloc(void *p, size_t n)
{
	struct preload_thread *t = &preload_self;
	long rate = atomic_load_explicit(&heap_rate_v, memory_order_relaxed);

	if (likely(!rate) || unlikely(!p) || t->in_hook)
		return;
	t->heap_next -= (s64)n;
	if (likely(t->heap_next > 0))
		return;
	note_alloc_slow(t, p, n, rate);
}

/*
 * The same countdown before the allocation, for malloc and calloc: when it
 * has not run out, the real allocator is tail-called and the hook costs a
 * few instructions. True when this allocation is to be sampled.
 */
static inline bool countdown_expired(size_t n)
{
	struct preload_thread *t = &preload_self;

	if (likely(!atomic_load_explicit(&heap_rate_v, memory_order_relaxed)) || t->in_hook)
		return false;
	t->heap_next -= (s64)n;
	return t->heap_next <= 0;
}

/* Sample @p (@n bytes) whose countdown ran out; NULL leaves it run out. */
static __attribute__((noinline)) void *sampled(void *p, size_t n)
{
	long rate = atomic_load_explicit(&heap_rate_v, memory_order_relaxed);

	if (p && rate)
		note_alloc_slow(&preload_self, p, n, rate);
	return p;
}

/*
 * A free inside ember's own code (in_hook) is never of a sampled block; one
 * from a signal handler that interrupted ember on this thread must not take
 * a lock the thread may hold: it is skipped, and the stale entry is dropped
 * when the address is sampled again.
 */
static __attribute__((noinline)) void note_free_slow(struct preload_thread *t, void *p)
{
	struct live dead;
	struct shard *s;
	bool found;

	t->in_hook++;
	s = shard_of((u64)p);
	spin_lock(&s->lock);
	found = shard_remove(s, (u64)p, &dead);
	spin_unlock(&s->lock);
	if (found) {
		spin_lock(&map_lock);
		stackmap__vals(&heap_map, dead.stack)[2]++;
		stackmap__vals(&heap_map, dead.stack)[3] += dead.size;
		spin_unlock(&map_lock);
	}
	t->in_hook--;
}

/* The fast path, on every free: two loads when no sampled block hashes like @p. */
static inline void note_free(void *p)
{
	struct preload_thread *t;

	if (likely(!atomic_load_explicit(&live_count, memory_order_relaxed)) || !p ||
	    likely(!atomic_load_explicit(filter_of((u64)p), memory_order_relaxed)))
		return;
	t = &preload_self;
	if (!t->in_hook)
		note_free_slow(t, p);
}

long heap__set_rate(long rate)
{
	long old = atomic_exchange(&heap_rate_v, rate < 0 ? 0 : rate);

	if (!real_malloc)
		resolve();
	atomic_fetch_add(&heap_gen, 1);
	return old;
}

long heap__rate(void)
{
	return atomic_load(&heap_rate_v);
}

void heap__with_map(void (*fn)(const struct stackmap *m, void *arg), void *arg)
{
	spin_lock(&map_lock);
	if (!heap_map.slots)
		stackmap__init(&heap_map, 4);
	fn(&heap_map, arg);
	spin_unlock(&map_lock);
}

void heap__atfork_prepare(void)
{
	size_t i;

	spin_lock(&map_lock);
	for (i = 0; i < SHARDS; i++)
		spin_lock(&shards[i].lock);
}

void heap__atfork_parent(void)
{
	size_t i;

	for (i = SHARDS; i-- > 0;)
		spin_unlock(&shards[i].lock);
	spin_unlock(&map_lock);
}

void heap__atfork_child(bool follow)
{
	size_t i;

	heap__atfork_parent();
	if (!follow) {
		atomic_store(&heap_rate_v, 0);	/* the child stops sampling */
		return;
	}
	/* the child's profile starts empty: forget the parent's samples */
	for (i = 0; i < SHARDS; i++) {
		if (shards[i].e)
			memset(shards[i].e, 0, (shards[i].mask + 1) * sizeof(*shards[i].e));
		shards[i].n = 0;
	}
	atomic_store(&live_count, 0);
	memset(live_filter, 0, sizeof(live_filter));
	if (heap_map.slots)
		stackmap__clear(&heap_map);
	atomic_fetch_add(&heap_gen, 1);
}

/* ---- the interposed functions ---- */

#define EXPORT __attribute__((visibility("default")))

EXPORT void *malloc(size_t n)
{
	void *p;

	if (unlikely(!real_malloc)) {
		resolve();
		if (!real_malloc)
			return boot_alloc(n);
	}
	if (likely(!countdown_expired(n)))
		return real_malloc(n);
	p = real_malloc(n);
	return sampled(p, n);
}

EXPORT void *calloc(size_t n, size_t size)
{
	void *p;

	if (unlikely(!real_calloc)) {
		resolve();
		if (!real_calloc)
			return n && size > SIZE_MAX / n ? NULL : boot_alloc(n * size);
	}
	if (likely(!countdown_expired(n * size)))
		return real_calloc(n, size);
	p = real_calloc(n, size);
	return sampled(p, n * size);
}

EXPORT void free(void *p)
{
	if (!p || is_boot(p))
		return;
	note_free(p);
	if (unlikely(!real_free)) {
		resolve();
		if (!real_free)
			return;		/* leak rather than crash during bootstrap */
	}
	real_free(p);
}

EXPORT void *realloc(void *p, size_t n)
{
	void *q;

	if (is_boot(p)) {
		size_t avail = boot_buf + sizeof(boot_buf) - (char *)p;

		q = malloc(n);
		if (q)
			memcpy(q, p, n < avail ? n : avail);
		return q;
	}
	if (unlikely(!real_realloc)) {
		resolve();
		if (!real_realloc)
			return p ? NULL : boot_alloc(n);
	}
	note_free(p);
	q = real_realloc(p, n);
	note_alloc(q, n);
	return q;
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
	int rc;

	if (unlikely(!real_posix_memalign))
		resolve();
	if (!real_posix_memalign)
		return ENOMEM;
	rc = real_posix_memalign(out, align, n);
	if (!rc)
		note_alloc(*out, n);
	return rc;
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
	void *p;

	if (unlikely(!real_aligned_alloc))
		resolve();
	if (!real_aligned_alloc)
		return NULL;
	p = real_aligned_alloc(align, n);
	note_alloc(p, n);
	return p;
}

EXPORT void *memalign(size_t align, size_t n)
{
	void *p;

	if (unlikely(!real_memalign))
		resolve();
	if (!real_memalign)
		return NULL;
	p = real_memalign(align, n);
	note_alloc(p, n);
	return p;
}

EXPORT void *valloc(size_t n)
{
	void *p;

	if (unlikely(!real_valloc))
		resolve();
	if (!real_valloc)
		return NULL;
	p = real_valloc(n);
	note_alloc(p, n);
	return p;
}
