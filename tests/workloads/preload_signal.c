/*
 * preload_signal.c - a program that uses SIGPROF itself (setitimer
 * ITIMER_PROF with its own handler) while ember profiles it on another
 * signal (`ember run --signal N`): it burns about 500 ms of CPU in
 * spin_sig and prints how many SIGPROFs it got ("sigprof COUNT").
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static volatile sig_atomic_t count;
static volatile unsigned long sink;

static void on_prof(int sig)
{
	count++;
}

static __attribute__((noinline)) void spin_sig(long ms)
{
	struct timespec ts;
	unsigned long x = 1;
	long long end;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	end = ts.tv_sec * 1000000000LL + ts.tv_nsec + ms * 1000000LL;
	do {
		for (int i = 0; i < 20000; i++)
			x = x * 6364136223846793005UL + 1;
		sink = x;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	} while (ts.tv_sec * 1000000000LL + ts.tv_nsec < end);
}

int main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 10000 }, { 0, 10000 } };

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_prof;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGPROF, &sa, NULL);
	setitimer(ITIMER_PROF, &it, NULL);
	spin_sig(500);
	it.it_value.tv_usec = it.it_interval.tv_usec = 0;
	setitimer(ITIMER_PROF, &it, NULL);
	printf("sigprof %d\n", (int)count);
	return 0;
}
