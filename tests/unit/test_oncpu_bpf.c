/*
 * test_oncpu_bpf.c - the kernel-free parts of in-kernel on-CPU sampling:
 * a sample record turned into the perf sample the converter takes (no raw
 * data, the period carried over, user-mode and kernel-mode IPs), and when a
 * thread's stack top is learned, kept and forgotten.
 */
#include "../lib/test.h"
#include "record/events.h"
#include "record/offcpu_bpf.h"
#include "record/oncpu_bpf.h"

#include <stdlib.h>

static struct offcpu_abi_out *make_sample(u32 kstack_frames, u32 ustack_bytes)
{
	struct offcpu_abi_out *r = aligned_alloc(8, (sizeof(*r) + 7) & ~(size_t)7);
	u32 i;

	memset(r, 0, sizeof(*r));
	r->kind = ONCPU_ABI__SAMPLE;
	r->tid = 4321;
	r->pid = 4320;
	r->cpu = 1;
	r->time = 5555;
	r->flags = OFFCPU_ABI_F_USER;
	r->thresh = 1001001;	/* the period: ns between samples at 999 Hz */
	for (i = 0; i < OFFCPU_ABI_NREGS; i++)
		r->regs[i] = 0x2000 + i;
	r->kstack_bytes = kstack_frames * 8;
	for (i = 0; i < kstack_frames; i++)
		r->kstack[i] = 0xffffffff81000000ull + 0x10 * i;
	r->ustack_lead = 0x18;
	r->ustack_bytes = ustack_bytes;
	for (i = 0; i < ustack_bytes; i++)
		r->ustack[r->ustack_lead + i] = (u8)(i * 3);
	return r;
}

TEST(test_oncpu_bpf__user_mode_sample_decodes_without_raw_data)
{
	struct offcpu_abi_out *r = make_sample(0, 640);
	u64 *buf = malloc(72 << 10);
	const struct perf_event_header *h = offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(1), buf, 72 << 10);
	struct event ev;
	unsigned i;

	ASSERT(h != NULL);
	ASSERT_EQ_U64(h->misc, PERF_RECORD_MISC_USER);
	ASSERT(event__decode(h, &ev) == 0);
	ASSERT(ev.kind == EVENT_KIND__SAMPLE);
	ASSERT_EQ_U64(ev.pid, 4320);
	ASSERT_EQ_U64(ev.tid, 4321);
	ASSERT_EQ_U64(ev.time, 5555);
	ASSERT_EQ_U64(ev.sample.ip, 0x2008);	/* the user IP */
	ASSERT_EQ_U64(ev.sample.period, 1001001);
	ASSERT_EQ_U64(ev.sample.nr, 1);		/* the kernel context marker alone */
	ASSERT(ev.sample.raw == NULL);
	ASSERT_EQ_U64(ev.sample.abi, PERF_SAMPLE_REGS_ABI_64);
	for (i = 0; i < OFFCPU_ABI_NREGS; i++)
		ASSERT_EQ_U64(ev.sample.regs[i], 0x2000 + i);
	ASSERT_EQ_U64(ev.sample.dyn_size, 640);
	ASSERT_EQ_U64(ev.sample.stack[639], (u8)(639 * 3));
	free(buf);
	free(r);
}

TEST(test_oncpu_bpf__kernel_mode_sample_has_the_kernel_ip_and_chain)
{
	struct offcpu_abi_out *r = make_sample(3, 64);
	u64 *buf = malloc(72 << 10);
	const struct perf_event_header *h = offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(1), buf, 72 << 10);
	struct event ev;

	ASSERT(h != NULL);
	ASSERT_EQ_U64(h->misc, PERF_RECORD_MISC_KERNEL);
	ASSERT(event__decode(h, &ev) == 0);
	ASSERT_EQ_U64(ev.sample.ip, 0xffffffff81000000ull);
	ASSERT_EQ_U64(ev.sample.nr, 4);
	ASSERT_EQ_U64(ev.sample.ips[0], PERF_CONTEXT_KERNEL);
	ASSERT_EQ_U64(ev.sample.ips[3], 0xffffffff81000020ull);
	ASSERT_EQ_U64(ev.sample.regs[8], 0x2008);	/* the user registers saved at kernel entry */
	ASSERT_EQ_U64(ev.sample.dyn_size, 64);
	free(buf);
	free(r);
}

TEST(test_oncpu_bpf__a_record_shorter_than_its_stack_is_refused)
{
	struct offcpu_abi_out *r = make_sample(0, 5000);
	u64 *buf = malloc(72 << 10);

	/* a one-page record cannot hold lead + 5000 bytes of stack; a two-page one can */
	ASSERT(offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(1), buf, 72 << 10) == NULL);
	ASSERT(offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(2), buf, 72 << 10) != NULL);
	free(buf);
	free(r);
}

TEST(test_oncpu_bpf__stack_top_learned_kept_and_forgotten)
{
	const u64 reach = 32768;

	/* learned from the first complete walk */
	ASSERT_EQ_U64(oncpu_bpf__next_top(0, 0x7000, reach, true, 0x7ff0, false), 0x7ff0);
	/* an incomplete walk teaches nothing */
	ASSERT_EQ_U64(oncpu_bpf__next_top(0, 0x7000, reach, false, 0x7ff0, false), 0);
	/* a top that covers the sample: unchanged, or kept over a lower outermost frame */
	ASSERT_EQ_U64(oncpu_bpf__next_top(0x7ff0, 0x7000, reach, true, 0x7ff0, false), 0x7ff0);
	ASSERT_EQ_U64(oncpu_bpf__next_top(0x7ff0, 0x5000, reach, true, 0x6000, false), 0x7ff0);
	/* ...and raised by a higher one */
	ASSERT_EQ_U64(oncpu_bpf__next_top(0x7ff0, 0x7000, reach, true, 0x8ff0, false), 0x8ff0);
	/* a top that did not cover it (an exec's new stack, lower or higher): replaced */
	ASSERT_EQ_U64(oncpu_bpf__next_top(0x7ffd0000, 0x7ff00000, reach, true, 0x7ff00400, false), 0x7ff00400);
	ASSERT_EQ_U64(oncpu_bpf__next_top(0x7ff00400, 0x7ffd0000, reach, true, 0x7ffd0800, false), 0x7ffd0800);
	/* a walk that ran off a copy cut at the top: forgotten, full copies again */
	ASSERT_EQ_U64(oncpu_bpf__next_top(0x7ff0, 0x7000, reach, false, 0x7000, true), 0);
}

TEST(test_oncpu_bpf__counters_sum_over_cpus)
{
	struct oncpu_abi_counters c[3] = { { 10, 1, 8, 0, 4096 }, { 20, 0, 19, 1, 8192 }, { 0 } }, out;

	oncpu_bpf__sum(c, 3, &out);
	ASSERT_EQ_U64(out.samples, 30);
	ASSERT_EQ_U64(out.rb_full, 1);
	ASSERT_EQ_U64(out.learned, 27);
	ASSERT_EQ_U64(out.ustack_empty, 1);
	ASSERT_EQ_U64(out.ustack_bytes, 12288);
}

TEST(test_oncpu_bpf__synth_size_is_what_synth_writes)
{
	static const u32 stacks[] = { 0, 8, 640, 5000 };
	u64 *buf = malloc(72 << 10);
	unsigned i, kernel;

	for (i = 0; i < ARRAY_SIZE(stacks); i++)
		for (kernel = 0; kernel <= 3; kernel += 3) {
			struct offcpu_abi_out *r = make_sample(kernel, stacks[i]);
			size_t need = offcpu_bpf__synth_size(r, OFFCPU_ABI_OUT_SIZE(2));
			const struct perf_event_header *h = offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(2), buf, need);

			ASSERT(h != NULL);
			ASSERT(need >= 64);
			ASSERT(h->size == need || (need == 64 && h->size < 64));
			free(r);
		}
	{
		u32 unknown = 9;

		ASSERT_EQ_U64(offcpu_bpf__synth_size(&unknown, sizeof(unknown)), 0);
	}
	free(buf);
}

TEST(test_oncpu_bpf__decode_in_place_matches_the_synthesized_record)
{
	struct offcpu_abi_out *r = make_sample(3, 640);
	u64 *buf = malloc(72 << 10);
	const struct perf_event_header *h = offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(1), buf, 72 << 10);
	struct event direct, synth;
	unsigned i;

	ASSERT(h != NULL);
	ASSERT(event__decode(h, &synth) == 0);
	ASSERT(offcpu_bpf__decode_oncpu(r, OFFCPU_ABI_OUT_SIZE(1), &direct) == 0);
	ASSERT(direct.kind == EVENT_KIND__SAMPLE);
	ASSERT_EQ_U64(direct.pid, synth.pid);
	ASSERT_EQ_U64(direct.tid, synth.tid);
	ASSERT_EQ_U64(direct.time, synth.time);
	ASSERT_EQ_U64(direct.sample.ip, synth.sample.ip);
	ASSERT_EQ_U64(direct.sample.period, synth.sample.period);
	ASSERT_EQ_U64(direct.sample.cpu, synth.sample.cpu);
	ASSERT_EQ_U64(direct.sample.abi, synth.sample.abi);
	for (i = 0; i < OFFCPU_ABI_NREGS; i++)
		ASSERT_EQ_U64(direct.sample.regs[i], synth.sample.regs[i]);
	/* the same kernel frames, without the context marker */
	ASSERT(direct.sample.kernel_chain);
	ASSERT_EQ_U64(direct.sample.nr + 1, synth.sample.nr);
	for (i = 0; i < direct.sample.nr; i++)
		ASSERT_EQ_U64(direct.sample.ips[i], synth.sample.ips[i + 1]);
	/* the stack read where it lies */
	ASSERT(direct.sample.stack == r->ustack + r->ustack_lead);
	ASSERT_EQ_U64(direct.sample.dyn_size, synth.sample.dyn_size);
	ASSERT(!memcmp(direct.sample.stack, synth.sample.stack, 640));
	/* malformed or another kind: refused */
	ASSERT(offcpu_bpf__decode_oncpu(r, OFFCPU_ABI_OUT_SIZE(0) + 100, &direct) != 0);
	r->kind = OFFCPU_ABI__OUT;
	ASSERT(offcpu_bpf__decode_oncpu(r, OFFCPU_ABI_OUT_SIZE(1), &direct) != 0);
	free(buf);
	free(r);
}
