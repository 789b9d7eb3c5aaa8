/*
 * test_record.c - the recorder's pure parts: decoding PERF_RECORD_* records
 * (samples with callchain, registers and stack; MMAP2 with a build-id; COMM;
 * the sample_id_all trailer; truncated records rejected) and the ring
 * consumer handing out records that wrap around the end of the buffer.
 */
#include "../lib/test.h"
#include "formats/folded.h"
#include "record/converter.h"
#include "record/events.h"
#include "record/ring.h"
#include "unwind/unwind_snapshot.h"

#include <unistd.h>

#include <stdlib.h>
#include <string.h>

struct rec {
	u8 b[40960];
	size_t n;
};

static void put(struct rec *r, const void *p, size_t n)
{
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

static void put64(struct rec *r, u64 v)
{
	put(r, &v, 8);
}

static void put32x2(struct rec *r, u32 a, u32 b)
{
	put64(r, (u64)b << 32 | a);
}

static const struct perf_event_header *finish(struct rec *r, u32 type, uint16_t misc)
{
	struct perf_event_header h = { type, misc, (uint16_t)r->n };

	memcpy(r->b, &h, sizeof(h));
	return (const void *)r->b;
}

static void sample_record(struct rec *r, u64 stack_bytes)
{
	u8 stack[64];
	int i;

	r->n = sizeof(struct perf_event_header);
	put64(r, 0x401000);		/* ip */
	put32x2(r, 100, 101);		/* pid, tid */
	put64(r, 123456789);		/* time */
	put32x2(r, 1, 0);		/* cpu, res */
	put64(r, 10101);		/* period */
	put64(r, 3);			/* callchain */
	put64(r, PERF_CONTEXT_KERNEL);
	put64(r, 0xffffffff81000100);
	put64(r, 0xffffffff81000200);
	put64(r, PERF_SAMPLE_REGS_ABI_64);
	for (i = 0; i < PERF_EVENT_NREGS; i++)
		put64(r, 1000 + i);
	put64(r, stack_bytes);
	for (i = 0; i < 64; i++)
		stack[i] = (u8)i;
	put(r, stack, stack_bytes);
	put64(r, stack_bytes / 2);	/* dyn_size */
}

TEST(test_record__decodes_a_sample)
{
	struct rec r;
	const struct perf_event_header *h;
	struct event ev;

	sample_record(&r, 64);
	h = finish(&r, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER);
	ASSERT(event__decode(h, &ev) == 0);
	ASSERT_EQ_U64(ev.kind, EVENT_KIND__SAMPLE);
	ASSERT_EQ_U64(ev.pid, 100);
	ASSERT_EQ_U64(ev.tid, 101);
	ASSERT_EQ_U64(ev.time, 123456789);
	ASSERT_EQ_U64(event__time(h), 123456789);
	ASSERT_EQ_U64(ev.sample.cpu, 1);
	ASSERT_EQ_U64(ev.sample.period, 10101);
	ASSERT_EQ_U64(ev.sample.nr, 3);
	ASSERT_EQ_U64(ev.sample.regs[7], 1007);	/* SP */
	ASSERT_EQ_U64(ev.sample.regs[8], 1008);	/* IP */
	ASSERT_EQ_U64(ev.sample.regs[16], 1016);	/* R15 */
	ASSERT_EQ_U64(ev.sample.stack_size, 64);
	ASSERT_EQ_U64(ev.sample.dyn_size, 32);
	ASSERT_EQ_U64(ev.sample.stack[63], 63);
}

TEST(test_record__compact_copy_keeps_the_valid_stack)
{
	struct rec r;
	struct perf_event_header *c;
	struct event a, b;

	sample_record(&r, 64);	/* dyn_size 32 of 64 */
	ASSERT(event__decode(finish(&r, PERF_RECORD_SAMPLE, 0), &a) == 0);
	c = event__copy_compact((const void *)r.b);
	ASSERT_EQ_U64(c->size, r.n - 32);
	ASSERT(event__decode(c, &b) == 0);
	ASSERT_EQ_U64(b.sample.stack_size, 32);
	ASSERT_EQ_U64(b.sample.dyn_size, 32);
	ASSERT(!memcmp(b.sample.stack, a.sample.stack, 32));
	ASSERT(!memcmp(b.sample.regs, a.sample.regs, sizeof(a.sample.regs)));
	ASSERT_EQ_U64(b.time, a.time);
	free(c);
}

TEST(test_record__rejects_truncated_records)
{
	struct rec r;
	struct event ev;
	size_t full;

	sample_record(&r, 64);
	full = r.n;
	for (r.n = sizeof(struct perf_event_header); r.n < full; r.n += 8)
		ASSERT(event__decode(finish(&r, PERF_RECORD_SAMPLE, 0), &ev) == -EM_E_BAD_INPUT);
	r.n = full;
	ASSERT(event__decode(finish(&r, PERF_RECORD_SAMPLE, 0), &ev) == 0);
}

TEST(test_record__decodes_mmap2_with_build_id_and_comm)
{
	struct rec r;
	struct event ev;
	u8 ids[24] = { 20, 0, 0, 0 };
	char name[16] = "/usr/lib/x.so";
	int i;

	for (i = 0; i < 20; i++)
		ids[4 + i] = (u8)(0xa0 + i);
	r.n = sizeof(struct perf_event_header);
	put32x2(&r, 7, 8);
	put64(&r, 0x7f0000000000);
	put64(&r, 0x3000);
	put64(&r, 0x1000);
	put(&r, ids, 24);
	put32x2(&r, 5, 2);		/* prot r-x, flags */
	put(&r, name, sizeof(name));
	put32x2(&r, 7, 8);		/* sample_id: pid, tid */
	put64(&r, 55);			/* time */
	put32x2(&r, 0, 0);		/* cpu */
	ASSERT(event__decode(finish(&r, PERF_RECORD_MMAP2, PERF_RECORD_MISC_MMAP_BUILD_ID), &ev) == 0);
	ASSERT_EQ_U64(ev.kind, EVENT_KIND__MMAP);
	ASSERT_EQ_U64(ev.pid, 7);
	ASSERT_EQ_U64(ev.time, 55);
	ASSERT_EQ_U64(ev.mmap.start, 0x7f0000000000);
	ASSERT_EQ_U64(ev.mmap.pgoff, 0x1000);
	ASSERT_EQ_U64(ev.mmap.build_id_size, 20);
	ASSERT_EQ_U64(ev.mmap.build_id[19], 0xa0 + 19);
	ASSERT_STREQ(ev.mmap.filename, "/usr/lib/x.so");
	/* a filename without its NUL is rejected */
	memset(r.b + r.n - 24 - 16, 'x', 16);
	ASSERT(event__decode(finish(&r, PERF_RECORD_MMAP2, 0), &ev) == -EM_E_BAD_INPUT);

	r.n = sizeof(struct perf_event_header);
	put32x2(&r, 9, 10);
	put(&r, "python3\0", 8);
	put32x2(&r, 9, 10);
	put64(&r, 77);
	put32x2(&r, 1, 0);
	ASSERT(event__decode(finish(&r, PERF_RECORD_COMM, PERF_RECORD_MISC_COMM_EXEC), &ev) == 0);
	ASSERT_EQ_U64(ev.kind, EVENT_KIND__COMM);
	ASSERT(ev.comm.exec);
	ASSERT_STREQ(ev.comm.comm, "python3");
	ASSERT_EQ_U64(ev.time, 77);
}

struct collected {
	u64 seen[16];
	int n;
};

static int collect(void *ctx, const struct perf_event_header *h)
{
	struct collected *c = ctx;
	u64 v;

	memcpy(&v, h + 1, 8);
	c->seen[c->n++] = v;
	return 0;
}

/*
 * A 128-byte ring holding three 24-byte LOST records from offset 112 (the
 * first wraps at 128), record i's first payload word 0x1111...1 * (i + 1).
 * Returns the head.
 */
static u64 three_record_ring(struct ring *r, struct perf_event_mmap_page *meta, u8 data[128])
{
	u64 head = 112, k;
	int i;

	r->meta = meta;
	r->data = data;
	r->size = 128;
	meta->data_tail = 112;
	for (i = 0; i < 3; i++) {
		struct perf_event_header h = { PERF_RECORD_LOST, 0, 24 };
		u8 rec[24];

		memcpy(rec, &h, 8);
		k = 0x1111111111111111ull * (i + 1);
		memcpy(rec + 8, &k, 8);
		memset(rec + 16, 0, 8);
		for (k = 0; k < 24; k++)
			data[(head + k) % 128] = rec[k];
		head += 24;
	}
	meta->data_head = head;
	return head;
}

TEST(test_record__ring_reassembles_wrapped_records)
{
	struct perf_event_mmap_page *meta = calloc(1, sizeof(*meta));
	u8 data[128];
	struct ring r = { 0 };
	struct collected c = { { 0 }, 0 };
	u64 head = three_record_ring(&r, meta, data);

	ASSERT(ring__pending(&r) == 72);
	ASSERT(ring__read(&r, collect, &c) == 0);
	ASSERT_EQ_U64(c.n, 3);
	ASSERT_EQ_U64(c.seen[0], 0x1111111111111111ull);
	ASSERT_EQ_U64(c.seen[1], 0x2222222222222222ull);
	ASSERT_EQ_U64(c.seen[2], 0x3333333333333333ull);
	ASSERT_EQ_U64(meta->data_tail, head);
	ASSERT(ring__pending(&r) == 0);
	free(r.scratch);
	free(meta);
}

struct held {
	u64 pos[4];
	bool copy[4];
	const struct perf_event_header *h[4];
	int n;
};

static int collect_held(void *ctx, const struct perf_event_header *h, u64 pos, bool copy)
{
	struct held *c = ctx;

	c->pos[c->n] = pos;
	c->copy[c->n] = copy;
	c->h[c->n++] = h;
	return 0;
}

/* Held records stay in the ring until released, and the kernel's tail only moves as far as asked. */
TEST(test_record__ring_holds_records_until_released)
{
	struct perf_event_mmap_page *meta = calloc(1, sizeof(*meta));
	u8 data[128];
	struct ring r = { 0 };
	struct held c = { { 0 }, { 0 }, { 0 }, 0 };
	u64 head = three_record_ring(&r, meta, data);

	ASSERT(ring__read_held(&r, collect_held, &c) == 0);
	ASSERT_EQ_U64(c.n, 3);
	ASSERT_EQ_U64(c.pos[0], 112);
	ASSERT_EQ_U64(c.pos[1], 136);
	ASSERT_EQ_U64(c.pos[2], 160);
	ASSERT(c.copy[0] && !c.copy[1] && !c.copy[2]);
	/* not wrapped: a pointer into the ring itself */
	ASSERT((const u8 *)c.h[1] == data + 8 && (const u8 *)c.h[2] == data + 32);
	ASSERT_EQ_U64(meta->data_tail, 112);	/* nothing released yet */
	ASSERT_EQ_U64(ring__held_end(&r), head);
	/* read again: nothing new is handed out twice */
	ASSERT(ring__read_held(&r, collect_held, &c) == 0);
	ASSERT_EQ_U64(c.n, 3);
	ring__release(&r, 136);
	ASSERT_EQ_U64(meta->data_tail, 136);
	ring__release(&r, 100);			/* never backwards */
	ASSERT_EQ_U64(meta->data_tail, 136);
	ring__release(&r, head + 500);		/* never past what was handed out */
	ASSERT_EQ_U64(meta->data_tail, head);
	free(r.scratch);
	free(meta);
}

/* A sample of this very thread, as the kernel would write it, through the converter. */
TEST(test_record__converter_unwinds_and_names_a_sample)
{
	/* perf's register order (PERF_EVENT_REGS_MASK) as DWARF numbers */
	static const u8 dwarf_of[PERF_EVENT_NREGS] = { 0, 3, 2, 1, 4, 5, 6, 7, 16, 8, 9, 10, 11, 12, 13, 14, 15 };
	static struct rec r;
	struct converter_opts co = { 0 };
	struct unwind_snapshot snap;
	struct converter *c;
	struct profile *p;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int i;

	ASSERT(unwind_snapshot__take(&snap, 32 * 1024) == 0);
	if (snap.len > 32 * 1024)
		snap.len = 32 * 1024;
	c = converter__new(&co);
	ASSERT(converter__load_proc(c, (int)getpid()) == 0);	/* maps and comms, as for -p */
	r.n = sizeof(struct perf_event_header);
	put64(&r, snap.regs.r[16]);
	put32x2(&r, (u32)getpid(), (u32)gettid());
	put64(&r, 1000);
	put32x2(&r, 0, 0);
	put64(&r, 1);
	put64(&r, 0);			/* no kernel callchain */
	put64(&r, PERF_SAMPLE_REGS_ABI_64);
	for (i = 0; i < PERF_EVENT_NREGS; i++)
		put64(&r, snap.regs.r[dwarf_of[i]]);
	put64(&r, (snap.len + 7) & ~(size_t)7);
	put(&r, snap.stack, snap.len);
	r.n = (r.n + 7) & ~(size_t)7;
	put64(&r, snap.len);
	ASSERT(converter__record(c, finish(&r, PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER)) == 0);
	ASSERT_EQ_U64(converter__stats(c)->samples, 1);
	ASSERT_EQ_U64(converter__stats(c)->incomplete, 0);
	p = converter__take(c);
	f = open_memstream(&text, &len);
	ASSERT(folded_write(f, p) == 0);
	fclose(f);
	if (!strstr(text, ";main;test_record__converter_unwinds_and_names_a_sample;unwind_snapshot__take 1\n"))
		fprintf(stderr, "    %s", text);
	ASSERT(!strncmp(text, "unit-tests;_start;", 18));
	ASSERT(strstr(text, ";main;") != NULL);
	ASSERT(strstr(text, ";main;test_record__converter_unwinds_and_names_a_sample;unwind_snapshot__take 1\n") != NULL);
	free(text);
	profile__free(p);
	converter__free(c);
	unwind_snapshot__release(&snap);
}
