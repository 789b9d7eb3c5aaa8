/*
 * events.c - decoding PERF_RECORD_* records. Every read is bounds-checked
 * against the record size, so a corrupt or truncated record is rejected
 * instead of read past (the same code will read saved raw files).
 */
#include "record/events.h"
#include "base/err.h"
#include "base/xalloc.h"

#include <string.h>

/* sample_id_all trailer for our sample_type: pid, tid, time, cpu, res. */
#define SAMPLE_ID_SIZE 24

struct cursor {
	const u8 *p, *end;
	bool bad;
};

static u64 take64(struct cursor *c)
{
	u64 v = 0;

	if (c->end - c->p < 8) {
		c->bad = true;
		c->p = c->end;
		return 0;
	}
	memcpy(&v, c->p, 8);
	c->p += 8;
	return v;
}

static void take32x2(struct cursor *c, u32 *a, u32 *b)
{
	u64 v = take64(c);

	*a = (u32)v;
	*b = (u32)(v >> 32);
}

static const void *take_bytes(struct cursor *c, u64 n)
{
	const u8 *p = c->p;

	if ((u64)(c->end - c->p) < n) {
		c->bad = true;
		c->p = c->end;
		return NULL;
	}
	c->p += n;
	return p;
}

static void sample_id(const struct perf_event_header *h, struct event *ev)
{
	struct cursor c;
	u32 cpu, res;

	if (h->size < sizeof(*h) + SAMPLE_ID_SIZE)
		return;
	c.p = (const u8 *)h + h->size - SAMPLE_ID_SIZE;
	c.end = (const u8 *)h + h->size;
	c.bad = false;
	take32x2(&c, &ev->pid, &ev->tid);
	ev->time = take64(&c);
	take32x2(&c, &cpu, &res);
}

/* A NUL-terminated string inside [c->p, end - SAMPLE_ID_SIZE). */
static const char *take_string(struct cursor *c, const struct perf_event_header *h)
{
	const u8 *lim = (const u8 *)h + h->size;
	const char *s = (const char *)c->p;

	if (h->size >= sizeof(*h) + SAMPLE_ID_SIZE)
		lim -= SAMPLE_ID_SIZE;
	if (c->p >= lim || !memchr(c->p, 0, lim - c->p)) {
		c->bad = true;
		return "";
	}
	return s;
}

static int decode_sample(struct cursor *c, struct event *ev)
{
	struct event_sample *s = &ev->sample;
	u32 res;
	int i, n = 0;

	s->ip = take64(c);
	take32x2(c, &ev->pid, &ev->tid);
	ev->time = take64(c);
	take32x2(c, &s->cpu, &res);
	s->period = take64(c);
	s->nr = take64(c);
	if (s->nr > 4096) {
		c->bad = true;
		return -EM_E_BAD_INPUT;
	}
	s->ips = take_bytes(c, s->nr * 8);
	/*
	 * PERF_SAMPLE_RAW (tracepoint events) sits here when the attr asked for
	 * it: a u32 size (>= 4, the data padded so that size + 4 is a multiple
	 * of 8), then the data. The register ABI that follows otherwise is 0, 1
	 * or 2, so a first word above 2 can only be a raw size: no flag needed.
	 */
	if (c->end - c->p >= 8) {
		u64 w;

		memcpy(&w, c->p, 8);
		if (w > PERF_SAMPLE_REGS_ABI_64) {
			u32 size = (u32)w;

			c->p += 4;
			s->raw_size = size;
			s->raw = take_bytes(c, size);
		}
	}
	s->abi = take64(c);
	if (s->abi)
		for (i = 0; i < 64; i++)
			if (PERF_EVENT_REGS_MASK >> i & 1)
				s->regs[n++] = take64(c);
	s->stack_size = take64(c);
	s->stack = take_bytes(c, s->stack_size);
	s->dyn_size = s->stack_size ? take64(c) : 0;
	if (s->dyn_size > s->stack_size)
		s->dyn_size = s->stack_size;
	return c->bad ? -EM_E_BAD_INPUT : 0;
}

int event__decode(const struct perf_event_header *h, struct event *ev)
{
	struct cursor c = { (const u8 *)(h + 1), (const u8 *)h + h->size, false };

	memset(ev, 0, sizeof(*ev));
	if (h->size < sizeof(*h))
		return -EM_E_BAD_INPUT;
	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		ev->kind = EVENT_KIND__SAMPLE;
		return decode_sample(&c, ev);
	case PERF_RECORD_MMAP:
		ev->kind = EVENT_KIND__MMAP;
		take32x2(&c, &ev->pid, &ev->tid);
		ev->mmap.start = take64(&c);
		ev->mmap.len = take64(&c);
		ev->mmap.pgoff = take64(&c);
		ev->mmap.filename = take_string(&c, h);
		break;
	case PERF_RECORD_MMAP2: {
		const u8 *ids;

		ev->kind = EVENT_KIND__MMAP;
		take32x2(&c, &ev->pid, &ev->tid);
		ev->mmap.start = take64(&c);
		ev->mmap.len = take64(&c);
		ev->mmap.pgoff = take64(&c);
		ids = take_bytes(&c, 24);
		if (ids && (h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID)) {
			ev->mmap.build_id_size = ids[0] > 20 ? 20 : ids[0];
			memcpy(ev->mmap.build_id, ids + 4, ev->mmap.build_id_size);
		} else if (ids) {
			u32 maj, min;

			memcpy(&maj, ids, 4);
			memcpy(&min, ids + 4, 4);
			ev->mmap.maj = maj;
			ev->mmap.min = min;
			memcpy(&ev->mmap.ino, ids + 8, 8);
		}
		take32x2(&c, &ev->mmap.prot, &ev->mmap.flags);
		ev->mmap.filename = take_string(&c, h);
		break;
	}
	case PERF_RECORD_COMM:
		ev->kind = EVENT_KIND__COMM;
		take32x2(&c, &ev->pid, &ev->tid);
		ev->comm.comm = take_string(&c, h);
		ev->comm.exec = h->misc & PERF_RECORD_MISC_COMM_EXEC;
		break;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		ev->kind = h->type == PERF_RECORD_FORK ? EVENT_KIND__FORK : EVENT_KIND__EXIT;
		take32x2(&c, &ev->pid, &ev->task.ppid);
		take32x2(&c, &ev->tid, &ev->task.ptid);
		ev->time = take64(&c);
		return c.bad ? -EM_E_BAD_INPUT : 0;
	case PERF_RECORD_LOST:
		ev->kind = EVENT_KIND__LOST;
		take64(&c);
		ev->lost = take64(&c);
		break;
	case PERF_RECORD_SWITCH:
	case PERF_RECORD_SWITCH_CPU_WIDE:
		/* CPU_WIDE adds next_prev_pid/tid; the task is the sample_id trailer's */
		ev->kind = EVENT_KIND__SWITCH;
		ev->sw.out = h->misc & PERF_RECORD_MISC_SWITCH_OUT;
		ev->sw.preempt = ev->sw.out && (h->misc & PERF_RECORD_MISC_SWITCH_OUT_PREEMPT);
		break;
	case PERF_RECORD_LOST_SAMPLES:
		ev->kind = EVENT_KIND__LOST;
		ev->lost = take64(&c);
		break;
	default:
		ev->kind = EVENT_KIND__OTHER;
		break;
	}
	if (c.bad)
		return -EM_E_BAD_INPUT;
	if (ev->kind != EVENT_KIND__SAMPLE) {
		u32 pid = ev->pid, tid = ev->tid;

		sample_id(h, ev);
		if (ev->kind == EVENT_KIND__MMAP || ev->kind == EVENT_KIND__COMM) {
			ev->pid = pid;	/* the record's own ids win over the trailer's */
			ev->tid = tid;
		}
	}
	return 0;
}

struct perf_event_header *event__copy_compact(const struct perf_event_header *h)
{
	struct perf_event_header *c;
	struct event ev;
	size_t head, keep;
	u64 v;
	u8 *p;

	if (h->type != PERF_RECORD_SAMPLE || event__decode(h, &ev) || !ev.sample.stack_size)
		return xmemdup(h, h->size);
	keep = (size_t)((ev.sample.dyn_size + 7) & ~7ull);
	head = (size_t)(ev.sample.stack - (const u8 *)h) - 8;	/* up to the size field */
	if (keep >= ev.sample.stack_size || head + 8 + ev.sample.stack_size + 8 != h->size)
		return xmemdup(h, h->size);
	c = xmalloc(head + 8 + keep + 8);
	p = (u8 *)c;
	memcpy(p, h, head);
	v = keep;
	memcpy(p + head, &v, 8);
	memcpy(p + head + 8, ev.sample.stack, keep);
	memcpy(p + head + 8 + keep, &ev.sample.dyn_size, 8);
	c->size = (uint16_t)(head + 8 + keep + 8);
	return c;
}

u64 event__time(const struct perf_event_header *h)
{
	struct event ev = { 0 };

	if (h->type == PERF_RECORD_SAMPLE) {
		u64 t;

		if (h->size < sizeof(*h) + 24)
			return 0;
		memcpy(&t, (const u8 *)(h + 1) + 16, 8);
		return t;
	}
	sample_id(h, &ev);
	return ev.time;
}
