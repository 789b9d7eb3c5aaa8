/*
 * test_offcpu_bpf.c - the kernel-free parts of BPF off-CPU recording: the
 * sampling window (p per window, bursts, low rates exact, no bias on a
 * simulated stream), the state classes, ring records turned into perf
 * records that events.c decodes back field for field, malformed records
 * refused, and the state machine's 1/p weighting scaled to exact totals.
 */
#include "../lib/test.h"
#include "record/events.h"
#include "record/offcpu.h"
#include "record/offcpu_bpf.h"

#include <stdlib.h>

#define MS 1000000ull

/* A deterministic uniform u32 stream (xorshift). */
static u32 rnd_next(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (u32)(*s >> 16);
}

TEST(test_offcpu_bpf__window_low_rate_is_exact)
{
	struct offcpu_window w = { 0 };
	u64 now = 5 * MS, i, taken = 0;
	__u64 thresh = 0;

	/* 40 switch-outs per 100 ms window, budget 50: every one, whatever the expected length */
	for (i = 0; i < 400; i++, now += 100 * MS / 40) {
		u64 t = offcpu_window__step(&w, now, i ? 2 * MS : 0, 100 * MS, 50);

		taken += offcpu_window__take(&w, i ? 2 * MS : 0, t, 0xffffffffu, &thresh);
		ASSERT_EQ_U64(thresh, OFFCPU_ABI_P_ONE);
	}
	ASSERT_EQ_U64(taken, 400);
}

TEST(test_offcpu_bpf__window_high_rate_keeps_the_budget)
{
	struct offcpu_window w = { 0 };
	u64 now = 1 * MS, seed = 88172645463325252ull, taken = 0, i;
	__u64 thresh;

	/* 200,000 switch-outs per second of 5 us expected blocks for 2 s, budget 50 per 100 ms */
	for (i = 0; i < 400000; i++, now += 5000) {
		u64 t = offcpu_window__step(&w, now, 5000, 100 * MS, 50);

		taken += offcpu_window__take(&w, 5000, t, rnd_next(&seed), &thresh);
	}
	/* 20 windows x 50, plus the first window's burst (at most 2 x 50 before T is set) */
	ASSERT(taken >= 800 && taken <= 1300);
}

TEST(test_offcpu_bpf__window_long_blocks_always_taken)
{
	struct offcpu_window w = { 0 };
	u64 now = 1 * MS, seed = 1, i;
	__u64 thresh = 0;
	int ok = 1;

	/* a busy window of short blocks sets T; a task expected to block 50 ms is still always taken */
	for (i = 0; i < 20000; i++, now += 10000) {
		u64 t = offcpu_window__step(&w, now, 10000, 100 * MS, 50);

		(void)offcpu_window__take(&w, 10000, t, rnd_next(&seed), &thresh);
	}
	ASSERT(w.t_ns > 10000);
	for (i = 0; i < 20000; i++, now += 10000) {
		u64 d = i % 500 ? 10000 : 50 * MS;	/* one task in 500 blocks long */
		u64 t = offcpu_window__step(&w, now, d, 100 * MS, 50);
		int took = offcpu_window__take(&w, d, t, rnd_next(&seed), &thresh);

		if (d > 10000)
			ok &= took && thresh == OFFCPU_ABI_P_ONE;
	}
	ASSERT(ok);
}

/*
 * The Horvitz-Thompson property on simulated streams: blocks of random
 * lengths (1 to 21 us, and one in 16 up to 2 ms), expected lengths from
 * each task's history, p from the window. One stream's sum of d / p over
 * ~1,200 sampled blocks is off by several percent (the long blocks weigh
 * most and are sampled at p ~ 0.003); the mean over 32 streams is within
 * 4 % of the truth, which a p applied wrongly would not be.
 */
static double simulate(u64 seed, unsigned *sampled)
{
	struct offcpu_window w = { 0 };
	u64 expect[8] = { 0 }, now = 1 * MS, i;
	__u64 thresh;
	double exact = 0, est = 0;

	for (i = 0; i < 300000; i++) {
		unsigned task = rnd_next(&seed) % 8;
		u32 r = rnd_next(&seed);
		u64 d = 1000 + (r % 16 == 0 ? (u64)(r % 2000) * 1000 : r % 20000);
		u64 t = offcpu_window__step(&w, now, expect[task], 100 * MS, 50);

		if (offcpu_window__take(&w, expect[task], t, rnd_next(&seed), &thresh)) {
			est += (double)d * (double)OFFCPU_ABI_P_ONE / (double)thresh;
			(*sampled)++;
		}
		exact += (double)d;
		expect[task] = offcpu_abi__expect(expect[task], d);
		now += 7000;
	}
	return est / exact;
}

TEST(test_offcpu_bpf__window_estimate_is_unbiased)
{
	unsigned sampled = 0, k;
	double sum = 0;

	for (k = 0; k < 32; k++)
		sum += simulate(7 + k * 7919, &sampled);
	ASSERT(sampled < 32 * 300000 / 100);
	ASSERT(sum / 32 > 0.96 && sum / 32 < 1.04);
}

TEST(test_offcpu_bpf__state_classes)
{
	ASSERT_EQ_U64(offcpu_abi__state(1, 1), OFFCPU_ABI_R);		/* preempted while going to sleep */
	ASSERT_EQ_U64(offcpu_abi__state(0, 0), OFFCPU_ABI_R);
	ASSERT_EQ_U64(offcpu_abi__state(0, 1), OFFCPU_ABI_S);		/* TASK_INTERRUPTIBLE */
	ASSERT_EQ_U64(offcpu_abi__state(0, 2), OFFCPU_ABI_D);		/* TASK_UNINTERRUPTIBLE */
	ASSERT_EQ_U64(offcpu_abi__state(0, 0x102), OFFCPU_ABI_D);	/* TASK_KILLABLE */
	ASSERT_EQ_U64(offcpu_abi__state(0, 0x402), OFFCPU_ABI_OTHER);	/* TASK_IDLE */
	ASSERT_EQ_U64(offcpu_abi__state(0, 0x1000), OFFCPU_ABI_D);	/* TASK_RTLOCK_WAIT */
	ASSERT_EQ_U64(offcpu_abi__state(0, 4), OFFCPU_ABI_OTHER);	/* __TASK_STOPPED */
	ASSERT_EQ_U64(OFFCPU_ABI_S, OFFCPU_STATE__S);
	ASSERT_EQ_U64(OFFCPU_ABI_D, OFFCPU_STATE__D);
	ASSERT_EQ_U64(OFFCPU_ABI_OTHER, OFFCPU_STATE__OTHER);
}

static struct offcpu_abi_out *make_out(u32 ustack_bytes)
{
	struct offcpu_abi_out *r = aligned_alloc(8, (sizeof(*r) + 7) & ~(size_t)7);
	u32 i;

	memset(r, 0, sizeof(*r));
	r->kind = OFFCPU_ABI__OUT;
	r->tid = 1235;
	r->pid = 1234;
	r->cpu = 1;
	r->time = 123456789;
	r->state = OFFCPU_ABI_D;
	r->flags = OFFCPU_ABI_F_USER;
	r->thresh = OFFCPU_ABI_P_ONE / 8;
	for (i = 0; i < OFFCPU_ABI_NREGS; i++)
		r->regs[i] = 0x1000 + i;
	r->kstack_bytes = 3 * 8;
	r->kstack[0] = 0xffffffff81000010ull;
	r->kstack[1] = 0xffffffff81000020ull;
	r->kstack[2] = 0xffffffff81000030ull;
	r->ustack_lead = 0x230;
	r->ustack_bytes = ustack_bytes;
	for (i = 0; i < ustack_bytes; i++)
		r->ustack[r->ustack_lead + i] = (u8)(i * 7);
	return r;
}

TEST(test_offcpu_bpf__out_record_decodes_as_a_sample)
{
	struct offcpu_abi_out *r = make_out(1000);
	u64 *buf = malloc(72 << 10);
	const struct perf_event_header *h = offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10);
	struct event ev;
	enum offcpu_state st;
	u64 thresh;
	unsigned i;

	ASSERT(h != NULL);
	ASSERT(event__decode(h, &ev) == 0);
	ASSERT(ev.kind == EVENT_KIND__SAMPLE);
	ASSERT_EQ_U64(ev.pid, 1234);
	ASSERT_EQ_U64(ev.tid, 1235);
	ASSERT_EQ_U64(ev.time, 123456789);
	ASSERT_EQ_U64(event__time(h), 123456789);
	ASSERT_EQ_U64(ev.sample.cpu, 1);
	ASSERT_EQ_U64(ev.sample.nr, 4);
	ASSERT_EQ_U64(ev.sample.ips[0], PERF_CONTEXT_KERNEL);
	ASSERT_EQ_U64(ev.sample.ips[3], 0xffffffff81000030ull);
	ASSERT_EQ_U64(ev.sample.abi, PERF_SAMPLE_REGS_ABI_64);
	for (i = 0; i < OFFCPU_ABI_NREGS; i++)
		ASSERT_EQ_U64(ev.sample.regs[i], 0x1000 + i);
	ASSERT_EQ_U64(ev.sample.dyn_size, 1000);
	ASSERT_EQ_U64(ev.sample.stack_size, 1000);
	ASSERT_EQ_U64(ev.sample.stack[0], 0);
	ASSERT_EQ_U64(ev.sample.stack[999], (u8)(999 * 7));
	ASSERT(offcpu_bpf__sample_info(&ev.sample, &st, &thresh));
	ASSERT(st == OFFCPU_STATE__D);
	ASSERT_EQ_U64(thresh, OFFCPU_ABI_P_ONE / 8);
	{
		struct offcpu_bpf_in in;

		ASSERT(!offcpu_bpf__switch_info(h, &in));
	}
	free(buf);
	free(r);
}

TEST(test_offcpu_bpf__long_user_stack_is_cut_to_a_record)
{
	struct offcpu_abi_out *r = make_out(64 << 10);
	u64 *buf = malloc(72 << 10);
	const struct perf_event_header *h = offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10);
	struct event ev;

	ASSERT(h != NULL);
	ASSERT(event__decode(h, &ev) == 0);
	ASSERT(ev.sample.dyn_size < (64u << 10) && ev.sample.dyn_size > (62u << 10));
	ASSERT_EQ_U64(ev.sample.stack[100], (u8)(100 * 7));
	free(buf);
	free(r);
}

TEST(test_offcpu_bpf__tracing_frames_are_skipped)
{
	struct offcpu_abi_out *r = make_out(0);
	u64 *buf = malloc(72 << 10);
	const struct perf_event_header *h;
	struct event ev;

	r->kstack_skip = 1;
	h = offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10);
	ASSERT(h != NULL);
	ASSERT(event__decode(h, &ev) == 0);
	ASSERT_EQ_U64(ev.sample.nr, 3);
	ASSERT_EQ_U64(ev.sample.ips[1], 0xffffffff81000020ull);
	free(buf);
	free(r);
}

TEST(test_offcpu_bpf__kernel_thread_has_no_user_part)
{
	struct offcpu_abi_out *r = make_out(0);
	u64 *buf = malloc(72 << 10);
	const struct perf_event_header *h;
	struct event ev;

	r->flags = 0;
	h = offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10);
	ASSERT(h != NULL);
	ASSERT(event__decode(h, &ev) == 0);
	ASSERT_EQ_U64(ev.sample.abi, 0);
	ASSERT_EQ_U64(ev.sample.stack_size, 0);
	ASSERT_EQ_U64(ev.sample.ip, 0xffffffff81000010ull);
	free(buf);
	free(r);
}

TEST(test_offcpu_bpf__in_record_is_a_switch_in)
{
	struct offcpu_abi_in r = { OFFCPU_ABI__IN, 77, 70, 0, 987654321, { 0, 5000000, 7, 0 } };
	u64 buf[64];
	const struct perf_event_header *h = offcpu_bpf__synth(&r, sizeof(r), buf, sizeof(buf));
	struct offcpu_bpf_in in;
	struct event ev;

	ASSERT(h != NULL);
	ASSERT(event__decode(h, &ev) == 0);
	ASSERT(ev.kind == EVENT_KIND__SWITCH);
	ASSERT(!ev.sw.out);
	ASSERT_EQ_U64(ev.tid, 77);
	ASSERT_EQ_U64(ev.pid, 70);
	ASSERT_EQ_U64(ev.time, 987654321);
	ASSERT_EQ_U64(event__time(h), 987654321);
	ASSERT(offcpu_bpf__switch_info(h, &in));
	ASSERT_EQ_U64(in.task_ns[1], 5000000);
	ASSERT_EQ_U64(in.task_ns[2], 7);
}

TEST(test_offcpu_bpf__malformed_records_are_refused)
{
	struct offcpu_abi_out *r = make_out(100);
	u64 *buf = malloc(72 << 10);
	u32 kind = 9;

	ASSERT(offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(0) - 8, buf, 72 << 10) == NULL);	/* short */
	/* the stack runs past the record's end */
	ASSERT(offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(0) + r->ustack_lead + 99, buf, 72 << 10) == NULL);
	ASSERT(offcpu_bpf__synth(r, OFFCPU_ABI_OUT_SIZE(0) + r->ustack_lead + 100, buf, 72 << 10) != NULL);
	ASSERT(offcpu_bpf__synth(&kind, sizeof(kind), buf, 72 << 10) == NULL);	/* unknown */
	r->kstack_bytes = 13;
	ASSERT(offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10) == NULL);
	r->kstack_bytes = 8 * (OFFCPU_ABI_KSTACK_MAX + 1);
	ASSERT(offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10) == NULL);
	r->kstack_bytes = 8;
	r->state = 7;
	ASSERT(offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10) == NULL);
	r->state = 1;
	r->ustack_bytes = OFFCPU_ABI_USTACK_MAX;
	ASSERT(offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10) == NULL);
	r->ustack_bytes = 100;
	r->kstack_skip = 2;	/* more than the 1 frame there is */
	ASSERT(offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10) == NULL);
	r->kstack_skip = 1;
	ASSERT(offcpu_bpf__synth(r, sizeof(*r), buf, 72 << 10) != NULL);
	free(buf);
	free(r);
}

/*
 * Sampled blocks in the state machine: weighted 1/p; each task's estimate
 * scaled to its exact time, then the state to the kernel's total.
 */
TEST(test_offcpu_bpf__weights_and_scale)
{
	struct profile *p = profile__new(1);
	struct offcpu_opts o = { .per_task = true };
	struct offcpu *oc = offcpu__new(&o);
	struct offcpu_abi_counters c = { 0 };
	struct offcpu_emit_opts eo = { .state_frame = true };
	struct profile *q = profile__new(1);
	const struct offcpu_total *t;
	double scale[OFFCPU_STATE__COUNT];
	size_t n;
	u32 a = stack_trie__child(&p->stacks, STACK_ROOT, profile__frame(p, "a", 1, FRAME_KIND__ROOT));
	u32 b = stack_trie__child(&p->stacks, STACK_ROOT, profile__frame(p, "b", 1, FRAME_KIND__ROOT));

	/* tid 1: 10 us at p = 1/4 -> 40 us; tid 2: 8.5 us at p = 1/4 -> 34 us */
	offcpu__switch_out_sampled(oc, 1, 1000, OFFCPU_STATE__S, a, OFFCPU_P_ONE / 4);
	offcpu__switch_in(oc, 1, 11000);
	offcpu__switch_out_sampled(oc, 2, 1000, OFFCPU_STATE__S, b, OFFCPU_P_ONE / 4);
	offcpu__switch_in(oc, 2, 9500);
	t = offcpu__totals(oc, &n);
	ASSERT_EQ_U64(n, 2);
	ASSERT_EQ_U64(t[0].ns, 40000);
	ASSERT_EQ_U64(t[0].tid, 1);
	ASSERT_EQ_U64(t[1].ns, 34000);
	ASSERT_EQ_U64(offcpu__task_ns(oc, 2, OFFCPU_STATE__S), 34000);
	ASSERT_EQ_U64(offcpu__stats(oc)->blocked_ns, 74000);
	/* the kernel: tid 1 blocked 60 us, tid 2 20 us; 100 us of S in all (20 us in tasks not reported) */
	offcpu__task_exact(oc, 1, OFFCPU_STATE__S, 60000);
	offcpu__task_exact(oc, 2, OFFCPU_STATE__S, 20000);
	ASSERT(offcpu__task_weight(oc, 1, OFFCPU_STATE__S) == 1.5);
	ASSERT(offcpu__task_weight(oc, 3, OFFCPU_STATE__S) == 1.0);
	c.ns[OFFCPU_ABI_S] = 100000;
	offcpu_bpf__scale(&c, t, n, offcpu__task_weight, oc, scale);
	ASSERT(scale[OFFCPU_STATE__S] > 1.2499 && scale[OFFCPU_STATE__S] < 1.2501);
	ASSERT(scale[OFFCPU_STATE__D] == 1.0);
	eo.scale = scale;
	eo.weight = offcpu__task_weight;
	eo.weight_ctx = oc;
	offcpu__emit(oc, p, q, 0, &eo);
	ASSERT_EQ_U64(profile__total(q, 0), 100000);	/* 75 us for a, 25 us for b */
	offcpu__free(oc);
	profile__free(q);
	profile__free(p);
}

TEST(test_offcpu_bpf__counters_sum_and_budget)
{
	struct offcpu_abi_counters per[3] = { { 0 } }, sum;
	struct offcpu_bpf_opts o = { 0 };

	per[0].blocks[1] = 2;
	per[1].blocks[1] = 3;
	per[2].ns[2] = 7;
	per[2].map_full = 1;
	offcpu_bpf__sum(per, 3, &sum);
	ASSERT_EQ_U64(sum.blocks[1], 5);
	ASSERT_EQ_U64(sum.ns[2], 7);
	ASSERT_EQ_U64(sum.map_full, 1);
	o.ncpus = 2;
	ASSERT_EQ_U64(offcpu_bpf__budget(&o), 50);	/* 1000/s over 2 CPUs, per 100 ms */
	o.max_rate = 1;
	ASSERT_EQ_U64(offcpu_bpf__budget(&o), 1);
}
