/*
 * exitwatch.c - profiles survive the ends that run no destructor: the
 * signals whose default action ends the process (SIGINT, SIGTERM, SIGHUP,
 * SIGQUIT, SIGPIPE, SIGALRM, SIGXCPU, SIGXFSZ, and the crashes SIGSEGV,
 * SIGBUS, SIGFPE, SIGILL, SIGABRT) when the program left them at that
 * default, and _exit or exec
 * (exitpaths.c). A watcher thread writes the profiles - a signal handler
 * cannot: that allocates - from heap.c's reserve when the process is dying,
 * while the caller waits at most 10 s; a signal then kills the process as it
 * would have (same status, same core dump).
 */
#include "preload/preload.h"

#include <errno.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static const int watched[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGALRM, SIGXCPU, SIGXFSZ,	/* ends */
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,				/* crashes */
};
static bool installed[ARRAY_SIZE(watched)];
static int efd = -1;
static pid_t owner, watcher_tid;
static atomic_int busy, req_why;
static atomic_uint req_seq, done_seq;
static void (*flush_fn)(int why);

/* A crash: the process may be in any state, its heap too. */
static bool is_crash(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGABRT;
}

/* Async-signal-safe: eventfd write, nanosleep, atomics. */
int exitwatch__flush(int why)
{
	struct timespec step = { 0, 2 * 1000 * 1000 };
	unsigned seq;
	u64 one = 1;
	int i, err = -ETIMEDOUT;

	if (efd < 0 || getpid() != owner || gettid() == watcher_tid)
		return -ESRCH;
	for (i = 0; atomic_exchange(&busy, 1); i++) {	/* one request at a time */
		if (i == 5000)
			return -ETIMEDOUT;
		nanosleep(&step, NULL);
	}
	atomic_store(&req_why, why);
	seq = atomic_fetch_add(&req_seq, 1) + 1;
	if (write(efd, &one, sizeof(one)) == sizeof(one))
		for (i = 0; i < 5000; i++) {
			if (atomic_load(&done_seq) >= seq) {
				err = 0;
				break;
			}
			nanosleep(&step, NULL);
		}
	atomic_store(&busy, 0);
	return err;
}

static void on_signal(int sig)
{
	int saved = errno;

	exitwatch__flush(is_crash(sig) ? PRELOAD_FLUSH_CRASH : PRELOAD_FLUSH_EXIT);
	/* now die of the signal as the program would have: it is blocked in here,
	 * so it is delivered with the default action when the handler returns */
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

static void *watch(void *unused)
{
	sigset_t all;
	ssize_t r;
	u64 v;
	int why;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_setname_np(pthread_self(), "ember-exit");
	preload_self.in_hook++;
	watcher_tid = gettid();
	for (;;) {
		r = read(efd, &v, sizeof(v));
		if (r < 0 && errno == EINTR)
			continue;
		if (r != sizeof(v))
			break;
		why = atomic_load(&req_why);
		/* the process ends: do not depend on its heap */
		heap__use_reserve(why != PRELOAD_FLUSH_EXEC);
		flush_fn(why);
		heap__use_reserve(false);
		atomic_store(&done_seq, atomic_load(&req_seq));
	}
	return NULL;
}

int exitwatch__start(void (*flush)(int why))
{
	pthread_t t;
	size_t i;
	int err;

	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return -errno;
	flush_fn = flush;
	owner = getpid();
	watcher_tid = 0;
	atomic_store(&busy, 0);
	err = preload_real_pthread_create(&t, NULL, watch, NULL);
	if (err) {
		close(efd);
		efd = -1;
		return -err;
	}
	pthread_detach(t);
	for (i = 0; i < ARRAY_SIZE(watched); i++) {
		struct sigaction old, sa = { 0 };

		if (sigaction(watched[i], NULL, &old) || (old.sa_flags & SA_SIGINFO) ||
		    old.sa_handler != SIG_DFL)
			continue;	/* the program handles (or ignores) it itself */
		sa.sa_handler = on_signal;
		/* on the thread's alternate stack if it has one (a stack overflow) */
		sa.sa_flags = is_crash(watched[i]) ? SA_ONSTACK : 0;
		sigemptyset(&sa.sa_mask);
		installed[i] = !sigaction(watched[i], &sa, NULL);
	}
	return 0;
}

/* A forked child has no watcher: give the signals their default action back. */
void exitwatch__after_fork_child(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(watched); i++) {
		struct sigaction cur;

		if (installed[i] && !sigaction(watched[i], NULL, &cur) && cur.sa_handler == on_signal)
			signal(watched[i], SIG_DFL);
		installed[i] = false;
	}
	if (efd >= 0)
		close(efd);
	efd = -1;
}
