/*
 * fuzz_offcpu_bpf.c - libFuzzer target for the readers of the BPF programs'
 * ring records (offcpu_bpf__synth, offcpu_bpf__synth_size and, for on-CPU
 * samples, offcpu_bpf__decode_oncpu): the input is one record (or the start
 * of one, zero-padded); whatever its sizes claim, the perf record it becomes
 * must stay inside the output buffer, be as long as synth_size said, and
 * decode (events.c) without reading past it; a sample decoded in place must
 * point inside the record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "record/events.h"
#include "record/offcpu_bpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t full = sizeof(struct offcpu_abi_out), cap = 72u << 10;
	size_t n = size < full ? full : size;
	uint64_t *rec = calloc(1, (n + 7) & ~(size_t)7);
	uint64_t *out = malloc(cap);
	const struct perf_event_header *h;
	struct event ev;

	uint32_t kind;

	memcpy(rec, data, size);
	memcpy(&kind, rec, 4);
	/*
	 * As the ring hands it: IN records, and OUT records long enough to hold
	 * their header, at their own size (the stack bytes they claim may run
	 * past it); shorter ones zero-padded to a whole record.
	 */
	h = offcpu_bpf__synth(rec, (size >= 4 && kind == OFFCPU_ABI__IN) || size >= OFFCPU_ABI_OUT_SIZE(0)
				   ? size : n, out, cap);
	if (h) {
		size_t need = offcpu_bpf__synth_size(rec, (size >= 4 && kind == OFFCPU_ABI__IN) ||
							  size >= OFFCPU_ABI_OUT_SIZE(0) ? size : n);

		if (h->size > cap || !need || (h->size > need))
			abort();
		if (event__decode(h, &ev) == 0 && ev.kind == EVENT_KIND__SAMPLE && kind == OFFCPU_ABI__OUT) {
			enum offcpu_state st;
			u64 thresh;

			if (!offcpu_bpf__sample_info(&ev.sample, &st, &thresh))
				abort();
			if (ev.sample.dyn_size && ev.sample.stack[ev.sample.dyn_size - 1] == 0xfe)
				ev.sample.nr++;	/* touch the last stack byte */
		}
		{
			struct offcpu_bpf_in in;

			(void)offcpu_bpf__switch_info(h, &in);
		}
		(void)event__time(h);
	}
	{
		size_t len = size >= OFFCPU_ABI_OUT_SIZE(0) ? size : n;

		if (offcpu_bpf__decode_oncpu(rec, len, &ev) == 0) {
			const uint8_t *lo = (const uint8_t *)rec, *hi = lo + len;

			if (ev.sample.dyn_size && (ev.sample.stack < lo || ev.sample.stack + ev.sample.dyn_size > hi))
				abort();
			if (ev.sample.nr && ((const uint8_t *)ev.sample.ips < lo ||
					     (const uint8_t *)(ev.sample.ips + ev.sample.nr) > hi))
				abort();
		}
	}
	free(out);
	free(rec);
	return 0;
}
