/*
 * fuzz_perf_events.c - libFuzzer target for the PERF_RECORD_* decoder:
 * the input is a stream of records (as in a ring or a saved raw file);
 * decoding must never read past a record, whatever its sizes claim.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "record/events.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;

	while (size - off >= sizeof(struct perf_event_header)) {
		struct perf_event_header h;
		struct event ev;
		u64 *copy;

		memcpy(&h, data + off, sizeof(h));
		if (h.size < sizeof(h) || h.size > size - off)
			break;
		/* an exact-size, aligned heap copy, so ASan sees any overread */
		copy = malloc(h.size);
		memcpy(copy, data + off, h.size);
		if (event__decode((const void *)copy, &ev) == 0) {
			if (ev.kind == EVENT_KIND__SAMPLE && ev.sample.stack_size &&
			    ev.sample.stack[ev.sample.stack_size - 1] == 0xfe)
				ev.sample.nr++;	/* touch the last stack byte */
			if (ev.kind == EVENT_KIND__MMAP && strlen(ev.mmap.filename) > h.size)
				abort();
		}
		(void)event__time((const void *)copy);
		free(copy);
		off += h.size;
	}
	return 0;
}
