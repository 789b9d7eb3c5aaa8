/*
 * fuzz_proc_maps.c - libFuzzer target for /proc/PID/maps lines and the
 * mapping table: every parsed line is inserted, and the table must stay
 * sorted and non-overlapping, with each inserted range found again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "symbols/maps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	struct maps m;
	size_t i;

	maps__init(&m);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		struct proc_maps_line l;

		if (proc_maps__parse_line(p, n, &l) == 0) {
			struct map e = { 0 };

			e.start = l.start;
			e.end = l.end;
			e.pgoff = l.pgoff;
			e.path = (u32)l.path_len;
			maps__insert(&m, &e);
			if (l.end > l.start && (!maps__find(&m, l.start) || maps__find(&m, l.start)->start != l.start))
				abort();
		}
		p = nl ? nl + 1 : end;
	}
	for (i = 0; i < m.n; i++)
		if (m.v[i].start >= m.v[i].end || (i && m.v[i - 1].end > m.v[i].start))
			abort();
	maps__release(&m);
	return 0;
}
