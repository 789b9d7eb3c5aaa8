/*
 * rawstack.c - DWARF CFI unwinding for CPU samples: the signal handler
 * copies the interrupted registers and the top of the thread's stack into a
 * buffer claimed from a fixed pool (lock-free bitmap, mmap'd once); the
 * aggregator thread unwinds it with src/unwind against this process's own
 * objects (src/symbols/self_space) and gives the buffer back. Heap samples
 * are unwound the same way, in the allocating thread, over its live stack.
 */
#include "preload/preload.h"
#include "symbols/self_space.h"

#include <errno.h>
#include <link.h>
#include <pthread.h>
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
static pthread_mutex_t space_lock = PTHREAD_MUTEX_INITIALIZER;	/* guards what follows */
static struct self_space space;
static bool space_loaded;
static u64 space_time, space_gen;	/* last load: when, loader counters */

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

/* DWARF registers from a ucontext's; @valid: the bits to trust. */
static void regs_from(struct unwind_regs *regs, const greg_t *g, u32 valid)
{
	static const u8 map[UNWIND_NREGS] = {
		[UNWIND_REG__RAX] = REG_RAX, [UNWIND_REG__RDX] = REG_RDX, [UNWIND_REG__RCX] = REG_RCX,
		[UNWIND_REG__RBX] = REG_RBX, [UNWIND_REG__RSI] = REG_RSI, [UNWIND_REG__RDI] = REG_RDI,
		[UNWIND_REG__RBP] = REG_RBP, [UNWIND_REG__RSP] = REG_RSP, [UNWIND_REG__R8] = REG_R8,
		[UNWIND_REG__R9] = REG_R9, [UNWIND_REG__R10] = REG_R10, [UNWIND_REG__R11] = REG_R11,
		[UNWIND_REG__R12] = REG_R12, [UNWIND_REG__R13] = REG_R13, [UNWIND_REG__R14] = REG_R14,
		[UNWIND_REG__R15] = REG_R15, [UNWIND_REG__RIP] = REG_RIP,
	};
	u32 i;

	for (i = 0; i < UNWIND_NREGS; i++)
		regs->r[i] = (u64)g[map[i]];
	regs->valid = valid;
}

u32 rawstack__capture(const void *ucv)
{
	const ucontext_t *uc = ucv;
	const greg_t *g = uc->uc_mcontext.gregs;
	u64 sp = (u64)g[REG_RSP], lo = preload_self.stack_lo, hi = preload_self.stack_hi;
	struct rawstack *b;
	u32 id;

	/* only on the thread's own known stack (not a sigaltstack or coroutine) */
	if (!atomic_load_explicit(&enabled, memory_order_relaxed) || !hi || sp < lo || sp >= hi)
		return 0;
	id = claim();
	if (!id)
		return 0;
	b = &pool[id - 1];
	regs_from(&b->regs, g, (1u << UNWIND_NREGS) - 1);
	b->len = hi - sp < RAW_STACK ? hi - sp : RAW_STACK;
	memcpy(b->bytes, (const void *)sp, b->len);
	return id;
}

static int read_gen(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(u64 *)arg = info->dlpi_adds + info->dlpi_subs;
	return 1;
}

/*
 * The objects loaded now, read again when the loader's load/unload counters
 * moved (dlopen, dlclose) - at most every 100 ms; meanwhile the old list
 * serves, and a pc in no object (new library, JIT) ends the CFI walk.
 */
static bool load_space(u64 gen)
{
	u64 now;

	if (space_loaded && gen == space_gen)
		return true;
	now = preload_now_ns();
	if (space_time && now - space_time < 100000000ull)
		return space_loaded;
	if (space_loaded)
		self_space__release(&space);
	space_loaded = !self_space__load(&space);
	space_time = now;
	space_gen = gen;
	return space_loaded;
}

/* The CFI walk into @pcs, or 0 when the frame-pointer walk (@fp_depth pcs) got further. */
static u32 walk(const struct unwind_regs *regs, const struct unwind_stack *st, u64 *pcs, u32 max,
		u32 fp_depth)
{
	struct unwind_frame frames[RING_MAX_DEPTH];
	enum unwind_end end = UNWIND_END__NO_MAP;
	size_t n = 0, i;
	u64 gen = 0;

	if (max > RING_MAX_DEPTH)
		max = RING_MAX_DEPTH;
	/* the loader's lock is never taken under ours but for a reload */
	preload_loader_enter();
	dl_iterate_phdr(read_gen, &gen);
	pthread_mutex_lock(&space_lock);
	if (load_space(gen))
		end = unwind__stack(regs, st, self_space__find, &space, frames, max, &n);
	pthread_mutex_unlock(&space_lock);
	preload_loader_leave();
	if (end != UNWIND_END__COMPLETE && n < fp_depth)
		return 0;
	for (i = 0; i < n; i++)
		pcs[i] = frames[i].pc;
	return (u32)n;
}

u32 rawstack__unwind(u32 id, u64 *pcs, u32 max, u32 fp_depth)
{
	const struct rawstack *b = &pool[id - 1];
	struct unwind_stack st = { b->regs.r[UNWIND_REG__RSP], b->bytes, b->len };

	return walk(&b->regs, &st, pcs, max, fp_depth);
}

/*
 * This thread's own stack, from here: the callee-saved registers, SP and IP
 * read by one asm block (getcontext() would do too, but it makes a
 * sigprocmask system call per sample) and the live stack up to its recorded
 * end - the callers' frames do not change while this runs, so nothing is
 * copied.
 */
__attribute__((noinline)) u32 rawstack__unwind_here(u64 *pcs, u32 max, u32 fp_depth)
{
	u64 hi = preload_self.stack_hi, sp;
	struct unwind_regs regs;
	struct unwind_stack st;
	greg_t g[NGREG] = { 0 };

	if (!atomic_load_explicit(&enabled, memory_order_relaxed) || !hi)
		return 0;
	/* one block: SP and IP belong together (IP = the label after it) */
	__asm__ volatile("lea 1f(%%rip), %%rax\n\t"
			 "mov %%rax, %c[rip](%[g])\n\t"
			 "mov %%rsp, %c[rsp](%[g])\n\t"
			 "mov %%rbp, %c[rbp](%[g])\n\t"
			 "mov %%rbx, %c[rbx](%[g])\n\t"
			 "mov %%r12, %c[r12](%[g])\n\t"
			 "mov %%r13, %c[r13](%[g])\n\t"
			 "mov %%r14, %c[r14](%[g])\n\t"
			 "mov %%r15, %c[r15](%[g])\n"
			 "1:"
			 :
			 : [g] "r"(g), [rip] "i"(REG_RIP * 8), [rsp] "i"(REG_RSP * 8),
			   [rbp] "i"(REG_RBP * 8), [rbx] "i"(REG_RBX * 8), [r12] "i"(REG_R12 * 8),
			   [r13] "i"(REG_R13 * 8), [r14] "i"(REG_R14 * 8), [r15] "i"(REG_R15 * 8)
			 : "rax", "memory");
	regs_from(&regs, g,
		  1u << UNWIND_REG__RBX | 1u << UNWIND_REG__RBP | 1u << UNWIND_REG__RSP |
		  1u << UNWIND_REG__R12 | 1u << UNWIND_REG__R13 | 1u << UNWIND_REG__R14 |
		  1u << UNWIND_REG__R15 | 1u << UNWIND_REG__RIP);
	sp = regs.r[UNWIND_REG__RSP];
	if (sp < preload_self.stack_lo || sp >= hi)
		return 0;
	st.sp = sp;
	st.bytes = (const u8 *)(uintptr_t)sp;
	st.len = hi - sp;
	return walk(&regs, &st, pcs, max, fp_depth);
}

void rawstack__after_fork_child(void)
{
	size_t w;

	/* a thread that is gone may have held the lock mid-reload: start over (leaks once) */
	pthread_mutex_init(&space_lock, NULL);
	memset(&space, 0, sizeof(space));
	space_loaded = false;
	space_time = 0;

	for (w = 0; w < RAW_BUFS / 64; w++)
		atomic_store(&pool_free[w], 0);
}
