/*
 * heap.c - heap profiling: malloc, calloc, realloc, free, posix_memalign,
 * aligned_alloc, memalign and valloc interposed (the real ones found with
 * dlsym(RTLD_NEXT), whose own calloc is served from a static bootstrap
 * buffer). Allocations are sampled by bytes with exponentially distributed
 * gaps (mean = rate; rate 1 = every allocation), as Go's runtime does; the
 * sampled blocks that are still live sit in a sharded address table so a
 * free can be matched to its allocation's stack. The exported functions are
 * a few instructions and a tail jump to the real allocator until a thread's
 * countdown runs out; everything else is in noinline slow paths.
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

static void *first_malloc(size_t n);
static void *first_calloc(size_t n, size_t size);
static void *first_realloc(void *p, size_t n);
static void first_free(void *p);

/* Until resolve() runs they point at the first_* functions, which resolve. */
static void *(*real_malloc)(size_t) = first_malloc;
static void *(*real_calloc)(size_t, size_t) = first_calloc;
static void *(*real_realloc)(void *, size_t) = first_realloc;
static void (*real_free)(void *) = first_free;
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);
static void *(*real_valloc)(size_t);

/*
 * Nonzero while any thread must leave the fast path: heap sampling is on
 * (rate != 0), or a thread allocates from the reserve. Read by every malloc
 * and calloc; on its own cache line with the other read-mostly words.
 */
static _Alignas(64) atomic_int heap_gate;
static atomic_long heap_rate_v;		/* 0 = off */
static atomic_size_t live_count;	/* sampled blocks in the live table */

/*
 * ---- spare memory: one static region (zero pages until touched) ----
 * The first BOOT_SIZE bytes serve dlsym's own allocations before the real
 * functions are known; the rest is the reserve, which serves a thread that
 * writes the profiles while the process dies (heap__use_reserve), so that
 * writing does not depend on the state of the program's heap. Blocks in it
 * are never freed; one range check in free() covers both.
 */
#define BOOT_SIZE (64 * 1024)
#define SPARE_SIZE (BOOT_SIZE + (32u << 20))
static _Alignas(64) char spare[SPARE_SIZE];
static atomic_size_t boot_used, reserve_used = BOOT_SIZE;

static void *bump(atomic_size_t *used, size_t limit, size_t n)
{
	size_t step = n ? (n + 15) & ~(size_t)15 : 16, at;	/* malloc(0): a unique pointer too */

	if (step < n)
		return NULL;
	at = atomic_fetch_add(used, step);
	if (at + step > limit || at + step < at)
		return NULL;
	return spare + at;
}

static void *boot_alloc(size_t n)
{
	return bump(&boot_used, BOOT_SIZE, n);
}

static bool is_spare(const void *p)
{
	return (uintptr_t)p - (uintptr_t)spare < SPARE_SIZE;
}

static void resolve(void)
{
	static atomic_int resolving;
	void *f;

	if (atomic_exchange(&resolving, 1))
		return;
	if ((f = dlsym(RTLD_NEXT, "calloc")))
		real_calloc = (void *(*)(size_t, size_t))f;
	if ((f = dlsym(RTLD_NEXT, "malloc")))
		real_malloc = (void *(*)(size_t))f;
	if ((f = dlsym(RTLD_NEXT, "realloc")))
		real_realloc = (void *(*)(void *, size_t))f;
	if ((f = dlsym(RTLD_NEXT, "free")))
		real_free = (void (*)(void *))f;
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real_memalign = dlsym(RTLD_NEXT, "memalign");
	real_valloc = dlsym(RTLD_NEXT, "valloc");
	atomic_store(&resolving, 0);
}

/* The first calls, and those dlsym makes while resolve() runs. */
static void *first_malloc(size_t n)
{
	resolve();
	return real_malloc != first_malloc ? real_malloc(n) : boot_alloc(n);
}

static void *first_calloc(size_t n, size_t size)
{
	resolve();
	if (real_calloc != first_calloc)
		return real_calloc(n, size);
	return n && size > SIZE_MAX / n ? NULL : boot_alloc(n * size);
}

static void *first_realloc(void *p, size_t n)
{
	resolve();
	if (real_realloc != first_realloc)
		return real_realloc(p, n);
	return p ? NULL : boot_alloc(n);
}

static void first_free(void *p)
{
	resolve();
	if (real_free != first_free)
		real_free(p);		/* else leak rather than crash during bootstrap */
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
/*
 * How many live sampled blocks hash to each of FILTER buckets, and a bitmap
 * of the buckets that have any: a free whose bit is clear was not sampled and
 * skips the shard lock (nearly every free, since a few hundred sampled blocks
 * are live at the default rate). The bitmap is 8 KiB, so that lookup stays
 * in the L1 cache; a bucket lies in one shard (the hash's top bits choose
 * both), whose lock guards its count and bit. The bit is set before malloc
 * returns the block, so any thread that frees it sees it.
 */
#define FILTER_SHIFT 48
#define FILTER (1u << (64 - FILTER_SHIFT))
static u32 bucket_n[FILTER];
static _Atomic u64 bucket_bits[FILTER / 64];
static atomic_int heap_gen;		/* bumped when the rate changes */
static struct stackmap heap_map;	/* alloc n, alloc bytes, free n, free bytes */
static struct spin map_lock;
static PRELOAD_TLS int my_gen;

static u64 ptr_hash(u64 p)
{
	return (p >> 4) * 0x9e3779b97f4a7c15ULL;
}

static u32 bucket_of(u64 ptr)
{
	return (u32)(ptr_hash(ptr) >> FILTER_SHIFT);
}

/* Called with @ptr's shard locked. */
static void filter_add(u64 ptr)
{
	u32 b = bucket_of(ptr);

	if (!bucket_n[b]++)
		atomic_fetch_or_explicit(&bucket_bits[b / 64], 1ull << (b % 64), memory_order_relaxed);
}

static void filter_sub(u64 ptr)
{
	u32 b = bucket_of(ptr);

	if (!--bucket_n[b])
		atomic_fetch_and_explicit(&bucket_bits[b / 64], ~(1ull << (b % 64)), memory_order_relaxed);
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
		filter_add(ptr);
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
	filter_sub(ptr);
	return true;
}

static struct shard *shard_of(u64 ptr)
{
	_Static_assert(SHARDS == 64 && FILTER_SHIFT <= 58, "a filter bucket lies in one shard");
	return &shards[(ptr_hash(ptr) >> 58) & (SHARDS - 1)];
}

/* ---- sampling ---- */

static s64 next_gap(long rate)
{
	struct preload_thread *t = &preload_self;
	double u;

	if (rate <= 1)
		return 0;
	if (!t->rng)
		t->rng = ((u64)(uintptr_t)t * 0x9e3779b97f4a7c15ULL) ^ preload_now_ns() ^ 1;
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
 * An allocation by ember's own code (in_hook) whose countdown ran out: not
 * sampled, the countdown starts over (the byte stream is a Poisson process:
 * skipping ember's own blocks leaves the program's sampled without bias).
 * Under heap__use_reserve it comes from the reserve, and the countdown stays
 * run out so that every allocation of the thread comes here.
 */
static void *hooked_alloc(struct preload_thread *t, size_t n, bool zero)
{
	void *p;

	if (t->use_reserve) {
		t->heap_next = INT64_MIN / 2;
		if ((p = bump(&reserve_used, SPARE_SIZE, n)))
			return p;	/* never handed out before: zero */
	} else {
		t->heap_next = next_gap(atomic_load_explicit(&heap_rate_v, memory_order_relaxed));
	}
	return zero ? real_calloc(1, n) : real_malloc(n);
}

/* malloc/calloc whose countdown ran out: allocate, then sample. */
static __attribute__((noinline)) void *malloc_slow(size_t n)
{
	struct preload_thread *t = &preload_self;
	long rate = atomic_load_explicit(&heap_rate_v, memory_order_relaxed);
	void *p;

	if (unlikely(t->in_hook))
		return hooked_alloc(t, n, false);
	p = real_malloc(n);
	if (p && rate)
		note_alloc_slow(t, p, n, rate);
	return p;
}

static __attribute__((noinline)) void *calloc_slow(size_t n, size_t size)
{
	struct preload_thread *t = &preload_self;
	long rate = atomic_load_explicit(&heap_rate_v, memory_order_relaxed);
	void *p;

	if (unlikely(t->in_hook))
		return n && size > SIZE_MAX / n ? NULL : hooked_alloc(t, n * size, true);
	p = real_calloc(n, size);
	if (p && rate)
		note_alloc_slow(t, p, n * size, rate);
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

/*
 * On every free: one load when no sampled block is live, two when none
 * hashes like @p (NULL goes through: it matches nothing).
 */
static inline bool maybe_sampled(void *p)
{
	u32 b = bucket_of((u64)p);

	return unlikely(atomic_load_explicit(&live_count, memory_order_relaxed)) &&
	       unlikely((atomic_load_explicit(&bucket_bits[b / 64], memory_order_relaxed) >> (b % 64)) & 1);
}

long heap__set_rate(long rate)
{
	long old;

	if (rate < 0)
		rate = 0;
	if (real_malloc == first_malloc)
		resolve();
	old = atomic_exchange(&heap_rate_v, rate);
	atomic_fetch_add(&heap_gen, 1);
	if (!old != !rate)
		atomic_fetch_add(&heap_gate, rate ? 1 : -1);
	return old;
}

void heap__use_reserve(bool on)
{
	struct preload_thread *t = &preload_self;

	if (t->use_reserve == on)
		return;
	t->use_reserve = on;
	t->heap_next = on ? INT64_MIN / 2 : 0;
	atomic_fetch_add(&heap_gate, on ? 1 : -1);
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
		heap__set_rate(0);	/* the child stops sampling */
		return;
	}
	/* the child's profile starts empty: forget the parent's samples */
	for (i = 0; i < SHARDS; i++) {
		if (shards[i].e)
			memset(shards[i].e, 0, (shards[i].mask + 1) * sizeof(*shards[i].e));
		shards[i].n = 0;
	}
	atomic_store(&live_count, 0);
	memset(bucket_n, 0, sizeof(bucket_n));
	memset(bucket_bits, 0, sizeof(bucket_bits));
	if (heap_map.slots)
		stackmap__clear(&heap_map);
	atomic_fetch_add(&heap_gen, 1);
}

/* ---- the interposed functions ---- */

#define EXPORT __attribute__((visibility("default")))

/*
 * malloc, calloc and free are a few instructions and a tail jump when the
 * countdown has not run out (objdump -d libember.so: no stack frame); the
 * rest is in the noinline functions above. The first calls reach the
 * first_* functions through the real_* pointers.
 */
EXPORT void *malloc(size_t n)
{
	struct preload_thread *t;

	if (likely(!atomic_load_explicit(&heap_gate, memory_order_relaxed)))
		return real_malloc(n);
	t = &preload_self;
	t->heap_next -= (s64)n;
	if (likely(t->heap_next > 0))
		return real_malloc(n);
	return malloc_slow(n);
}

EXPORT void *calloc(size_t n, size_t size)
{
	struct preload_thread *t;

	if (likely(!atomic_load_explicit(&heap_gate, memory_order_relaxed)))
		return real_calloc(n, size);
	t = &preload_self;
	t->heap_next -= (s64)(n * size);
	if (likely(t->heap_next > 0))
		return real_calloc(n, size);
	return calloc_slow(n, size);
}

static __attribute__((noinline)) void free_sampled(void *p)
{
	struct preload_thread *t = &preload_self;

	if (!t->in_hook)
		note_free_slow(t, p);
	if (!is_spare(p))
		real_free(p);
}

EXPORT void free(void *p)
{
	if (maybe_sampled(p))
		return free_sampled(p);
	if (unlikely(is_spare(p)))
		return;
	real_free(p);
}

/* realloc of a block ember did not get from the real allocator, or into the reserve. */
static __attribute__((noinline)) void *realloc_spare(void *p, size_t n)
{
	size_t have = !p ? 0 : is_spare(p) ? (size_t)(spare + SPARE_SIZE - (char *)p) : malloc_usable_size(p);
	void *q = malloc(n);

	/* the reserve never frees into the program's heap: the old block stays */
	if (q && p)
		memcpy(q, p, n < have ? n : have);
	return q;
}

/* realloc of a block that may be sampled, with the countdown run out, or by ember itself. */
static __attribute__((noinline)) void *realloc_slow(void *p, size_t n)
{
	struct preload_thread *t = &preload_self;
	long rate = atomic_load_explicit(&heap_rate_v, memory_order_relaxed);
	void *q;

	if (t->use_reserve)
		return realloc_spare(p, n);
	if (!t->in_hook && maybe_sampled(p))
		note_free_slow(t, p);
	q = real_realloc(p, n);
	if (t->heap_next <= 0) {
		if (t->in_hook)
			t->heap_next = next_gap(rate);
		else if (q && rate)
			note_alloc_slow(t, q, n, rate);
	}
	return q;
}

EXPORT void *realloc(void *p, size_t n)
{
	struct preload_thread *t;

	if (unlikely(is_spare(p)))
		return realloc_spare(p, n);
	if (likely(!atomic_load_explicit(&heap_gate, memory_order_relaxed)))
		return real_realloc(p, n);
	t = &preload_self;
	t->heap_next -= (s64)n;
	if (likely(t->heap_next > 0) && likely(!maybe_sampled(p)))
		return real_realloc(p, n);
	return realloc_slow(p, n);
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
