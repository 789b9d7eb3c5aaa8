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
	u64 held;		/* ring__read_held: handed out up to here, not yet released */
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

/*
 * Like ring__read(), but the records stay in the ring, unreleased, until
 * ring__release(): @fn gets a pointer into the mapping, valid until then,
 * and the record's position in the ring's byte stream (@pos); a record that
 * wraps around the end is a scratch copy valid only during the call
 * (@copy true). For consumers that keep records for a while (ordering them
 * in time) without copying each one out.
 */
typedef int (*ring_held_fn)(void *ctx, const struct perf_event_header *h, u64 pos, bool copy);
int ring__read_held(struct ring *r, ring_held_fn fn, void *ctx);

/* Give the kernel back the bytes before position @upto (at most what was handed out). */
void ring__release(struct ring *r, u64 upto);

/* Where ring__read_held() has read up to (release this when nothing is held). */
static inline u64 ring__held_end(const struct ring *r)
{
	return r->held;
}

/* Bytes currently waiting in the ring. */
size_t ring__pending(const struct ring *r);

#endif
