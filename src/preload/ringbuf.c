/*
 * ringbuf.c - a bounded multi-producer/single-consumer queue (Dmitry
 * Vyukov's per-slot sequence design): producers claim a slot with one CAS
 * on head and publish it by storing its sequence; the consumer reads slots
 * in order. Hand-written because it must be async-signal-safe.
 */
#include "preload/ringbuf.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>

int ringbuf__init(struct ringbuf *r, size_t nslots)
{
	size_t n = 2, i;
	void *mem;

	while (n < nslots)
		n *= 2;
	mem = mmap(NULL, n * sizeof(struct ring_slot), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return -errno;
	r->slots = mem;
	r->mask = n - 1;
	for (i = 0; i < n; i++)
		atomic_store_explicit(&r->slots[i].seq, i, memory_order_relaxed);
	atomic_store(&r->head, 0);
	atomic_store(&r->tail, 0);
	atomic_store(&r->lost, 0);
	return 0;
}

void ringbuf__release(struct ringbuf *r)
{
	if (r->slots)
		munmap(r->slots, (r->mask + 1) * sizeof(struct ring_slot));
	r->slots = NULL;
}

bool ringbuf__push(struct ringbuf *r, u32 tid, u64 weight, const u64 *pcs, u32 depth, u32 raw)
{
	u64 pos = atomic_load_explicit(&r->head, memory_order_relaxed);
	struct ring_slot *slot;

	for (;;) {
		u64 seq;
		s64 dif;

		slot = &r->slots[pos & r->mask];
		seq = atomic_load_explicit(&slot->seq, memory_order_acquire);
		dif = (s64)(seq - pos);
		if (dif == 0) {
			if (atomic_compare_exchange_weak_explicit(&r->head, &pos, pos + 1,
								  memory_order_relaxed,
								  memory_order_relaxed))
				break;
		} else if (dif < 0) {
			atomic_fetch_add_explicit(&r->lost, weight, memory_order_relaxed);
			return false;
		} else {
			pos = atomic_load_explicit(&r->head, memory_order_relaxed);
		}
	}
	if (depth > RING_MAX_DEPTH)
		depth = RING_MAX_DEPTH;
	slot->s.tid = tid;
	slot->s.weight = weight;
	slot->s.depth = depth;
	slot->s.raw = raw;
	memcpy(slot->s.pcs, pcs, depth * sizeof(*pcs));
	atomic_store_explicit(&slot->seq, pos + 1, memory_order_release);
	return true;
}

bool ringbuf__pop(struct ringbuf *r, struct ring_sample *out)
{
	u64 pos = atomic_load_explicit(&r->tail, memory_order_relaxed);
	struct ring_slot *slot = &r->slots[pos & r->mask];
	u64 seq = atomic_load_explicit(&slot->seq, memory_order_acquire);

	if (seq != pos + 1)
		return false;	/* empty, or the producer has not published yet */
	out->tid = slot->s.tid;
	out->weight = slot->s.weight;
	out->depth = slot->s.depth;
	out->raw = slot->s.raw;
	memcpy(out->pcs, slot->s.pcs, out->depth * sizeof(out->pcs[0]));
	atomic_store_explicit(&r->tail, pos + 1, memory_order_relaxed);
	atomic_store_explicit(&slot->seq, pos + r->mask + 1, memory_order_release);
	return true;
}
