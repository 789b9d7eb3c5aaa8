/*
 * bpf_counters.c - per-CPU BPF counters summed (see bpf_counters.h).
 * Copies word by word: the values need not be aligned.
 */
#include "record/bpf_counters.h"

#include <string.h>

void bpf_counters__sum(const void *per_cpu, size_t n, size_t stride, size_t words, void *out)
{
	const u8 *v = per_cpu;
	u8 *o = out;
	size_t i, k;

	memset(out, 0, words * 8);
	for (i = 0; i < n; i++)
		for (k = 0; k < words; k++) {
			u64 a, b;

			memcpy(&a, o + k * 8, 8);
			memcpy(&b, v + i * stride + k * 8, 8);
			a += b;
			memcpy(o + k * 8, &a, 8);
		}
}
