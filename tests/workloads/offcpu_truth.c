/*
 * offcpu_truth.c - ground truth for off-CPU and hot/cold recording (issue 6).
 * Threads that block in known ways - nanosleep, a mutex another thread holds
 * for a known time, a pipe fed at a known pace - and one CPU-bound thread;
 * each measures its own blocked time (wall minus its CPU time around every
 * blocking call) and CPU time, and prints them. Built -O2 -fomit-frame-pointer.
 * Usage: offcpu_truth [SCALE]   (SCALE x ~0.4 s, default 1)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SLICE_MS 10

static int scale = 1;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static int gate;		/* rounds the holder has started holding */
static int pipefd[2];
static volatile unsigned long sink;

struct truth {
	const char *thread, *func;
	void (*body)(struct truth *t);
	long long blocked_ns, cpu_ns;	/* measured by the thread itself */
	int calls;
};

static long long ns_of(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Off-CPU time of one blocking call: wall time minus this thread's CPU time. */
#define MEASURE(t, call)                                                      \
	do {                                                                  \
		long long w0 = ns_of(CLOCK_MONOTONIC), c0 = ns_of(CLOCK_THREAD_CPUTIME_ID); \
		call;                                                         \
		(t)->blocked_ns += (ns_of(CLOCK_MONOTONIC) - w0) - (ns_of(CLOCK_THREAD_CPUTIME_ID) - c0); \
		(t)->calls++;                                                 \
	} while (0)

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts))
		;
}

__attribute__((noinline)) static void sleep_wait(struct truth *t)
{
	MEASURE(t, sleep_ms(SLICE_MS));
}

static void sleeper(struct truth *t)
{
	int i;

	for (i = 0; i < 40 * scale; i++)
		sleep_wait(t);
}

/* Holds the mutex for 3 slices per round while the waiter blocks on it. */
__attribute__((noinline)) static void holder_hold(struct truth *t)
{
	MEASURE(t, sleep_ms(3 * SLICE_MS));
}

static void holder(struct truth *t)
{
	int i;

	for (i = 0; i < 10 * scale; i++) {
		pthread_mutex_lock(&lock);
		pthread_mutex_lock(&gate_mu);
		gate = i + 1;
		pthread_cond_signal(&gate_cv);
		pthread_mutex_unlock(&gate_mu);
		holder_hold(t);
		pthread_mutex_unlock(&lock);
		sleep_ms(1);	/* let the waiter take it */
	}
}

__attribute__((noinline)) static void lock_wait(struct truth *t)
{
	MEASURE(t, pthread_mutex_lock(&lock));
	pthread_mutex_unlock(&lock);
}

static void waiter(struct truth *t)
{
	int i;

	for (i = 0; i < 10 * scale; i++) {
		pthread_mutex_lock(&gate_mu);
		while (gate < i + 1)
			pthread_cond_wait(&gate_cv, &gate_mu);
		pthread_mutex_unlock(&gate_mu);
		lock_wait(t);
	}
}

static void *feeder(void *arg)
{
	int i;
	char c = 'x';

	(void)arg;
	pthread_setname_np(pthread_self(), "feeder");
	for (i = 0; i < 40 * scale; i++) {
		sleep_ms(SLICE_MS);
		if (write(pipefd[1], &c, 1) != 1)
			abort();
	}
	return NULL;
}

__attribute__((noinline)) static void pipe_read_wait(struct truth *t)
{
	char c;

	MEASURE(t, if (read(pipefd[0], &c, 1) != 1) abort());
}

static void reader(struct truth *t)
{
	int i;

	for (i = 0; i < 40 * scale; i++)
		pipe_read_wait(t);
}

__attribute__((noinline)) static void cpu_spin(struct truth *t)
{
	long long end = ns_of(CLOCK_THREAD_CPUTIME_ID) + 400000000LL * scale;
	unsigned long x = 1;

	while (ns_of(CLOCK_THREAD_CPUTIME_ID) < end) {
		int i;

		for (i = 0; i < 10000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
	}
	sink = x;
	t->calls = 1;
}

static void spinner(struct truth *t)
{
	cpu_spin(t);
}

/* A uprobe target: main calls it exactly COUNTED_CALLS times. */
#define COUNTED_CALLS 1000
__attribute__((noinline)) int counted_call(int x);
__attribute__((noinline)) int counted_call(int x)
{
	__asm__ volatile("" ::: "memory");
	return x + 1;
}

/* Thread start: name the thread (its comm in the profile), run, note its CPU time. */
static void *run(void *arg)
{
	struct truth *t = arg;

	pthread_setname_np(pthread_self(), t->thread);
	t->body(t);
	t->cpu_ns = ns_of(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

int main(int argc, char **argv)
{
	static struct truth truths[] = {
		{ "sleeper", "sleep_wait", sleeper, 0, 0, 0 },
		{ "waiter", "lock_wait", waiter, 0, 0, 0 },
		{ "holder", "holder_hold", holder, 0, 0, 0 },
		{ "reader", "pipe_read_wait", reader, 0, 0, 0 },
		{ "spinner", "cpu_spin", spinner, 0, 0, 0 },
	};
	const int n = (int)(sizeof(truths) / sizeof(truths[0]));
	pthread_t th[6];
	int i, sum = 0;

	if (argc > 1)
		scale = atoi(argv[1]) > 0 ? atoi(argv[1]) : 1;
	if (pipe(pipefd))
		return 1;
	for (i = 0; i < COUNTED_CALLS; i++)
		sum += counted_call(i);
	for (i = 0; i < n; i++)
		pthread_create(&th[i], NULL, run, &truths[i]);
	pthread_create(&th[n], NULL, feeder, NULL);
	for (i = 0; i <= n; i++)
		pthread_join(th[i], NULL);
	for (i = 0; i < n; i++)
		printf("offcpu_truth: thread=%s func=%s blocked_ns=%lld cpu_ns=%lld calls=%d\n",
		       truths[i].thread, truths[i].func, truths[i].blocked_ns, truths[i].cpu_ns,
		       truths[i].calls);
	printf("offcpu_truth: counted_call calls=%d sum=%d\n", COUNTED_CALLS, sum);
	return 0;
}
