/* Workload for ember tests: kernel-heavy loop of open/read/write/close and
 * mmap/munmap so most samples land in [kernel.kallsyms]. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

__attribute__((noinline)) static void file_churn(void) {
    char buf[4096];
    int fd = open("/proc/self/stat", O_RDONLY);
    if (fd >= 0) { while (read(fd, buf, sizeof buf) > 0) {} close(fd); }
    fd = open("/dev/null", O_WRONLY);
    if (fd >= 0) { memset(buf, 'x', sizeof buf); for (int i = 0; i < 8; i++) write(fd, buf, sizeof buf); close(fd); }
}

__attribute__((noinline)) static void map_churn(void) {
    size_t len = 1 << 20;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return;
    for (size_t i = 0; i < len; i += 4096) p[i] = 1; /* fault every page in */
    munmap(p, len);
}

int main(int argc, char **argv) {
    double seconds = argc > 1 ? atof(argv[1]) : 1.0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do {
        for (int i = 0; i < 50; i++) { file_churn(); map_churn(); }
        clock_gettime(CLOCK_MONOTONIC, &b);
    } while ((b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9 < seconds);
    return 0;
}
