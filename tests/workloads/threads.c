/* Workload for ember tests: several pthreads, each spinning in its own hot
 * function; threads get names with spaces and digits via pthread_setname_np. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds = 1.0;
static volatile double sink;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void hot_alpha(void) { for (int i = 0; i < 100000; i++) sink += i * 0.5; }
__attribute__((noinline)) static void hot_beta(void) { for (int i = 0; i < 100000; i++) sink -= i * 0.25; }
__attribute__((noinline)) static void hot_gamma(void) { for (int i = 0; i < 100000; i++) sink *= 1.0000001; }

struct job { const char *name; void (*fn)(void); };

static void *worker(void *arg) {
    struct job *j = arg;
    pthread_setname_np(pthread_self(), j->name);
    double end = now() + seconds;
    while (now() < end) j->fn();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc > 1) seconds = atof(argv[1]);
    struct job jobs[] = {{"my worker 1", hot_alpha}, {"my worker 2", hot_beta}, {"crunch42", hot_gamma}};
    pthread_t t[3];
    for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, worker, &jobs[i]);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    printf("%f\n", sink);
    return 0;
}
