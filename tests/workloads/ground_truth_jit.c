/*
 * ground_truth_jit.c - JIT-style code for `ember record` tests: a spin loop
 * written as machine code into anonymous executable memory (no ELF, no CFI),
 * with a frame-pointer prologue as JITs emit, named in /tmp/perf-PID.map.
 * Called from compiled code (-O2 -fomit-frame-pointer) that has CFI, so a
 * complete stack needs both unwinders: frame pointers, then DWARF.
 * Usage: ground_truth_jit [MILLION_STEPS]   (default 600)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const unsigned char spin_code[] = {
	0x55,			/* push %rbp */
	0x48, 0x89, 0xe5,	/* mov %rsp,%rbp */
	0x48, 0x89, 0xf9,	/* mov %rdi,%rcx */
	0x48, 0xff, 0xc9,	/* 1: dec %rcx */
	0x75, 0xfb,		/* jnz 1b */
	0x5d,			/* pop %rbp */
	0xc3,			/* ret */
};

typedef void (*spin_fn)(uint64_t n);

__attribute__((noinline, noipa)) static void call_jit(spin_fn f, uint64_t n)
{
	for (int i = 0; i < 10; i++)
		f(n / 10);
	__asm__ volatile("" ::: "memory");
}

int main(int argc, char **argv)
{
	uint64_t n = (argc > 1 ? strtoull(argv[1], NULL, 10) : 600) * 1000000ULL;
	char path[64];
	void *mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	FILE *f;

	if (mem == MAP_FAILED)
		return 1;
	memcpy(mem, spin_code, sizeof(spin_code));
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "%lx %zx jit_spin_loop\n", (unsigned long)(uintptr_t)mem, sizeof(spin_code));
	fclose(f);
	call_jit((spin_fn)mem, n);
	/*
	 * The map stays, as real JITs leave it (node, the JVM agents): a
	 * profiler may name the samples after the process is gone. The test
	 * removes it.
	 */
	return 0;
}
