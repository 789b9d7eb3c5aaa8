/*
 * fuzz_perfmap.c - libFuzzer target for the /tmp/perf-PID.map parser:
 * entries come out sorted, unique by start, and a lookup only ever returns
 * an entry that covers the address.
 */
#include <stdint.h>
#include <stdlib.h>
#include "symbols/perfmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perfmap m;
	u64 bad;
	size_t i;

	perfmap__init(&m);
	perfmap__parse(&m, (const char *)data, size, &bad);
	for (i = 0; i < m.n; i++) {
		const struct perfmap_entry *e = perfmap__lookup(&m, m.v[i].start);

		if (i && m.v[i - 1].start >= m.v[i].start)
			abort();
		if (!e || m.v[i].start - e->start >= e->size)
			abort();
		e = perfmap__lookup(&m, m.v[i].start + m.v[i].size);
		if (e && m.v[i].start + m.v[i].size - e->start >= e->size)
			abort();
	}
	perfmap__release(&m);
	return 0;
}
