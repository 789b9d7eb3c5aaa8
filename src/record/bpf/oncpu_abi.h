/*
 * oncpu_abi.h - what the on-CPU BPF sampler (oncpu.bpf.c) and ember share.
 * A sample travels in the same stack record as an off-CPU switch-out
 * (struct offcpu_abi_out, kind ONCPU_ABI__SAMPLE; state and thresh unused),
 * so one synthesizer (offcpu_bpf__synth) turns both into perf samples.
 * Included by the BPF program (after vmlinux.h) and by user space.
 */
#ifndef EMBER_ONCPU_ABI_H
#define EMBER_ONCPU_ABI_H

#include "record/bpf/offcpu_abi.h"

#define ONCPU_ABI__SAMPLE 3	/* struct offcpu_abi_out holding a cpu-clock sample */

/*
 * Bytes copied past a thread's learned stack top (see oncpu.bpf.c): the
 * outermost frame's stack pointer is learned, and its caller-less frame
 * reads nothing above it, but a margin costs nothing (whole pages are read).
 */
#define ONCPU_ABI_TOP_SLACK 512

/* Per CPU; user space sums them. */
struct oncpu_abi_counters {
	__u64 samples;		/* samples the program saw */
	__u64 rb_full;		/* ...of which found no ring space (lost) */
	__u64 learned;		/* ...copied only up to the thread's learned stack top */
	__u64 ustack_empty;	/* a user task whose stack could not be read at all */
	__u64 ustack_bytes;	/* user stack bytes copied, in all */
};

#endif
