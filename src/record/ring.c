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

int ring__read(struct ring *r, ring_record_fn fn, void *ctx)
{
	u64 head, tail;
	size_t mask = r->size - 1;
	int ret = 0;

	if (!r->meta)
		return 0;
	head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	tail = r->meta->data_tail;
	while (tail + sizeof(struct perf_event_header) <= head) {
		size_t off = (size_t)(tail & mask);
		struct perf_event_header hdr;
		const struct perf_event_header *h;

		if (off + sizeof(hdr) <= r->size) {
			memcpy(&hdr, r->data + off, sizeof(hdr));
		} else {
			size_t first = r->size - off;

			memcpy(&hdr, r->data + off, first);
			memcpy((u8 *)&hdr + first, r->data, sizeof(hdr) - first);
		}
		if (hdr.size < sizeof(hdr) || hdr.size > r->size || tail + hdr.size > head) {
			ret = hdr.size < sizeof(hdr) ? -EM_E_BAD_INPUT : 0;
			if (ret)
				tail = head;	/* cannot resynchronise: drop what is there */
			break;
		}
		if (off + hdr.size <= r->size) {
			h = (const void *)(r->data + off);
		} else {
			size_t first = r->size - off;

			if (r->scratch_cap < hdr.size)
				XGROW(r->scratch, r->scratch_cap, hdr.size);
			memcpy(r->scratch, r->data + off, first);
			memcpy(r->scratch + first, r->data, hdr.size - first);
			h = (const void *)r->scratch;
		}
		ret = fn(ctx, h);
		tail += hdr.size;
		if (ret)
			break;
	}
	__atomic_store_n(&r->meta->data_tail, tail, __ATOMIC_RELEASE);
	return ret;
}
