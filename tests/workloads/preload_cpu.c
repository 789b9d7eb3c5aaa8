/*
 * preload_cpu.c - CPU ground truth for libember.so: threads that burn known,
 * different amounts of their own CPU time in functions named after them
 * (spin_a, spin_b, spin_c, spin_main), then print the CPU time each thread
 * measured around its function ("thread NAME CPU_NS") for the test to compare with the profile.
 * Build with -O1 -fno-omit-frame-pointer. Usage: preload_cpu [SCALE_MS [STOPFILE]]:
 * with STOPFILE, the main thread then keeps burning CPU in spin_main until that
 * file exists (at most 30 s of wall time).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static long long thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static volatile unsigned long sink;

/* Burn @ms of this thread's CPU time in a loop the sampler can see. */
static __attribute__((noinline)) void burn(long ms)
{
	long long end = thread_cpu_ns() + ms * 1000000LL;
	unsigned long x = 1;

	while (thread_cpu_ns() < end) {
		for (int i = 0; i < 20000; i++)
			x = x * 6364136223846793005UL + 1442695040888963407UL;
		sink = x;
	}
}

#define SPIN(name)                                                        \
	static __attribute__((noinline)) void name(long ms)               \
	{                                                                 \
		burn(ms);                                                 \
		__asm__ volatile("" ::: "memory");                        \
	}
SPIN(spin_a)
SPIN(spin_b)
SPIN(spin_c)
SPIN(spin_main)

struct job {
	const char *name;
	void (*fn)(long);
	long ms;
	long long cpu;
};

static void *run(void *p)
{
	struct job *j = p;

	long long t0 = thread_cpu_ns();

	j->fn(j->ms);
	j->cpu = thread_cpu_ns() - t0;
	return NULL;
}

int main(int argc, char **argv)
{
	long scale = argc > 1 ? atol(argv[1]) : 100;
	struct job jobs[3] = {
		{ "spin_a", spin_a, 2 * scale, 0 },
		{ "spin_b", spin_b, 4 * scale, 0 },
		{ "spin_c", spin_c, 6 * scale, 0 },
	};
	pthread_t t[3];
	long long t0;
	int i;

	for (i = 0; i < 3; i++)
		if (pthread_create(&t[i], NULL, run, &jobs[i]))
			return 1;
	t0 = thread_cpu_ns();
	spin_main(3 * scale);
	t0 = thread_cpu_ns() - t0;
	for (i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 3; i++)
		printf("thread %s %lld\n", jobs[i].name, jobs[i].cpu);
	printf("thread spin_main %lld\n", t0);
	fflush(stdout);
	for (time_t end = time(NULL) + 30; argc > 2 && time(NULL) < end && access(argv[2], F_OK);)
		spin_main(20);
	return 0;
}
