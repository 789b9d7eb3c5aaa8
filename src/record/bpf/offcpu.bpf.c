// SPDX-License-Identifier: GPL-2.0
/*
 * offcpu.bpf.c - off-CPU accounting in the kernel for `ember record
 * --off-cpu`. On every context switch the task leaving (if tracked) is
 * stamped with the time and its state, and the task coming back has its
 * blocked time added to exact per-CPU totals. Some switch-outs
 * (offcpu_abi.h: offcpu_window) also send the task's user registers,
 * kernel stack and a copy of its user stack to ember through a ring buffer,
 * and an IN record when it runs again; ember unwinds those and weights
 * them by 1/p. Side-band (mmaps, comms) comes from perf; this program owns
 * none of it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "record/bpf/offcpu_abi.h"
#include "record/bpf/ustack.bpf.h"

char LICENSE[] SEC("license") = "GPL";

#define PF_KTHREAD 0x00200000
#define TASK_DEAD 0x80

/*
 * With more than one probe on sched_switch (another tracer), the
 * tracepoint calls its probes through this iterator: one more frame above
 * __schedule. Resolved from /proc/kallsyms by libbpf; 0 when absent.
 */
extern const void __traceiter_sched_switch __ksym __weak;

/* Set by ember before loading (read-only: the verifier prunes on them). */
const volatile int filter_tgids = 1;	/* 0 = every task (-a) */
const volatile __u32 states_kept = (1u << OFFCPU_ABI_S) | (1u << OFFCPU_ABI_D);
const volatile __u64 min_block_ns = 0;
const volatile __u64 max_block_ns = 0;	/* 0 = no limit */
const volatile __u32 stack_size = 32768;	/* user stack bytes wanted past sp */
const volatile __u32 ustack_pages = 9;		/* pages copied at most: stack_size's, plus sp's own */
const volatile __u64 window_ns = 100000000;
const volatile __u64 budget = 50;		/* stacks per window per CPU */

/* tgid -> 1 tracked, 2 tracked from its next exec (a command held before exec) */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u8);
} tgids SEC(".maps");

struct start {
	__u64 time;		/* switch-out; 0 = not blocked */
	__u64 expect;		/* expected block length: mean of recent blocks (offcpu_abi__expect) */
	__u64 task_ns[OFFCPU_ABI_NSTATES];	/* exact blocked time of this task, per state */
	__u32 state;		/* of the block in progress */
	__u8 tracked;		/* 1 tracked, 0 not (decided once per task, see task_start) */
	__u8 sampled;		/* an OUT record was sent: send an IN record */
	__u8 pad[2];
};

/*
 * Per thread, by tid. An LRU hash: as cheap here as task storage (78-84 ns
 * a program run either way, bpf_stats, ping-pong), and unlike task storage
 * always there: task storage refuses access on a CPU where a task freeing
 * its own was preempted, and the switch-ins it then missed were lost.
 * Entries go when their thread exits (on_exit); LRU only past 65,536 threads.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct start);
} starts SEC(".maps");

static __always_inline struct start *start_get(struct task_struct *t)
{
	__u32 tid = t->pid;

	return bpf_map_lookup_elem(&starts, &tid);
}

/* @t's entry, a zeroed one when it has none; NULL when it cannot be made. */
static __always_inline struct start *start_create(struct task_struct *t)
{
	__u32 tid = t->pid;
	struct start z = {}, *st = bpf_map_lookup_elem(&starts, &tid);

	if (st)
		return st;
	bpf_map_update_elem(&starts, &tid, &z, BPF_NOEXIST);
	return bpf_map_lookup_elem(&starts, &tid);
}

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct offcpu_abi_cpu);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 32 << 20);
} events SEC(".maps");

/* @t's storage, created on first sight with its tgid's tracking. */
static __always_inline struct start *task_start(struct offcpu_abi_cpu *cs, struct task_struct *t)
{
	struct start *st = start_get(t);
	__u32 tgid;
	__u8 *v;

	if (st)
		return st;
	st = start_create(t);
	if (!st) {
		cs->c.map_full++;
		return 0;
	}
	if (!filter_tgids) {
		st->tracked = 1;
	} else {
		tgid = t->tgid;
		v = bpf_map_lookup_elem(&tgids, &tgid);
		st->tracked = v && *v == 1;
	}
	return st;
}

/* Registers, kernel stack and user stack of @prev (the current task) into a ring record. */
static __always_inline void send_out(void *ctx, struct offcpu_abi_cpu *cs, struct task_struct *prev, __u64 now,
				     __u32 state, __u64 thresh, struct start *st)
{
	/* only the pages this recording copies: half the ring space of a 64 KiB record at 32K */
	struct offcpu_abi_out *r = bpf_ringbuf_reserve(&events, OFFCPU_ABI_OUT_SIZE(ustack_pages), 0);
	long n;

	if (!r) {
		cs->c.rb_full++;
		return;
	}
	r->kind = OFFCPU_ABI__OUT;
	r->tid = prev->pid;
	r->pid = prev->tgid;
	r->cpu = bpf_get_smp_processor_id();
	r->time = now;
	r->state = state;
	r->flags = 0;
	r->thresh = thresh;
	r->ustack_bytes = 0;
	r->ustack_lead = 0;
	r->kstack_skip = 0;
	/*
	 * The kernel stack from __schedule on: the first two frames are this
	 * program and bpf_trace_run4 (the tracepoint's BPF runner; seen on
	 * 6.18), which the perf path's stacks do not have; then maybe the
	 * tracepoint's iterator (a short function).
	 */
	n = bpf_get_stack(ctx, r->kstack, sizeof(r->kstack), 2 & BPF_F_SKIP_FIELD_MASK);
	r->kstack_bytes = n > 0 ? (__u32)n : 0;
	if (n >= 16 && &__traceiter_sched_switch &&
	    r->kstack[0] - (__u64)&__traceiter_sched_switch < 512)
		r->kstack_skip = 1;
	if (!(prev->flags & PF_KTHREAD)) {
		struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(prev);

		r->flags = OFFCPU_ABI_F_USER;
		r->regs[0] = regs->ax;
		r->regs[1] = regs->bx;
		r->regs[2] = regs->cx;
		r->regs[3] = regs->dx;
		r->regs[4] = regs->si;
		r->regs[5] = regs->di;
		r->regs[6] = regs->bp;
		r->regs[7] = regs->sp;
		r->regs[8] = regs->ip;
		r->regs[9] = regs->r8;
		r->regs[10] = regs->r9;
		r->regs[11] = regs->r10;
		r->regs[12] = regs->r11;
		r->regs[13] = regs->r12;
		r->regs[14] = regs->r13;
		r->regs[15] = regs->r14;
		r->regs[16] = regs->r15;
		/* prev is current here: its memory is what bpf_probe_read_user reads */
		if (!ustack__copy(r, r->regs[7], (__u32)(r->regs[7] & (OFFCPU_ABI_PAGE - 1)) + stack_size,
				  ustack_pages))
			cs->c.ustack_empty++;
	}
	/* no wakeup: ember polls every 50 ms, and a wakeup per record would cost a switch */
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	cs->c.sampled++;
	st->sampled = 1;
}

static __always_inline void switch_out(void *ctx, struct offcpu_abi_cpu *cs, struct task_struct *prev,
				       struct task_struct *next, __u64 now, bool preempt, unsigned int prev_state)
{
	__u32 state = offcpu_abi__state(preempt, prev_state);
	struct start *st;
	__u64 thresh, t;

	if (prev_state & TASK_DEAD)
		return;		/* its last switch: no entry for it again (on_exit deleted it) */
	st = task_start(cs, prev);
	if (!st || !st->tracked)
		return;
	cs->c.switches_out++;
	/* still marked: its switch-in went unseen (its entry was evicted); missing from the totals too */
	if (st->sampled)
		cs->c.missed_in++;
	st->time = now;
	st->state = state;
	st->sampled = 0;
	if (!(states_kept & (1u << state)))
		return;		/* timed for the "filtered by state" count only */
	t = offcpu_window__step(&cs->w, now, st->expect, window_ns, budget);
	if (offcpu_window__take(&cs->w, st->expect, t, st->expect && st->expect < t ? bpf_get_prandom_u32() : 0,
				&thresh))
		send_out(ctx, cs, prev, now, state, thresh, st);
}

/* @next's sampled block ended: an IN record with the task's exact totals. */
static __always_inline void send_in(struct offcpu_abi_cpu *cs, struct task_struct *next, __u64 now,
				    struct start *st)
{
	struct offcpu_abi_in *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (!r) {
		cs->c.rb_full_in++;
		return;
	}
	r->kind = OFFCPU_ABI__IN;
	r->tid = next->pid;
	r->pid = next->tgid;
	r->cpu = bpf_get_smp_processor_id();
	r->time = now;		/* the clock reading the exact totals used */
	r->task_ns[0] = st->task_ns[0];
	r->task_ns[1] = st->task_ns[1];
	r->task_ns[2] = st->task_ns[2];
	r->task_ns[3] = st->task_ns[3];
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
}

static __always_inline void switch_in(struct offcpu_abi_cpu *cs, struct task_struct *next, __u64 now)
{
	struct start *st = start_get(next);
	__u64 d, t0;
	__u32 s;

	if (!st || !st->time)
		return;
	t0 = st->time;
	d = now - t0;
	s = st->state;
	st->time = 0;
	if (s >= OFFCPU_ABI_NSTATES)
		return;
	if (!(states_kept & (1u << s))) {
		cs->c.state_filtered++;
		cs->c.state_filtered_ns += d;
	} else {
		st->expect = offcpu_abi__expect(st->expect, d);
		if (d < min_block_ns) {
			cs->c.too_short++;
			cs->c.too_short_ns += d;
		} else if (max_block_ns && d > max_block_ns) {
			cs->c.too_long++;
			cs->c.too_long_ns += d;
		} else {
			cs->c.blocks[s]++;
			cs->c.ns[s] += d;
			st->task_ns[s & (OFFCPU_ABI_NSTATES - 1)] += d;
		}
	}
	if (st->sampled) {
		st->sampled = 0;
		send_in(cs, next, now, st);
	}
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state)
{
	__u32 zero = 0;
	struct offcpu_abi_cpu *cs = bpf_map_lookup_elem(&cpus, &zero);
	__u64 now;

	if (!cs)
		return 0;
	now = bpf_ktime_get_ns();
	if (prev->pid)
		switch_out(ctx, cs, prev, next, now, preempt, prev_state);
	if (next->pid)
		switch_in(cs, next, now);
	return 0;
}

/* Threads and children of tracked processes are tracked (perf's inherit, on the perf path). */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 ptgid = parent->tgid, ctgid = child->tgid;
	struct start *ps, *cst;
	__u8 one = 1;

	if (!filter_tgids)
		return 0;
	ps = start_get(parent);
	if (!ps || !ps->tracked) {
		__u8 *v = bpf_map_lookup_elem(&tgids, &ptgid);

		if (!v || *v != 1)
			return 0;
	}
	cst = start_create(child);
	if (cst)
		cst->tracked = 1;
	if (ptgid != ctgid)
		bpf_map_update_elem(&tgids, &ctgid, &one, BPF_ANY);
	return 0;
}

/* A thread's entry goes with it (a later thread with its tid starts afresh). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	__u32 tid = p->pid;

	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

/* A command is tracked from its exec on, as perf's enable_on_exec does. */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u32 tgid = p->tgid;
	struct start *st;
	__u8 *v;

	if (!filter_tgids)
		return 0;
	v = bpf_map_lookup_elem(&tgids, &tgid);
	if (!v || *v != 2)
		return 0;
	*v = 1;
	st = start_create(p);
	if (st)
		st->tracked = 1;
	return 0;
}
