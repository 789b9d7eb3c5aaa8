/*
 * oncpu_bpf.c - the kernel-free half of in-kernel on-CPU sampling: when a
 * thread's stack top is learned or forgotten, and per-CPU counter sums.
 * Loading the program is src/record/bpf/oncpu_loader.c; its records are
 * synthesized by offcpu_bpf__synth like the off-CPU program's.
 */
#include "record/oncpu_bpf.h"
#include "record/bpf_counters.h"

u64 oncpu_bpf__next_top(u64 known, u64 sp, u64 reach, bool complete, u64 outer_sp, bool cut)
{
	if (cut)
		return 0;
	if (!complete)
		return known;
	/*
	 * While the known top covers the sample (the program used it), the
	 * highest outermost frame seen: a walk that completes lower (ending
	 * early in some runtime) does not lower it. A top that did not cover
	 * it belongs to another stack (an exec's new one, a thread's reused
	 * tid): this walk's replaces it.
	 */
	if (known > sp && known - sp <= reach)
		return outer_sp > known ? outer_sp : known;
	return outer_sp;
}

void oncpu_bpf__sum(const struct oncpu_abi_counters *per_cpu, size_t n, struct oncpu_abi_counters *out)
{
	bpf_counters__sum(per_cpu, n, sizeof(*out), sizeof(*out) / 8, out);
}
