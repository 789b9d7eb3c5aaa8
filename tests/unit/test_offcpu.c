/*
 * test_offcpu.c - the off-CPU state machine on synthetic switch streams
 * whose truth is known to the nanosecond: blocked time per stack and state,
 * --min-block/--max-block, state filters, every drop counted (no stack,
 * never switched back in, lost records, double switch-out), the folded
 * output with state frames, and the hot/cold merge with "_[o]" frames.
 */
#include "../lib/test.h"
#include "formats/folded.h"
#include "record/offcpu.h"

#include <stdlib.h>

#define S_SLEEP 1	/* TASK_INTERRUPTIBLE */
#define S_DISK 2	/* TASK_UNINTERRUPTIBLE */
#define S_PREEMPT 0x100	/* runnable, preempted (TASK_REPORT_MAX) */

/* Stack "a;b;c" (a = root frame) in @p; returns its id. */
static u32 stack_of(struct profile *p, const char *folded)
{
	u32 node = STACK_ROOT;
	const char *s = folded;

	while (*s) {
		const char *e = strchr(s, ';');
		size_t len = e ? (size_t)(e - s) : strlen(s);
		size_t klen = len > 4 && !memcmp(s + len - 4, "_[k]", 4) ? len : 0;

		node = stack_trie__child(&p->stacks, node,
					 profile__frame(p, s, len, node == STACK_ROOT ? FRAME_KIND__ROOT
							: klen ? FRAME_KIND__KERNEL : FRAME_KIND__USER));
		s += len + (e != NULL);
	}
	return node;
}

static char *folded(const struct profile *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f || folded_write(f, p)) {
		if (f)
			fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

static const struct offcpu_total *find_total(struct offcpu *oc, u32 stack, enum offcpu_state st)
{
	size_t n, i;
	const struct offcpu_total *t = offcpu__totals(oc, &n);

	for (i = 0; i < n; i++)
		if (t[i].stack == stack && t[i].state == st)
			return &t[i];
	return NULL;
}

TEST(test_offcpu__blocked_time_per_stack_and_state)
{
	struct profile *p = profile__new(1);
	struct offcpu_opts o = { 0 };
	struct offcpu *oc = offcpu__new(&o);
	u32 sleep = stack_of(p, "app;main;do_sleep;schedule_[k]");
	u32 lock = stack_of(p, "app;main;worker;futex_wait_[k]");
	u32 disk = stack_of(p, "app;main;load;io_schedule_[k]");
	const struct offcpu_stats *st;

	/* tid 10: sleeps 3 x 1 ms; tid 11: waits 250 us on a lock, twice; tid 12: 7 ms of disk */
	offcpu__switch_out(oc, 10, 1000000, S_SLEEP, sleep);
	offcpu__switch_out(oc, 11, 1100000, S_SLEEP, lock);
	offcpu__switch_out(oc, 12, 1200000, S_DISK, disk);
	offcpu__switch_in(oc, 11, 1350000);
	offcpu__switch_in(oc, 10, 2000000);
	offcpu__switch_out(oc, 10, 2500000, S_SLEEP, sleep);
	offcpu__switch_out(oc, 11, 2600000, S_SLEEP, lock);
	offcpu__switch_in(oc, 11, 2850000);
	offcpu__switch_in(oc, 10, 3500000);
	offcpu__switch_out(oc, 10, 4000000, S_SLEEP, sleep);
	offcpu__switch_in(oc, 10, 5000000);
	offcpu__switch_in(oc, 12, 8200000);
	offcpu__finish(oc);
	ASSERT(find_total(oc, sleep, OFFCPU_STATE__S) != NULL);
	ASSERT_EQ_U64(find_total(oc, sleep, OFFCPU_STATE__S)->ns, 3000000);
	ASSERT_EQ_U64(find_total(oc, sleep, OFFCPU_STATE__S)->blocks, 3);
	ASSERT_EQ_U64(find_total(oc, lock, OFFCPU_STATE__S)->ns, 500000);
	ASSERT_EQ_U64(find_total(oc, disk, OFFCPU_STATE__D)->ns, 7000000);
	st = offcpu__stats(oc);
	ASSERT_EQ_U64(st->blocks, 6);
	ASSERT_EQ_U64(st->blocked_ns, 10500000);
	ASSERT_EQ_U64(st->switches_out, 6);
	ASSERT_EQ_U64(st->switches_in, 6);
	ASSERT_EQ_U64(st->never_in + st->no_stack + st->lost_pending + st->double_out, 0);
	offcpu__free(oc);
	profile__free(p);
}

TEST(test_offcpu__preempted_is_not_blocked_unless_asked)
{
	struct profile *p = profile__new(1);
	struct offcpu_opts o = { 0 };
	struct offcpu *oc = offcpu__new(&o);
	u32 spin = stack_of(p, "app;main;spin");

	ASSERT(offcpu__state(S_PREEMPT) == OFFCPU_STATE__R);
	ASSERT(offcpu__state(0) == OFFCPU_STATE__R);
	ASSERT(offcpu__state(S_SLEEP) == OFFCPU_STATE__S);
	ASSERT(offcpu__state(S_DISK) == OFFCPU_STATE__D);
	ASSERT(offcpu__state(0x80) == OFFCPU_STATE__OTHER);	/* idle kernel thread */
	offcpu__switch_out(oc, 5, 100, S_PREEMPT, spin);
	offcpu__switch_in(oc, 5, 600);
	ASSERT_EQ_U64(offcpu__stats(oc)->blocks, 0);
	ASSERT_EQ_U64(offcpu__stats(oc)->state_filtered, 1);
	ASSERT_EQ_U64(offcpu__stats(oc)->state_filtered_ns, 500);
	offcpu__free(oc);

	o.states = OFFCPU_STATES_ALL;
	oc = offcpu__new(&o);
	offcpu__switch_out(oc, 5, 100, S_PREEMPT, spin);
	offcpu__switch_in(oc, 5, 600);
	ASSERT_EQ_U64(find_total(oc, spin, OFFCPU_STATE__R)->ns, 500);
	offcpu__free(oc);

	o.states = OFFCPU_STATE_BIT(OFFCPU_STATE__D);	/* --state D */
	oc = offcpu__new(&o);
	offcpu__switch_out(oc, 5, 100, S_SLEEP, spin);
	offcpu__switch_in(oc, 5, 600);
	offcpu__switch_out(oc, 5, 1000, S_DISK, spin);
	offcpu__switch_in(oc, 5, 1700);
	ASSERT_EQ_U64(offcpu__stats(oc)->blocked_ns, 700);
	ASSERT_EQ_U64(offcpu__stats(oc)->state_filtered_ns, 500);
	offcpu__free(oc);
	profile__free(p);
}

TEST(test_offcpu__min_and_max_block)
{
	struct profile *p = profile__new(1);
	struct offcpu_opts o = { .min_block_ns = 1000, .max_block_ns = 1000000 };
	struct offcpu *oc = offcpu__new(&o);
	u32 s = stack_of(p, "app;main;wait");
	const struct offcpu_stats *st;

	offcpu__switch_out(oc, 7, 0, S_SLEEP, s);
	offcpu__switch_in(oc, 7, 999);		/* too short */
	offcpu__switch_out(oc, 7, 2000, S_SLEEP, s);
	offcpu__switch_in(oc, 7, 3000);		/* exactly min: kept */
	offcpu__switch_out(oc, 7, 5000, S_SLEEP, s);
	offcpu__switch_in(oc, 7, 1005000);	/* exactly max: kept */
	offcpu__switch_out(oc, 7, 2000000, S_SLEEP, s);
	offcpu__switch_in(oc, 7, 3000001);	/* too long */
	st = offcpu__stats(oc);
	ASSERT_EQ_U64(st->blocks, 2);
	ASSERT_EQ_U64(st->blocked_ns, 1001000);
	ASSERT_EQ_U64(st->too_short, 1);
	ASSERT_EQ_U64(st->too_short_ns, 999);
	ASSERT_EQ_U64(st->too_long, 1);
	ASSERT_EQ_U64(st->too_long_ns, 1000001);
	offcpu__free(oc);
	profile__free(p);
}

TEST(test_offcpu__drops_are_counted)
{
	struct profile *p = profile__new(1);
	struct offcpu_opts o = { 0 };
	struct offcpu *oc = offcpu__new(&o);
	u32 s = stack_of(p, "app;main;wait");
	const struct offcpu_stats *st;

	offcpu__switch_in(oc, 3, 50);			/* never seen leaving */
	offcpu__switch_out(oc, 3, 100, S_SLEEP, OFFCPU_NO_STACK);
	offcpu__switch_in(oc, 3, 400);			/* no stack: 300 ns counted, not attributed */
	offcpu__switch_out(oc, 3, 500, S_SLEEP, s);
	offcpu__switch_out(oc, 3, 900, S_SLEEP, s);	/* the switch-in between was lost */
	offcpu__switch_in(oc, 3, 1000);			/* 100 ns, from the second out */
	offcpu__switch_out(oc, 4, 1000, S_SLEEP, s);
	offcpu__switch_out(oc, 5, 1000, S_SLEEP, s);
	offcpu__lost(oc, 17);				/* tid 4 and 5's switch-ins may be gone */
	offcpu__switch_in(oc, 4, 9000000);		/* must not count 9 ms */
	offcpu__switch_out(oc, 6, 2000, S_SLEEP, s);
	offcpu__switch_out(oc, 0, 2000, S_SLEEP, s);	/* idle: ignored */
	offcpu__switch_in(oc, 0, 3000);
	offcpu__switch_out(oc, 8, 5000, S_SLEEP, s);
	offcpu__switch_in(oc, 8, 4000);			/* out of order */
	offcpu__finish(oc);				/* tid 6 never came back */
	st = offcpu__stats(oc);
	ASSERT_EQ_U64(st->blocks, 1);
	ASSERT_EQ_U64(st->blocked_ns, 100);
	ASSERT_EQ_U64(st->no_stack, 1);
	ASSERT_EQ_U64(st->no_stack_ns, 300);
	ASSERT_EQ_U64(st->double_out, 1);
	ASSERT_EQ_U64(st->lost_records, 17);
	ASSERT_EQ_U64(st->lost_pending, 2);
	ASSERT_EQ_U64(st->in_without_out, 2);		/* tid 3 at 50, tid 4 after the loss */
	ASSERT_EQ_U64(st->never_in, 1);
	ASSERT_EQ_U64(st->time_backwards, 1);
	ASSERT_EQ_U64(st->switches_out, 7);
	offcpu__free(oc);
	profile__free(p);
}

TEST(test_offcpu__many_threads_and_stacks_grow_tables)
{
	struct profile *p = profile__new(1);
	struct offcpu_opts o = { 0 };
	struct offcpu *oc = offcpu__new(&o);
	u32 stacks[300];
	u64 want = 0;
	char name[64];
	u32 tid;
	size_t i, n;

	for (i = 0; i < ARRAY_SIZE(stacks); i++) {
		snprintf(name, sizeof(name), "app;main;f%zu", i);
		stacks[i] = stack_of(p, name);
	}
	for (tid = 1; tid <= 5000; tid++)
		offcpu__switch_out(oc, tid, tid, S_SLEEP, stacks[tid % 300]);
	for (tid = 1; tid <= 5000; tid++) {
		offcpu__switch_in(oc, tid, 10000 + 2 * (u64)tid);
		want += 10000 + (u64)tid;
	}
	ASSERT_EQ_U64(offcpu__stats(oc)->blocked_ns, want);
	offcpu__totals(oc, &n);
	ASSERT_EQ_U64(n, 300);
	for (want = 0, tid = 300; tid <= 5000; tid += 300)
		want += 10000 + tid;
	ASSERT_EQ_U64(find_total(oc, stacks[0], OFFCPU_STATE__S)->ns, want);
	offcpu__free(oc);
	profile__free(p);
}

TEST(test_offcpu__folded_output_with_state_frames)
{
	struct profile *p = profile__new(1), *out = profile__new(1);
	struct offcpu_opts o = { .states = OFFCPU_STATES_BLOCKED };
	struct offcpu *oc = offcpu__new(&o);
	struct offcpu_emit_opts eo = { .state_frame = true };
	u32 a = stack_of(p, "app;main;read;schedule_[k]");
	char *text;

	offcpu__switch_out(oc, 2, 0, S_SLEEP, a);
	offcpu__switch_in(oc, 2, 1500);
	offcpu__switch_out(oc, 2, 2000, S_DISK, a);
	offcpu__switch_in(oc, 2, 2250);
	offcpu__emit(oc, p, out, 0, &eo);
	text = folded(out);
	ASSERT(text);
	ASSERT_STREQ(text, "app;[D];main;read;schedule_[k] 250\n"
			   "app;[S];main;read;schedule_[k] 1500\n");
	free(text);
	profile__free(out);

	out = profile__new(1);
	eo.state_frame = false;
	offcpu__emit(oc, p, out, 0, &eo);
	text = folded(out);
	ASSERT_STREQ(text, "app;main;read;schedule_[k] 1750\n");
	free(text);
	profile__free(out);
	offcpu__free(oc);
	profile__free(p);
}

TEST(test_offcpu__hot_cold_merge_in_ns)
{
	struct profile *offsrc = profile__new(1), *out = profile__new(1);
	struct offcpu_opts o = { 0 };
	struct offcpu *oc = offcpu__new(&o);
	struct offcpu_emit_opts eo = { .state_frame = true, .suffix = OFFCPU_SUFFIX };
	u32 w = stack_of(offsrc, "app;main;wait;schedule_[k]");
	char *text;

	/* 99 Hz: 30 samples of spin = 30 x 10101010 ns (tid 8: no switches, periods stand); one 40 ms block */
	u32 spin = stack_of(offsrc, "app;main;spin"), mc = stack_of(offsrc, "app;main;spin;memcpy");
	int i;

	for (i = 0; i < 30; i++)
		offcpu__oncpu_sample(oc, 8, spin, 1000000000ull / 99);
	offcpu__oncpu_sample(oc, 8, mc, 1000000000ull / 99);
	offcpu__oncpu_sample(oc, 8, mc, 1000000000ull / 99);
	offcpu__switch_out(oc, 9, 1000, S_SLEEP, w);
	offcpu__switch_in(oc, 9, 40001000);
	offcpu__emit_oncpu(oc, offsrc, out, 0);
	offcpu__emit(oc, offsrc, out, 0, &eo);
	text = folded(out);
	ASSERT(text);
	ASSERT_STREQ(text, "app;[S]_[o];main_[o];wait_[o];schedule_[k]_[o] 40000000\n"
			   "app;main;spin 303030300\n"
			   "app;main;spin;memcpy 20202020\n");
	ASSERT_EQ_U64(profile__total(out, 0), 40000000ull + 32 * 10101010ull);
	ASSERT(stack_trie__check(&out->stacks) == 0);
	free(text);
	offcpu__free(oc);
	profile__free(offsrc);
	profile__free(out);
}

TEST(test_offcpu__kernel_filter_for_blocked_states)
{
	char f[64];
	struct offcpu_opts o = { .kernel_filtered = true };
	struct offcpu *oc = offcpu__new(&o);

	ASSERT(offcpu__kernel_filter(OFFCPU_STATES_BLOCKED, f, sizeof(f)));
	ASSERT_STREQ(f, "prev_state & 3");
	ASSERT(offcpu__kernel_filter(OFFCPU_STATE_BIT(OFFCPU_STATE__S), f, sizeof(f)));
	ASSERT_STREQ(f, "prev_state & 1");
	ASSERT(!offcpu__kernel_filter(OFFCPU_STATES_ALL, f, sizeof(f)));
	ASSERT(!offcpu__kernel_filter(OFFCPU_STATE_BIT(OFFCPU_STATE__D), f, sizeof(f)));
	offcpu__switch_in(oc, 4, 100);	/* after a filtered preemption: not unmatched */
	ASSERT_EQ_U64(offcpu__stats(oc)->in_without_out, 0);
	offcpu__free(oc);
}

TEST(test_offcpu__parse_options)
{
	u64 ns = 0;
	unsigned m = 0;

	ASSERT(offcpu__parse_duration("500us", &ns) == 0 && ns == 500000);
	ASSERT(offcpu__parse_duration("2ms", &ns) == 0 && ns == 2000000);
	ASSERT(offcpu__parse_duration("1.5s", &ns) == 0 && ns == 1500000000);
	ASSERT(offcpu__parse_duration("100ns", &ns) == 0 && ns == 100);
	ASSERT(offcpu__parse_duration("250", &ns) == 0 && ns == 250000);	/* bare = us */
	ASSERT(offcpu__parse_duration("-1ms", &ns) == -EM_E_USAGE);
	ASSERT(offcpu__parse_duration("1h", &ns) == -EM_E_USAGE);
	ASSERT(offcpu__parse_duration("", &ns) == -EM_E_USAGE);
	ASSERT(offcpu__parse_duration("1e30s", &ns) == -EM_E_USAGE);
	ASSERT(offcpu__parse_states("D", &m) == 0 && m == OFFCPU_STATE_BIT(OFFCPU_STATE__D));
	ASSERT(offcpu__parse_states("s,d", &m) == 0 && m == OFFCPU_STATES_BLOCKED);
	ASSERT(offcpu__parse_states("all", &m) == 0 && m == OFFCPU_STATES_ALL);
	ASSERT(offcpu__parse_states("SX", &m) == -EM_E_USAGE);
	ASSERT(offcpu__parse_states(",", &m) == -EM_E_USAGE);
}

TEST(test_offcpu__oncpu_samples_scaled_by_measured_time)
{
	struct profile *src = profile__new(1), *out = profile__new(1);
	struct offcpu_opts o = { 0 };
	struct offcpu *oc = offcpu__new(&o);
	u32 spin = stack_of(src, "app;main;spin"), other = stack_of(src, "app;main;other");
	u32 three = stack_of(src, "app;main;three"), w = stack_of(src, "app;main;wait;schedule_[k]");
	char *text;
	int i;

	/* tid 1 runs 0..20000, 25000..26000, 27000..27000 (21000 ns); its 31 samples claim 31500 */
	offcpu__switch_in(oc, 1, 0);
	for (i = 0; i < 30; i++)
		offcpu__oncpu_sample(oc, 1, i < 20 ? spin : other, 1000);
	offcpu__switch_out(oc, 1, 19990, S_PREEMPT, spin);	/* the tracepoint, just before */
	offcpu__run_end(oc, 1, 20000);				/* the switch record */
	offcpu__switch_in(oc, 1, 25000);
	offcpu__oncpu_sample(oc, 1, spin, 1500);
	offcpu__run_end(oc, 1, 26000);	/* preempted, the tracepoint filtered in the kernel */
	offcpu__switch_in(oc, 1, 27000);
	offcpu__switch_out(oc, 1, 27000, S_SLEEP, w);
	offcpu__run_end(oc, 1, 27000);
	offcpu__switch_in(oc, 1, 30000);
	/* tid 2 never seen switching, tid 3 with 2 samples only: their periods stand */
	offcpu__oncpu_sample(oc, 2, other, 700);
	offcpu__switch_in(oc, 3, 0);
	offcpu__oncpu_sample(oc, 3, three, 1000);
	offcpu__oncpu_sample(oc, 3, three, 1000);
	offcpu__run_end(oc, 3, 100);
	offcpu__finish(oc);
	ASSERT_EQ_U64(offcpu__stats(oc)->oncpu_samples, 34);
	ASSERT_EQ_U64(offcpu__stats(oc)->oncpu_measured_ns, 21100);
	ASSERT_EQ_U64(offcpu__stats(oc)->oncpu_sampled_ns, 33500);
	offcpu__emit_oncpu(oc, src, out, 0);
	text = folded(out);
	ASSERT(text);
	/* spin: 21500 x 2/3, other: 10000 x 2/3 + 700 */
	ASSERT_STREQ(text, "app;main;other 7367\napp;main;spin 14333\napp;main;three 2000\n");
	ASSERT_EQ_U64(offcpu__stats(oc)->blocked_ns, 3000);	/* the sleep, 27000..30000 */
	ASSERT_EQ_U64(offcpu__stats(oc)->in_without_out, 3);	/* tid 1 and 3 at the start, tid 1 after the preemption */
	free(text);
	offcpu__free(oc);
	profile__free(src);
	profile__free(out);
}
