/* Workload for ember tests: forks several child processes that each burn CPU
 * in a different function, one of them renamed via prctl(PR_SET_NAME). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile unsigned long sink;

__attribute__((noinline)) static void child_work_a(long n) { for (long i = 0; i < n; i++) sink += i; }
__attribute__((noinline)) static void child_work_b(long n) { for (long i = 0; i < n; i++) sink ^= i * 7; }
__attribute__((noinline)) static void parent_work(long n) { for (long i = 0; i < n; i++) sink += i * 3; }

int main(int argc, char **argv) {
    long n = (long)((argc > 1 ? atof(argv[1]) : 1.0) * 3e8);
    for (int c = 0; c < 4; c++) {
        pid_t p = fork();
        if (p == 0) {
            if (c == 3) prctl(PR_SET_NAME, "forked child 3");
            if (c % 2) child_work_b(n / 2); else child_work_a(n / 2);
            _exit(0);
        }
    }
    parent_work(n / 4);
    while (wait(NULL) > 0) {}
    return 0;
}
