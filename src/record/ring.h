/*
 * ring.h - one perf mmap ring buffer: the metadata page plus 2^n data pages,
 * read from data_tail to data_head. Records that wrap around the end of the
 * buffer are handed out contiguous (copied into a scratch buffer). Owns the
 * mapping, not the perf fd.
 */
#ifndef EMBER_RING_H
#define EMBER_RING_H

#include <linux/perf_event.h>
#include "base/compiler.h"

struct ring {
	struct perf_event_mmap_page *meta;	/* NULL when not mapped */
	u8 *data;		/* data area, size bytes */
	size_t size;		/* power of two */
	size_t map_len;		/* meta page + data */
	u8 *scratch;		/* one record, for wrapped ones */
	size_t scratch_cap;
};

/* Map @fd's ring with @data_pages (a power of two) data pages. Returns 0 or -errno. */
int ring__mmap(struct ring *r, int fd, size_t data_pages) __must_check;
void ring__unmap(struct ring *r);

/*
 * Hand every complete record between tail and head to @fn (the header points
 * at a contiguous copy valid only during the call), then release them to the
 * kernel. Stops early when @fn returns nonzero and returns that value;
 * returns -EM_E_BAD_INPUT on a corrupt record size. Returns 0 otherwise.
 */
typedef int (*ring_record_fn)(void *ctx, const struct perf_event_header *h);
int ring__read(struct ring *r, ring_record_fn fn, void *ctx);

/* Bytes currently waiting in the ring. */
size_t ring__pending(const struct ring *r);

#endif
