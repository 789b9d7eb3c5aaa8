/*
 * preload_api.c - a program linked with libember.so that drives it through
 * include/ember/ember.h only: CPU profile of spin_api, heap profile at rate
 * 1 of api_alloc (64 x 1000 bytes, 16 freed), both written with
 * ember_write_profile(); a second ember_http_serve() on the same port must
 * fail with -EADDRINUSE. Usage: preload_api OUTDIR PORT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "ember/ember.h"

static volatile unsigned long sink;
static void *blocks[64];

static __attribute__((noinline)) void spin_api(long ms)
{
	struct timespec ts;
	long long end;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	end = ts.tv_sec * 1000000000LL + ts.tv_nsec + ms * 1000000LL;
	do {
		for (int i = 0; i < 20000; i++)
			sink = sink * 6364136223846793005UL + 1;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while (ts.tv_sec * 1000000000LL + ts.tv_nsec < end);
}

static __attribute__((noinline)) void api_alloc(void)
{
	for (int i = 0; i < 64; i++)
		blocks[i] = malloc(1000);
	for (int i = 0; i < 16; i++)
		free(blocks[i]);
}

int main(int argc, char **argv)
{
	char path[4096], addr[64];
	int err;

	if (argc < 3)
		return 2;
	snprintf(addr, sizeof(addr), "127.0.0.1:%s", argv[2]);
	if ((err = ember_http_serve(addr)))
		return printf("serve: %s\n", strerror(-err)), 1;
	err = ember_http_serve(addr);
	printf("second serve: %s\n", strerror(-err));
	if ((err = ember_cpu_start(100)))
		return printf("cpu_start: %s\n", strerror(-err)), 1;
	printf("cpu_start again: %s\n", strerror(-ember_cpu_start(100)));
	ember_heap_set_rate(1);
	spin_api(300);
	api_alloc();
	ember_cpu_stop();
	ember_heap_set_rate(0);
	snprintf(path, sizeof(path), "%s/api.cpu.pb.gz", argv[1]);
	if ((err = ember_write_profile(EMBER_PROFILE_CPU, path)))
		return printf("write cpu: %s\n", strerror(-err)), 1;
	snprintf(path, sizeof(path), "%s/api.heap.pb.gz", argv[1]);
	if ((err = ember_write_profile(EMBER_PROFILE_HEAP, path)))
		return printf("write heap: %s\n", strerror(-err)), 1;
	printf("write bad kind: %s\n", strerror(-ember_write_profile(7, path)));
	printf("lost %llu\n", ember_lost_samples());
	return 0;
}
