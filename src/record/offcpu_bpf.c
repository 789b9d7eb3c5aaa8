/*
 * offcpu_bpf.c - the kernel-free half of BPF off-CPU recording: ring
 * records (offcpu_abi.h) turned into the perf records events.c decodes, the
 * sampled switch-out's state and threshold read back from such a sample,
 * and per-CPU counter sums. Loading the program is src/record/bpf/offcpu_loader.c.
 */
#include "record/offcpu_bpf.h"
#include "record/bpf_counters.h"
#include "record/events.h"
#include "record/perf_event.h"
#include "base/err.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

/* Appends to a record under construction; the caller checked the space. */
struct synth {
	u8 *p;
};

static void put64(struct synth *s, u64 v)
{
	memcpy(s->p, &v, 8);
	s->p += 8;
}

static void put32x2(struct synth *s, u32 a, u32 b)
{
	put64(s, (u64)a | (u64)b << 32);
}

/* Raw data of a synthesized sample: u32 size, then mark, state, threshold, padding (size + 4 = 24). */
#define RAW_SIZE 20

u64 offcpu_bpf__budget(const struct offcpu_bpf_opts *o)
{
	u64 rate = o->max_rate ? o->max_rate : OFFCPU_BPF_DEFAULT_RATE;
	u64 b = rate * (OFFCPU_BPF_WINDOW_NS / 1000000) / 1000 / (u64)(o->ncpus > 0 ? o->ncpus : 1);

	return b ? b : 1;
}

/* A switch-in's body (before the sample_id trailer, where events.c does not look): mark, task_ns. */
#define IN_BODY (8 + 8 * OFFCPU_ABI_NSTATES)
#define IN_MARK 0x6e692d66706f6365ull	/* "ecopf-in" */

static const struct perf_event_header *synth_in(const struct offcpu_abi_in *r, void *buf)
{
	struct perf_event_header *h = buf;
	struct synth s = { (u8 *)(h + 1) };
	unsigned i;

	h->type = PERF_RECORD_SWITCH;
	h->misc = 0;	/* switch-in */
	put64(&s, IN_MARK);
	for (i = 0; i < OFFCPU_ABI_NSTATES; i++)
		put64(&s, r->task_ns[i]);
	put32x2(&s, r->pid, r->tid);
	put64(&s, r->time);
	put32x2(&s, r->cpu, 0);
	h->size = (uint16_t)(s.p - (u8 *)h);
	return h;
}

bool offcpu_bpf__switch_info(const struct perf_event_header *h, struct offcpu_bpf_in *in)
{
	const u8 *b = (const u8 *)(h + 1);
	u64 mark;

	if (h->type != PERF_RECORD_SWITCH || h->size != sizeof(*h) + IN_BODY + 24)
		return false;
	memcpy(&mark, b, 8);
	if (mark != IN_MARK)
		return false;
	memcpy(in->task_ns, b + 8, sizeof(in->task_ns));
	return true;
}

/* A stack record's synthesized size without its stack (*@fixed), and the stack's room (returned). */
static u64 stack_room(const struct offcpu_abi_out *r, bool oncpu, u64 *fixed)
{
	u32 nk = r->kstack_bytes / 8;
	bool user = r->flags & OFFCPU_ABI_F_USER;
	u64 ustack;

	/* everything but the stack bytes: header, 6 words, callchain, raw, abi, regs, size, dyn_size */
	*fixed = 8 + 6 * 8 + (1 + (u64)nk) * 8 + (oncpu ? 0 : 4 + RAW_SIZE) + 8 + (user ? OFFCPU_ABI_NREGS * 8 + 16 : 8);
	ustack = user ? ((u64)r->ustack_bytes + 7) & ~7ull : 0;
	if (*fixed + ustack > 0xfff8)
		ustack = (0xfff8 - *fixed) & ~7ull;	/* cut: a perf record's size is 16 bits */
	return ustack;
}

/*
 * A stack record into a PERF_RECORD_SAMPLE: an off-CPU switch-out (with raw
 * data: mark, state, threshold) or, @oncpu, a cpu-clock sample (no raw data;
 * the period travels in thresh).
 */
static const struct perf_event_header *synth_out(const struct offcpu_abi_out *r, size_t size, void *buf,
					       size_t cap, bool oncpu)
{
	struct perf_event_header *h = buf;
	struct synth s = { (u8 *)(h + 1) };
	u32 nk = r->kstack_bytes / 8, skip = r->kstack_skip, i;
	u64 ustack, fixed;
	uint16_t mark = OFFCPU_BPF_RAW_MARK, state = (uint16_t)r->state;
	u8 raw[RAW_SIZE] = { 0 };
	bool user = r->flags & OFFCPU_ABI_F_USER;

	if (r->kstack_bytes > sizeof(r->kstack) || r->kstack_bytes % 8 || skip > nk || r->state >= OFFCPU_ABI_NSTATES ||
	    r->ustack_lead >= OFFCPU_ABI_PAGE || r->ustack_bytes > OFFCPU_ABI_USTACK_MAX - r->ustack_lead ||
	    (user && OFFCPU_ABI_OUT_SIZE(0) + r->ustack_lead + r->ustack_bytes > size))
		return NULL;
	ustack = stack_room(r, oncpu, &fixed);
	if (fixed + ustack > cap)
		return NULL;
	h->type = PERF_RECORD_SAMPLE;
	h->misc = oncpu && user && nk <= skip ? PERF_RECORD_MISC_USER : PERF_RECORD_MISC_KERNEL;
	if (oncpu)	/* where the sample hit: the kernel when it has a kernel stack */
		put64(&s, nk > skip ? r->kstack[skip] : user ? r->regs[8] : 0);
	else		/* a switch-out: the user IP the task will return to */
		put64(&s, user ? r->regs[8] : nk > skip ? r->kstack[skip] : 0);
	put32x2(&s, r->pid, r->tid);
	put64(&s, r->time);
	put32x2(&s, r->cpu, 0);
	put64(&s, oncpu ? r->thresh : 1);	/* period */
	put64(&s, 1 + (u64)(nk - skip));
	put64(&s, PERF_CONTEXT_KERNEL);
	for (i = skip; i < nk && i < OFFCPU_ABI_KSTACK_MAX; i++)
		put64(&s, r->kstack[i]);
	memcpy(raw, &mark, 2);
	memcpy(raw + 2, &state, 2);
	memcpy(raw + 4, &r->thresh, 8);
	if (!oncpu) {
		u32 size = RAW_SIZE;

		memcpy(s.p, &size, 4);
		memcpy(s.p + 4, raw, RAW_SIZE);
		s.p += 4 + RAW_SIZE;
	}
	if (!user) {
		put64(&s, PERF_SAMPLE_REGS_ABI_NONE);
		put64(&s, 0);	/* no stack */
	} else {
		u64 dyn = r->ustack_bytes < ustack ? r->ustack_bytes : ustack;

		put64(&s, PERF_SAMPLE_REGS_ABI_64);
		for (i = 0; i < OFFCPU_ABI_NREGS; i++)
			put64(&s, r->regs[i]);
		put64(&s, ustack);
		memcpy(s.p, r->ustack + r->ustack_lead, dyn);
		memset(s.p + dyn, 0, ustack - dyn);
		s.p += ustack;
		put64(&s, dyn);
	}
	h->size = (uint16_t)(s.p - (u8 *)h);
	return h;
}

int offcpu_bpf__decode_oncpu(const void *rec, size_t size, struct event *ev)
{
	const struct offcpu_abi_out *r = rec;
	struct event_sample *smp = &ev->sample;
	u32 nk, i;
	bool user;

	memset(ev, 0, sizeof(*ev));
	if (size < OFFCPU_ABI_OUT_SIZE(0) || ((uintptr_t)rec & 7) || r->kind != ONCPU_ABI__SAMPLE)
		return -EM_E_BAD_INPUT;
	nk = r->kstack_bytes / 8;
	user = r->flags & OFFCPU_ABI_F_USER;
	if (r->kstack_bytes > sizeof(r->kstack) || r->kstack_bytes % 8 || r->kstack_skip > nk ||
	    r->ustack_lead >= OFFCPU_ABI_PAGE || r->ustack_bytes > OFFCPU_ABI_USTACK_MAX - r->ustack_lead ||
	    (user && OFFCPU_ABI_OUT_SIZE(0) + r->ustack_lead + r->ustack_bytes > size))
		return -EM_E_BAD_INPUT;
	ev->kind = EVENT_KIND__SAMPLE;
	ev->pid = r->pid;
	ev->tid = r->tid;
	ev->time = r->time;
	smp->ip = nk > r->kstack_skip ? r->kstack[r->kstack_skip] : user ? r->regs[8] : 0;
	smp->period = r->thresh;
	smp->cpu = r->cpu;
	smp->nr = nk - r->kstack_skip;
	smp->ips = (const u64 *)(const void *)(r->kstack + r->kstack_skip);
	smp->kernel_chain = true;
	if (user) {
		smp->abi = PERF_SAMPLE_REGS_ABI_64;
		for (i = 0; i < OFFCPU_ABI_NREGS; i++)
			smp->regs[i] = r->regs[i];
		smp->stack = r->ustack + r->ustack_lead;
		smp->stack_size = smp->dyn_size = r->ustack_bytes;
	}
	return 0;
}

struct perf_event_header *offcpu_bpf__synth_alloc(const void *rec, size_t size)
{
	size_t need = offcpu_bpf__synth_size(rec, size);
	u64 *buf = need ? xmalloc(need) : NULL;

	if (buf && offcpu_bpf__synth(rec, size, buf, need))
		return (struct perf_event_header *)buf;
	free(buf);
	return NULL;
}

size_t offcpu_bpf__synth_size(const void *rec, size_t size)
{
	const struct offcpu_abi_out *r = rec;
	u64 fixed, ustack;
	u32 kind;

	if (size < 4)
		return 0;
	memcpy(&kind, rec, 4);
	if (kind == OFFCPU_ABI__IN)
		return 64 + IN_BODY;
	if ((kind != OFFCPU_ABI__OUT && kind != ONCPU_ABI__SAMPLE) || size < OFFCPU_ABI_OUT_SIZE(0) ||
	    ((uintptr_t)rec & 7) || r->kstack_bytes > sizeof(r->kstack))
		return 0;
	ustack = stack_room(r, kind == ONCPU_ABI__SAMPLE, &fixed);
	return (size_t)(fixed + ustack) < 64 ? 64 : (size_t)(fixed + ustack);
}

const struct perf_event_header *offcpu_bpf__synth(const void *rec, size_t size, void *buf, size_t cap)
{
	u32 kind;

	if (size < 4 || cap < 64)
		return NULL;
	memcpy(&kind, rec, 4);
	if (kind == OFFCPU_ABI__IN && size >= sizeof(struct offcpu_abi_in)) {
		struct offcpu_abi_in r;

		memcpy(&r, rec, sizeof(r));
		return synth_in(&r, buf);
	}
	/* the ring hands out records aligned to 8: read the big one in place, as far as it goes */
	if ((kind == OFFCPU_ABI__OUT || kind == ONCPU_ABI__SAMPLE) && size >= OFFCPU_ABI_OUT_SIZE(0) &&
	    !((uintptr_t)rec & 7))
		return synth_out(rec, size, buf, cap, kind == ONCPU_ABI__SAMPLE);
	return NULL;
}

bool offcpu_bpf__sample_info(const struct event_sample *s, enum offcpu_state *state, u64 *thresh)
{
	uint16_t mark, st;

	if (!s->raw || s->raw_size < 12)
		return false;
	memcpy(&mark, s->raw, 2);
	if (mark != OFFCPU_BPF_RAW_MARK)
		return false;
	memcpy(&st, s->raw + 2, 2);
	memcpy(thresh, s->raw + 4, 8);
	*state = st < OFFCPU_STATE__COUNT ? (enum offcpu_state)st : OFFCPU_STATE__OTHER;
	return true;
}

void offcpu_bpf__sum(const struct offcpu_abi_counters *per_cpu, size_t n, struct offcpu_abi_counters *out)
{
	bpf_counters__sum(per_cpu, n, sizeof(*out), sizeof(*out) / 8, out);
}

void offcpu_bpf__scale(const struct offcpu_abi_counters *c, const struct offcpu_total *t, size_t n,
		       double (*weight)(void *ctx, u32 tid, enum offcpu_state st), void *ctx, double *scale)
{
	double est[OFFCPU_STATE__COUNT] = { 0 };
	size_t i;

	for (i = 0; i < n; i++)
		if (t[i].stack != OFFCPU_NO_STACK && t[i].state < OFFCPU_STATE__COUNT)
			est[t[i].state] += (double)t[i].ns *
					   (weight ? weight(ctx, t[i].tid, (enum offcpu_state)t[i].state) : 1.0);
	for (i = 0; i < OFFCPU_STATE__COUNT; i++)
		scale[i] = est[i] > 0 && i < OFFCPU_ABI_NSTATES && c->ns[i] ? (double)c->ns[i] / est[i] : 1.0;
}
