/*
 * offcpu_switchy.c - context switches at high rates, for off-CPU recording
 * with sampled stacks (tests/cli/t0605, bench/offcpu.sh):
 *   offcpu_switchy sleep SECS       four threads sleeping 50 us at a time (timer wakeups)
 *   offcpu_switchy pingpong ROUNDS  two threads passing a byte back and forth over two pipes
 *                                   (prints the wall time it took, in microseconds)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
static int ab[2], ba[2];
static long rounds;
static double secs;
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}
static void *sleeper(void *arg)
{
	struct timespec d = { 0, 50000 };
	double end = now() + secs;
	(void)arg;
	while (now() < end)
		nanosleep(&d, NULL);
	return NULL;
}
static void *pong(void *arg)
{
	char c;
	long i;
	(void)arg;
	for (i = 0; i < rounds; i++)
		if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
			abort();
	return NULL;
}
int main(int argc, char **argv)
{
	pthread_t t[4];
	char c = 'x';
	long i;
	if (argc > 2 && !strcmp(argv[1], "sleep")) {
		secs = atof(argv[2]);
		for (i = 0; i < 4; i++)
			pthread_create(&t[i], NULL, sleeper, NULL);
		for (i = 0; i < 4; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	rounds = argc > 2 ? atol(argv[2]) : 100000;
	if (pipe(ab) || pipe(ba))
		return 1;
	secs = now();
	pthread_create(&t[0], NULL, pong, NULL);
	for (i = 0; i < rounds; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			abort();
	pthread_join(t[0], NULL);
	printf("offcpu_switchy: %ld round trips in %.0f us\n", rounds, (now() - secs) * 1e6);
	return 0;
}
