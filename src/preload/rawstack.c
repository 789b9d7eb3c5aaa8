/*
 * rawstack.c - DWARF CFI unwinding for CPU samples: the signal handler
 * copies the interrupted registers and the top of the thread's stack into a
 * buffer claimed from a fixed pool (lock-free bitmap, mmap'd once); the
 * aggregator thread unwinds it with src/unwind against this process's own
 * objects (src/symbols/self_space) and gives the buffer back.
 */
#include "preload/preload.h"
#include "symbols/self_space.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#define RAW_BUFS 128		/* two bitmap words */
#define RAW_STACK 8192		/* bytes of stack above SP copied per sample */

struct rawstack {
	struct unwind_regs regs;
	u64 len;
	u8 bytes[RAW_STACK];
};

static struct rawstack *pool;
static _Atomic u64 pool_free[RAW_BUFS / 64];	/* bit set = buffer in use */
static atomic_int enabled;
static struct self_space space;	/* aggregator thread only */
static bool space_loaded;
static u64 space_time;

int rawstack__init(void)
{
	void *mem;

	if (pool)
		return 0;
	mem = mmap(NULL, RAW_BUFS * sizeof(struct rawstack), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	pool = mem;
	atomic_store(&enabled, 1);
	return 0;
}

/* Async-signal-safe: claim a free buffer, 0 when none. Returns index + 1. */
static u32 claim(void)
{
	size_t w;

	for (w = 0; w < RAW_BUFS / 64; w++) {
		u64 cur = atomic_load_explicit(&pool_free[w], memory_order_relaxed);

		while (~cur) {
			u64 bit = ~cur & (cur + 1);	/* lowest clear bit */

			if (atomic_compare_exchange_weak_explicit(&pool_free[w], &cur, cur | bit,
								  memory_order_acquire,
								  memory_order_relaxed))
				return (u32)(w * 64 + (u64)__builtin_ctzll(bit)) + 1;
		}
	}
	return 0;
}

void rawstack__release(u32 id)
{
	if (id--)
		atomic_fetch_and_explicit(&pool_free[id / 64], ~(1ull << (id % 64)),
					  memory_order_release);
}

u32 rawstack__capture(const void *ucv)
{
	const ucontext_t *uc = ucv;
	const greg_t *g = uc->uc_mcontext.gregs;
	static const u8 map[UNWIND_NREGS] = {
		[UNWIND_REG__RAX] = REG_RAX, [UNWIND_REG__RDX] = REG_RDX, [UNWIND_REG__RCX] = REG_RCX,
		[UNWIND_REG__RBX] = REG_RBX, [UNWIND_REG__RSI] = REG_RSI, [UNWIND_REG__RDI] = REG_RDI,
		[UNWIND_REG__RBP] = REG_RBP, [UNWIND_REG__RSP] = REG_RSP, [UNWIND_REG__R8] = REG_R8,
		[UNWIND_REG__R9] = REG_R9, [UNWIND_REG__R10] = REG_R10, [UNWIND_REG__R11] = REG_R11,
		[UNWIND_REG__R12] = REG_R12, [UNWIND_REG__R13] = REG_R13, [UNWIND_REG__R14] = REG_R14,
		[UNWIND_REG__R15] = REG_R15, [UNWIND_REG__RIP] = REG_RIP,
	};
	u64 sp = (u64)g[REG_RSP], lo = preload_self.stack_lo, hi = preload_self.stack_hi;
	struct rawstack *b;
	u32 id, i;

	/* only on the thread's own known stack (not a sigaltstack or coroutine) */
	if (!atomic_load_explicit(&enabled, memory_order_relaxed) || !hi || sp < lo || sp >= hi)
		return 0;
	id = claim();
	if (!id)
		return 0;
	b = &pool[id - 1];
	for (i = 0; i < UNWIND_NREGS; i++)
		b->regs.r[i] = (u64)g[map[i]];
	b->regs.valid = (1u << UNWIND_NREGS) - 1;
	b->len = hi - sp < RAW_STACK ? hi - sp : RAW_STACK;
	memcpy(b->bytes, (const void *)sp, b->len);
	return id;
}

/* The objects loaded now; again at most once a second when a pc is in none. */
static bool load_space(bool stale)
{
	u64 now = preload_now_ns();

	if (space_loaded && !stale)
		return true;
	if (space_loaded && now - space_time < 1000000000ull)
		return false;
	if (space_loaded)
		self_space__release(&space);
	space_loaded = !self_space__load(&space);
	space_time = now;
	return space_loaded;
}

u32 rawstack__unwind(u32 id, u64 *pcs, u32 max, u32 fp_depth)
{
	struct unwind_frame frames[RING_MAX_DEPTH];
	const struct rawstack *b = &pool[id - 1];
	struct unwind_stack st = { b->regs.r[UNWIND_REG__RSP], b->bytes, b->len };
	enum unwind_end end = UNWIND_END__NO_MAP;
	size_t n = 0, i;

	if (max > RING_MAX_DEPTH)
		max = RING_MAX_DEPTH;
	if (load_space(false)) {
		end = unwind__stack(&b->regs, &st, self_space__find, &space, frames, max, &n);
		if (end == UNWIND_END__NO_MAP && load_space(true))	/* dlopen'd since */
			end = unwind__stack(&b->regs, &st, self_space__find, &space, frames, max, &n);
	}
	/* the frame-pointer walk stays when CFI got less far */
	if (end != UNWIND_END__COMPLETE && n < fp_depth)
		return 0;
	for (i = 0; i < n; i++)
		pcs[i] = frames[i].pc;
	return (u32)n;
}

void rawstack__after_fork_child(void)
{
	size_t w;

	for (w = 0; w < RAW_BUFS / 64; w++)
		atomic_store(&pool_free[w], 0);
}
