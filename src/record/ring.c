/*
 * ring.c - perf mmap ring consumer. The kernel writes data_head after the
 * records (release); we read it with acquire semantics, read the records,
 * and publish data_tail with a release store so the kernel never overwrites
 * bytes we are still reading (tools/include/linux/ring_buffer.h).
 */
#include "record/ring.h"
#include "base/err.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int ring__mmap(struct ring *r, int fd, size_t data_pages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	void *m;

	memset(r, 0, sizeof(*r));
	r->size = data_pages * page;
	r->map_len = r->size + page;
	m = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		r->map_len = 0;
		return -errno;
	}
	r->meta = m;
	r->data = (u8 *)m + page;
	return 0;
}

void ring__unmap(struct ring *r)
{
	if (r->meta)
		munmap(r->meta, r->map_len);
	free(r->scratch);
	memset(r, 0, sizeof(*r));
}

size_t ring__pending(const struct ring *r)
{
	u64 head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);

	return (size_t)(head - r->meta->data_tail);
}

/*
 * The next complete record at stream position @tail (< @head): its header in
 * the mapping or, wrapped, in the scratch buffer (*@copy). NULL when none is
 * complete; *@bad set when its size cannot be right.
 */
static const struct perf_event_header *record_at(struct ring *r, u64 tail, u64 head, bool *copy, bool *bad)
{
	size_t mask = r->size - 1, off = (size_t)(tail & mask);
	struct perf_event_header hdr;

	*copy = *bad = false;
	if (tail + sizeof(hdr) > head)
		return NULL;
	if (off + sizeof(hdr) <= r->size) {
		memcpy(&hdr, r->data + off, sizeof(hdr));
	} else {
		size_t first = r->size - off;

		memcpy(&hdr, r->data + off, first);
		memcpy((u8 *)&hdr + first, r->data, sizeof(hdr) - first);
	}
	if (hdr.size < sizeof(hdr) || hdr.size > r->size || tail + hdr.size > head) {
		*bad = hdr.size < sizeof(hdr);
		return NULL;
	}
	if (off + hdr.size <= r->size)
		return (const void *)(r->data + off);
	if (r->scratch_cap < hdr.size)
		XGROW(r->scratch, r->scratch_cap, hdr.size);
	memcpy(r->scratch, r->data + off, r->size - off);
	memcpy(r->scratch + (r->size - off), r->data, hdr.size - (r->size - off));
	*copy = true;
	return (const void *)r->scratch;
}

int ring__read_held(struct ring *r, ring_held_fn fn, void *ctx)
{
	const struct perf_event_header *h;
	u64 head, pos;
	bool copy, bad;
	int ret = 0;

	if (!r->meta)
		return 0;
	head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	if (r->held < r->meta->data_tail)
		r->held = r->meta->data_tail;
	for (pos = r->held; (h = record_at(r, pos, head, &copy, &bad)); pos += h->size) {
		u64 at = pos;

		r->held = pos + h->size;
		ret = fn(ctx, h, at, copy);
		if (ret)
			break;
	}
	if (bad) {
		r->held = head;	/* cannot resynchronise: drop what is there */
		return -EM_E_BAD_INPUT;
	}
	return ret;
}

void ring__release(struct ring *r, u64 upto)
{
	if (!r->meta)
		return;
	if (upto > r->held)
		upto = r->held;
	if (upto > r->meta->data_tail)
		__atomic_store_n(&r->meta->data_tail, upto, __ATOMIC_RELEASE);
}

int ring__read(struct ring *r, ring_record_fn fn, void *ctx)
{
	const struct perf_event_header *h;
	u64 head, tail;
	bool copy, bad = false;
	int ret = 0;

	if (!r->meta)
		return 0;
	head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	tail = r->meta->data_tail;
	while ((h = record_at(r, tail, head, &copy, &bad))) {
		ret = fn(ctx, h);
		tail += h->size;
		if (ret)
			break;
	}
	if (bad) {
		tail = head;	/* cannot resynchronise: drop what is there */
		ret = -EM_E_BAD_INPUT;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return ret;
}
