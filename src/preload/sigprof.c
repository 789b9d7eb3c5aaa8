/*
 * sigprof.c - CPU sampling: one timer_create(thread CPU clock,
 * SIGEV_THREAD_ID) per thread, for threads started later too (pthread_create
 * is interposed with a start-routine wrapper), and the signal handler that
 * unwinds and pushes into the ring. The handler is async-signal-safe: no
 * malloc, no locks, errno saved. The thread table is guarded by a mutex
 * that the handler never touches.
 */
#include "preload/preload.h"

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>

#define MAX_THREADS 4096
#define TIMER_COOKIE 0x656d6272	/* "embr": marks ember's own timer signals */

struct thread_slot {
	bool used, armed;
	pthread_t pt;
	pid_t tid;
	timer_t timer;
	u64 arm_cpu;		/* the thread's CPU ns when its timer was armed */
	unsigned arm_gen;	/* run_gen at that time */
};

static struct thread_slot threads[MAX_THREADS];
static pthread_mutex_t threads_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int running;
static int cur_hz = 100;
static int prof_signo = SIGPROF;
static struct sigaction old_action;
static atomic_ullong untracked;		/* threads past MAX_THREADS: not sampled */
static atomic_uint run_gen;		/* bumped by every start: resets each thread's cpu_base */
static u64 period_ns = 10000000;

static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int preload_real_pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*fn)(void *), void *arg)
{
	if (!real_pthread_create)
		real_pthread_create = dlsym(RTLD_NEXT, "pthread_create");
	return real_pthread_create ? real_pthread_create(t, a, fn, arg) : EAGAIN;
}

u32 preload_unwind_fp(u64 pc, u64 fp, u64 sp, u64 *pcs, u32 max)
{
	u64 lo = preload_self.stack_lo, hi = preload_self.stack_hi;
	u32 n = 0;

	if (pc)
		pcs[n++] = pc;
	if (!hi)
		return n;
	if (sp > lo)
		lo = sp;
	/* frame pointers: [fp] = caller's fp, [fp + 8] = return address */
	while (n < max && fp >= lo && fp + 16 <= hi && !(fp & 7)) {
		const u64 *f = (const u64 *)fp;
		u64 next = f[0], ret = f[1];

		if (!ret)
			break;
		pcs[n++] = ret;
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}

/*
 * The periods this sample stands for: 1 + si_overrun, or more when the
 * thread's own CPU clock says more periods went by since the samples counted
 * so far. Under load some kernels (6.18 in a VM, measured) drop timer
 * overruns, so 1 + si_overrun alone undercounts by a few percent, at times
 * by a third; the clock makes the weights add up to the thread's CPU time.
 * clock_gettime is async-signal-safe.
 */
static u64 sample_weight(const siginfo_t *si)
{
	struct preload_thread *t = &preload_self;
	unsigned gen = atomic_load_explicit(&run_gen, memory_order_relaxed);
	u64 w = 1 + (u64)(si->si_overrun > 0 ? si->si_overrun : 0), now;
	struct timespec ts;

	if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts))
		return w;
	now = (u64)ts.tv_sec * 1000000000u + ts.tv_nsec;
	if (t->cpu_gen != gen || !t->cpu_base) {
		/* first sample of this run on this thread: count from the arming */
		const struct thread_slot *slot = t->slot ? &threads[t->slot - 1] : NULL;

		t->cpu_gen = gen;
		if (!slot || slot->arm_gen != gen || !slot->arm_cpu || slot->arm_cpu > now) {
			t->cpu_base = now;
			return w;
		}
		t->cpu_base = slot->arm_cpu;
	}
	if (now > t->cpu_base && (now - t->cpu_base) / period_ns > w)
		w = (now - t->cpu_base) / period_ns;
	t->cpu_base += w * period_ns;
	return w;
}

static void handler(int signo, siginfo_t *si, void *ucv)
{
	int saved = errno;
	const ucontext_t *uc = ucv;
	u64 pcs[RING_MAX_DEPTH];
	u32 n, raw;

	if (si->si_code != SI_TIMER || si->si_value.sival_int != TIMER_COOKIE) {
		/* not ours: hand it to whoever had the signal before us */
		if ((old_action.sa_flags & SA_SIGINFO) && old_action.sa_sigaction)
			old_action.sa_sigaction(signo, si, ucv);
		else if (old_action.sa_handler != SIG_IGN && old_action.sa_handler != SIG_DFL)
			old_action.sa_handler(signo);
		errno = saved;
		return;
	}
	if (atomic_load_explicit(&running, memory_order_relaxed)) {
		/*
		 * frame pointers now; registers and a stack copy for the
		 * aggregator's CFI walk (rawstack.c), which wins when it gets further
		 */
		n = preload_unwind_fp(uc->uc_mcontext.gregs[REG_RIP], uc->uc_mcontext.gregs[REG_RBP],
				      uc->uc_mcontext.gregs[REG_RSP], pcs, RING_MAX_DEPTH);
		raw = rawstack__capture(uc);
		if (!ringbuf__push(&preload_ring, preload_self.tid, sample_weight(si), pcs, n, raw))
			rawstack__release(raw);
	}
	errno = saved;
}

int sigprof__install(int signo)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigemptyset(&sa.sa_mask);
	prof_signo = signo;
	return sigaction(signo, &sa, &old_action) ? -errno : 0;
}

/* Called with threads_lock held. */
static int arm(struct thread_slot *t)
{
	struct sigevent sev;
	struct itimerspec its;
	clockid_t cid;
	long ns = 1000000000L / cur_hz;

	if (t->armed)
		return 0;
	if (pthread_getcpuclockid(t->pt, &cid))
		return -ESRCH;
	{
		struct timespec now;

		t->arm_cpu = clock_gettime(cid, &now) ? 0 : (u64)now.tv_sec * 1000000000u + now.tv_nsec;
		t->arm_gen = atomic_load(&run_gen);
	}
	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = prof_signo;
	sev.sigev_value.sival_int = TIMER_COOKIE;
	sev._sigev_un._tid = t->tid;
	if (timer_create(cid, &sev, &t->timer))
		return -errno;
	its.it_interval.tv_sec = its.it_value.tv_sec = ns / 1000000000L;
	its.it_interval.tv_nsec = its.it_value.tv_nsec = ns % 1000000000L;
	if (timer_settime(t->timer, 0, &its, NULL)) {
		int err = -errno;

		timer_delete(t->timer);
		return err;
	}
	t->armed = true;
	return 0;
}

static void disarm(struct thread_slot *t)
{
	if (t->armed)
		timer_delete(t->timer);
	t->armed = false;
}

void sigprof__thread_begin(void)
{
	size_t i;

	preload_thread_init();
	pthread_mutex_lock(&threads_lock);
	for (i = 0; i < MAX_THREADS && threads[i].used; i++)
		;
	if (i == MAX_THREADS) {
		atomic_fetch_add(&untracked, 1);
	} else {
		threads[i].used = true;
		threads[i].armed = false;
		threads[i].pt = pthread_self();
		threads[i].tid = preload_self.tid;
		preload_self.slot = i + 1;
		if (atomic_load(&running))
			arm(&threads[i]);
	}
	pthread_mutex_unlock(&threads_lock);
}

void sigprof__thread_end(void)
{
	int slot = preload_self.slot;

	if (!slot)
		return;
	pthread_mutex_lock(&threads_lock);
	disarm(&threads[slot - 1]);
	threads[slot - 1].used = false;
	preload_self.slot = 0;
	pthread_mutex_unlock(&threads_lock);
}

int sigprof__start(int hz)
{
	size_t i;
	int err = 0;

	if (hz <= 0 || hz > 10000)
		hz = 100;
	pthread_mutex_lock(&threads_lock);
	if (atomic_load(&running)) {
		pthread_mutex_unlock(&threads_lock);
		return -EBUSY;
	}
	cur_hz = hz;
	period_ns = 1000000000u / hz;
	atomic_fetch_add(&run_gen, 1);
	atomic_store(&running, 1);
	for (i = 0; i < MAX_THREADS; i++)
		if (threads[i].used) {
			int e = arm(&threads[i]);

			if (e && !err)
				err = e;
		}
	pthread_mutex_unlock(&threads_lock);
	return err == -ESRCH ? 0 : err;
}

int sigprof__stop(void)
{
	size_t i;

	pthread_mutex_lock(&threads_lock);
	atomic_store(&running, 0);
	for (i = 0; i < MAX_THREADS; i++)
		if (threads[i].used)
			disarm(&threads[i]);
	pthread_mutex_unlock(&threads_lock);
	return 0;
}

bool sigprof__running(void)
{
	return atomic_load(&running);
}

int sigprof__hz(void)
{
	return cur_hz;
}

u64 sigprof__lost(void)
{
	return atomic_load(&preload_ring.lost);
}

/* In a forked child only the forking thread exists and no timer survives. */
void sigprof__after_fork_child(void)
{
	size_t i;

	pthread_mutex_init(&threads_lock, NULL);
	atomic_store(&running, 0);
	for (i = 0; i < MAX_THREADS; i++)
		threads[i].used = threads[i].armed = false;
	preload_self.slot = 0;
	preload_self.tid = 0;
	preload_thread_init();
}

/* ---- threads started later: pthread_create with a wrapped start routine ---- */

struct start_args {
	void *(*fn)(void *);
	void *arg;
};

static void thread_cleanup(void *unused)
{
	sigprof__thread_end();
}

static void *thread_start(void *p)
{
	struct start_args a = *(struct start_args *)p;
	void *ret;

	free(p);
	sigprof__thread_begin();
	pthread_cleanup_push(thread_cleanup, NULL);
	ret = a.fn(a.arg);
	pthread_cleanup_pop(1);
	return ret;
}

__attribute__((visibility("default")))
int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	struct start_args *a;
	int rc;

	preload_self.in_hook++;
	a = malloc(sizeof(*a));
	preload_self.in_hook--;
	if (!a)
		return preload_real_pthread_create(t, attr, fn, arg);
	a->fn = fn;
	a->arg = arg;
	rc = preload_real_pthread_create(t, attr, thread_start, a);
	if (rc)
		free(a);
	return rc;
}
