/*
 * test_preload_ring.c - libember.so's sample ring and stack map: FIFO order,
 * a full ring counts lost samples instead of blocking, concurrent producers
 * lose nothing they were not told about, and stacks intern by content.
 */
#include "../lib/test.h"
#include "preload/ringbuf.h"
#include "preload/stackmap.h"

#include <pthread.h>

TEST(test_preload_ring__fifo_and_full_ring_counts_lost)
{
	struct ringbuf r;
	struct ring_sample s;
	u64 pcs[3] = { 1, 2, 3 };
	unsigned i;

	ASSERT_EQ_U64(ringbuf__init(&r, 8), 0);
	ASSERT(!ringbuf__pop(&r, &s));
	for (i = 0; i < 8; i++) {
		pcs[0] = i;
		ASSERT(ringbuf__push(&r, 7, 1 + i, pcs, 3, 0));
	}
	ASSERT(!ringbuf__push(&r, 7, 5, pcs, 3, 0));
	ASSERT_EQ_U64(atomic_load(&r.lost), 5);
	for (i = 0; i < 8; i++) {
		ASSERT(ringbuf__pop(&r, &s));
		ASSERT_EQ_U64(s.pcs[0], i);
		ASSERT_EQ_U64(s.weight, 1 + i);
		ASSERT_EQ_U64(s.depth, 3);
		ASSERT_EQ_U64(s.tid, 7);
	}
	ASSERT(!ringbuf__pop(&r, &s));
	/* deeper stacks are cut, not overflowed */
	{
		u64 deep[RING_MAX_DEPTH + 10] = { 0 };

		ASSERT(ringbuf__push(&r, 1, 1, deep, RING_MAX_DEPTH + 10, 0));
		ASSERT(ringbuf__pop(&r, &s));
		ASSERT_EQ_U64(s.depth, RING_MAX_DEPTH);
	}
	ringbuf__release(&r);
}

#define PRODUCERS 4
#define PER_PRODUCER 200000

static struct ringbuf shared_ring;

static void *producer(void *arg)
{
	u64 pcs[2] = { (u64)(uintptr_t)arg, 0 };
	unsigned i;

	for (i = 0; i < PER_PRODUCER; i++) {
		pcs[1] = i;
		ringbuf__push(&shared_ring, (u32)(uintptr_t)arg, 1, pcs, 2, 0);
	}
	return NULL;
}

TEST(test_preload_ring__concurrent_producers_account_for_every_sample)
{
	pthread_t t[PRODUCERS];
	struct ring_sample s;
	u64 got = 0, last[PRODUCERS] = { 0 }, seen[PRODUCERS] = { 0 };
	uintptr_t i;
	int running = PRODUCERS;

	ASSERT_EQ_U64(ringbuf__init(&shared_ring, 1024), 0);
	for (i = 0; i < PRODUCERS; i++)
		pthread_create(&t[i], NULL, producer, (void *)i);
	while (running) {
		while (ringbuf__pop(&shared_ring, &s)) {
			ASSERT(s.pcs[0] < PRODUCERS);
			/* each producer's samples arrive in its order */
			if (seen[s.pcs[0]]++)
				ASSERT(s.pcs[1] > last[s.pcs[0]]);
			last[s.pcs[0]] = s.pcs[1];
			got++;
		}
		if (got + atomic_load(&shared_ring.lost) == (u64)PRODUCERS * PER_PRODUCER)
			running = 0;
	}
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	ASSERT(!ringbuf__pop(&shared_ring, &s));
	ASSERT_EQ_U64(got + atomic_load(&shared_ring.lost), (u64)PRODUCERS * PER_PRODUCER);
	ringbuf__release(&shared_ring);
}

TEST(test_preload_stackmap__interns_by_content_and_grows)
{
	struct stackmap m;
	u64 a[3] = { 10, 20, 30 }, b[3] = { 10, 20, 31 }, pcs[2];
	u32 ia, ib, depth, i;

	stackmap__init(&m, 2);
	ia = stackmap__intern(&m, a, 3);
	ib = stackmap__intern(&m, b, 3);
	ASSERT(ia != ib);
	ASSERT_EQ_U64(stackmap__intern(&m, a, 3), ia);
	ASSERT(stackmap__intern(&m, a, 2) != ia);
	stackmap__vals(&m, ia)[1] += 5;
	for (i = 0; i < 10000; i++) {
		pcs[0] = i;
		pcs[1] = i * 7;
		stackmap__vals(&m, stackmap__intern(&m, pcs, 2))[0]++;
	}
	ASSERT_EQ_U64(m.n, 3 + 10000);
	ASSERT_EQ_U64(stackmap__vals(&m, stackmap__intern(&m, a, 3))[1], 5);
	ASSERT_EQ_U64(stackmap__pcs(&m, ib, &depth)[2], 31);
	ASSERT_EQ_U64(depth, 3);
	stackmap__clear(&m);
	ASSERT_EQ_U64(m.n, 0);
	ASSERT_EQ_U64(stackmap__intern(&m, b, 3), 0);
	stackmap__release(&m);
}
