// SPDX-License-Identifier: GPL-2.0
/*
 * oncpu.bpf.c - the cpu-clock sample of `ember record`, taken in the kernel.
 * Attached to the sampling perf events (PERF_EVENT_IOC_SET_BPF; inherited
 * with them by the command's threads and children), it runs on each sample
 * and replaces perf's: the same user registers and kernel call chain, and
 * a copy of the user stack, but only as much of the stack as the thread
 * uses. perf copies a fixed --stack-size (32 KiB) per sample whatever the
 * depth: ring space, and memory the kernel writes and ember reads (the
 * program's own cost is mostly the timer interrupt, either way: see
 * docs/BENCHMARKS.md). ember tells this program each thread's stack
 * top (the outermost frame's stack pointer of a complete unwind, map
 * `tops`); from then on a sample copies from sp to that top, in whole
 * pages. Without a known top, or with sp outside [top - stack_size, top),
 * the full stack_size is copied, and ember learns again (a sample cut short
 * by a stale top makes ember forget it). Returns 0: perf writes nothing.
 */
/*
 * The UAPI headers, not vmlinux.h: no CO-RE relocation, so libbpf need not
 * load and parse the kernel's BTF (~20 ms of every `ember record` start).
 * x86-64's pt_regs is ABI (the ptrace layout).
 */
#include <stdbool.h>
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>
#include "record/bpf/oncpu_abi.h"
#include "record/bpf/ustack.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by ember before loading. */
const volatile __u32 stack_size = 32768;	/* user stack bytes wanted past sp at most */
const volatile __u32 ustack_pages = 9;		/* pages copied at most: stack_size's, plus sp's own */
const volatile __u64 wake_bytes = 8 << 20;	/* wake ember when this much waits in the ring */

/* tid -> the thread's stack top, learned by ember */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
} tops SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct oncpu_abi_counters);
} cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 32 << 20);	/* ember sizes it by the CPU count */
} samples SEC(".maps");

/*
 * The sample into a record with room for @pages pages of user stack (a
 * constant at each call: the verifier checks each copy against it).
 */
static __always_inline void emit(struct bpf_perf_event_data *ctx, struct oncpu_abi_counters *cs,
				 const __u64 *regs, bool learned, __u32 want, const __u32 pages)
{
	struct offcpu_abi_out *r = bpf_ringbuf_reserve(&samples, OFFCPU_ABI_OUT_SIZE(pages), 0);
	__u64 id = bpf_get_current_pid_tgid();
	long n;

	if (!r) {
		cs->rb_full++;
		return;
	}
	r->kind = ONCPU_ABI__SAMPLE;
	r->tid = (__u32)id;
	r->pid = id >> 32;
	r->cpu = bpf_get_smp_processor_id();
	r->time = bpf_ktime_get_ns();	/* CLOCK_MONOTONIC, the perf events' clock */
	r->state = 0;
	r->flags = 0;
	r->thresh = ctx->sample_period;	/* the period, for the synthesized sample */
	r->ustack_bytes = 0;
	r->ustack_lead = 0;
	r->kstack_skip = 0;
	/* the kernel call chain from the interrupted registers: none when it hit user mode */
	n = bpf_get_stack(ctx, r->kstack, sizeof(r->kstack), 0);
	r->kstack_bytes = n > 0 ? (__u32)n : 0;
	if (regs) {
		r->flags = OFFCPU_ABI_F_USER;
		__builtin_memcpy(r->regs, regs, sizeof(r->regs));
		if (ustack__copy(r, regs[7], want, pages))
			cs->ustack_bytes += r->ustack_bytes;
		else
			cs->ustack_empty++;
		cs->learned += learned;
	}
	if (bpf_ringbuf_query(&samples, BPF_RB_AVAIL_DATA) >= wake_bytes)
		bpf_ringbuf_submit(r, BPF_RB_FORCE_WAKEUP);
	else
		bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);	/* ember also polls every 50 ms */
}

/*
 * perf's x86-64 user register order (PERF_EVENT_REGS_MASK): AX..IP, R8..R15.
 * @F(field, index) reads one: the two callers read through different pointer
 * kinds (the context; pt_regs), which the verifier wants in distinct code.
 */
#define FOR_EACH_REG(F)                                                                \
	F(rax, 0) F(rbx, 1) F(rcx, 2) F(rdx, 3) F(rsi, 4) F(rdi, 5) F(rbp, 6) F(rsp, 7) \
	F(rip, 8) F(r8, 9) F(r9, 10) F(r10, 11) F(r11, 12) F(r12, 13) F(r13, 14)         \
	F(r14, 15) F(r15, 16)

static __always_inline void regs_of_ctx(struct bpf_perf_event_data *ctx, __u64 *out)
{
#define FROM_CTX(f, i) out[i] = ctx->regs.f;
	FOR_EACH_REG(FROM_CTX)
#undef FROM_CTX
}

static __always_inline void regs_of_task(struct pt_regs *p, __u64 *out)
{
#define FROM_TASK(f, i) bpf_probe_read_kernel(&out[i], 8, &p->f);
	FOR_EACH_REG(FROM_TASK)
#undef FROM_TASK
}

SEC("perf_event")
int on_sample(struct bpf_perf_event_data *ctx)
{
	__u32 zero = 0, tid = (__u32)bpf_get_current_pid_tgid();
	struct oncpu_abi_counters *cs = bpf_map_lookup_elem(&cpus, &zero);
	__u64 uregs[OFFCPU_ABI_NREGS], *regs = 0;
	__u32 want = 0, npages;
	bool learned = false;

	if (!cs)
		return 0;
	cs->samples++;
	/*
	 * User mode (an IP in the lower half; the context allows only 8-byte
	 * reads, not of cs): the interrupted registers. In the kernel: those
	 * saved at its entry, which a kernel thread has all zero (no user part).
	 */
	if ((__s64)ctx->regs.rip >= 0)
		regs_of_ctx(ctx, uregs);
	else
		regs_of_task((struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()), uregs);
	if (uregs[8] && (__s64)uregs[8] >= 0 && uregs[7]) {
		__u64 sp = uregs[7], lead = sp & (OFFCPU_ABI_PAGE - 1), *top;

		regs = uregs;
		want = (__u32)lead + stack_size;
		top = bpf_map_lookup_elem(&tops, &tid);
		if (top && *top > sp && *top - sp <= stack_size) {
			want = (__u32)(lead + (*top - sp) + ONCPU_ABI_TOP_SLACK);
			learned = true;
		}
	}
	npages = (want + OFFCPU_ABI_PAGE - 1) / OFFCPU_ABI_PAGE;
	/* three record sizes: a shallow stack does not take a full record's ring space */
	if (npages <= 2)
		emit(ctx, cs, regs, learned, want, 2);
	else if (npages <= 4)
		emit(ctx, cs, regs, learned, want, 4);
	else
		emit(ctx, cs, regs, learned, want, ustack_pages);
	return 0;
}
