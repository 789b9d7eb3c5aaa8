/*
 * exitwatch.c - profiles survive SIGINT and SIGTERM: when the program left
 * them at their default action, libember.so catches them, has a watcher
 * thread write the profiles (a signal handler cannot: that allocates), then
 * lets the signal kill the process as it would have. The handler waits at
 * most 10 s, so a stuck writer cannot keep the process alive.
 */
#include "preload/preload.h"

#include <errno.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

static const int watched[] = { SIGINT, SIGTERM };
static bool installed[2];
static int efd = -1;
static pid_t owner;
static atomic_int caught, flushed;
static void (*flush_fn)(void);

static void on_signal(int sig)
{
	struct timespec step = { 0, 50 * 1000 * 1000 };
	int saved = errno, i;
	u64 one = 1;

	if (getpid() == owner && !atomic_exchange(&caught, sig) &&
	    write(efd, &one, sizeof(one)) == sizeof(one))
		for (i = 0; i < 200 && !atomic_load(&flushed); i++)
			nanosleep(&step, NULL);
	/* now die of the signal as the program would have: it is blocked in here,
	 * so it is delivered with the default action when the handler returns */
	signal(sig, SIG_DFL);
	raise(sig);
	errno = saved;
}

static void *watch(void *unused)
{
	sigset_t all;
	u64 v;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	pthread_setname_np(pthread_self(), "ember-exit");
	preload_self.in_hook++;
	while (read(efd, &v, sizeof(v)) < 0 && errno == EINTR)
		;
	flush_fn();
	atomic_store(&flushed, 1);
	return NULL;
}

int exitwatch__start(void (*flush)(void))
{
	pthread_t t;
	size_t i;
	int err;

	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		return -errno;
	flush_fn = flush;
	owner = getpid();
	atomic_store(&caught, 0);
	atomic_store(&flushed, 0);
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
