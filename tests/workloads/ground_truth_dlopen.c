/*
 * ground_truth_dlopen.c - code that appears after the recording started:
 * dlopen()s libground_truth.so (next to this binary), spins in its leaf
 * through dlsym, dlclose()s it, and does it again; `ember record` must name
 * and unwind those frames from the MMAP2 records that arrive mid-run.
 * Usage: ground_truth_dlopen [MILLION_STEPS]   (default 400, in 4 rounds)
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef uint64_t (*leaf_fn)(uint64_t n, uint64_t x);

__attribute__((noinline, noipa)) static uint64_t call_loaded(leaf_fn f, uint64_t n)
{
	return f(n, 3) + 1;
}

int main(int argc, char **argv)
{
	uint64_t n = (argc > 1 ? strtoull(argv[1], NULL, 10) : 400) * 1000000ULL / 4;
	char path[4096];
	ssize_t len = readlink("/proc/self/exe", path, sizeof(path) - 32);
	char *slash;
	volatile uint64_t sink = 0;

	if (len <= 0)
		return 1;
	path[len] = 0;
	slash = strrchr(path, '/');
	snprintf(slash + 1, sizeof(path) - (size_t)(slash + 1 - path), "libground_truth.so");
	for (int round = 0; round < 4; round++) {
		void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
		leaf_fn f = h ? (leaf_fn)(uintptr_t)dlsym(h, "gt_lib_leaf") : NULL;

		if (!f) {
			fprintf(stderr, "dlopen: %s\n", dlerror());
			return 1;
		}
		sink += call_loaded(f, n);
		dlclose(h);
	}
	return sink == 42;
}
