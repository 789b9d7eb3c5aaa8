/*
 * ringbuf.h - the bounded lock-free queue between the SIGPROF handler (many
 * producers, one per interrupted thread) and the aggregator thread (one
 * consumer). Fixed-size slots in mmap'd memory; a full ring drops the sample
 * and counts it in `lost`. Nothing here allocates or blocks after init.
 */
#ifndef EMBER_PRELOAD_RINGBUF_H
#define EMBER_PRELOAD_RINGBUF_H

#include <stdatomic.h>
#include "base/compiler.h"

#define RING_MAX_DEPTH 64

struct ring_sample {
	u32 tid;
	u32 depth;		/* pcs used, <= RING_MAX_DEPTH */
	u64 weight;		/* samples this one stands for (1 + timer overrun) */
	u32 raw;		/* rawstack.c buffer (index + 1) with regs + stack; 0 = none */
	u64 pcs[RING_MAX_DEPTH];	/* leaf first */
};

struct ring_slot {
	_Atomic u64 seq;	/* Vyukov's sequence number: who may use the slot */
	struct ring_sample s;
};

struct ringbuf {
	struct ring_slot *slots;	/* mmap'd, nslots entries */
	size_t mask;
	_Alignas(64) _Atomic u64 head;	/* next slot to claim (producers) */
	_Alignas(64) _Atomic u64 tail;	/* next slot to read (the consumer) */
	_Atomic u64 lost;		/* samples dropped because the ring was full */
};

/* Map a ring of @nslots (rounded up to a power of two). Returns 0 or -errno. */
int ringbuf__init(struct ringbuf *r, size_t nslots) __must_check;
void ringbuf__release(struct ringbuf *r);

/*
 * Async-signal-safe: copy one sample in. Returns false (and counts it lost)
 * when the ring is full. Never blocks, never allocates.
 */
bool ringbuf__push(struct ringbuf *r, u32 tid, u64 weight, const u64 *pcs, u32 depth, u32 raw);

/* Consumer only: take the oldest published sample into @out; false if none. */
bool ringbuf__pop(struct ringbuf *r, struct ring_sample *out);

#endif
