/*
 * oncpu_bpf.c - the kernel-free half of in-kernel on-CPU sampling: when a
 * thread's stack top is learned or forgotten, and per-CPU counter sums.
 * Loading the program is src/record/bpf/oncpu_loader.c; its records are
 * synthesized by offcpu_bpf__synth like the off-CPU program's.
 */
#include "record/oncpu_bpf.h"
#include "record/bpf_counters.h"

u64 oncpu_bpf__next_top(u64 known, bool complete, u64 outer_sp, bool cut)
{
	if (cut)
		return 0;
	/*
	 * The highest outermost frame seen: a walk that completes lower (in a
	 * signal handler on its own stack, say) does not lower the top.
	 */
	if (complete && outer_sp > known)
		return outer_sp;
	return known;
}

void oncpu_bpf__sum(const struct oncpu_abi_counters *per_cpu, size_t n, struct oncpu_abi_counters *out)
{
	bpf_counters__sum(per_cpu, n, sizeof(*out), sizeof(*out) / 8, out);
}
