/*
 * fuzz_pprof.c - libFuzzer target for the pprof reader (gzip'd or raw
 * protobuf): decodes the input; when that succeeds the stack trie must be
 * consistent and an encode + decode round trip must keep every column total.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "formats/pprof.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pprof_write_opts o = { .default_col = 0, .period_type = "cpu", .period = 1 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL, *q = NULL;
	unsigned c;
	u8 *buf;
	size_t len;

	(void)pprof_probe(data, size);
	if (pprof_decode(data, size, "fuzz", &p, NULL, &diag))
		return 0;
	if (stack_trie__check(&p->stacks))
		abort();
	if (pprof_encode(p, &o, &buf, &len))
		abort();
	if (pprof_decode(buf, len, "fuzz-again", &q, NULL, &diag))
		abort();
	for (c = 0; c < p->ncols; c++) {
		u64 t = profile__total(p, c);

		if (t < INT64_MAX && profile__total(q, c) != t)
			abort();
	}
	free(buf);
	profile__free(p);
	profile__free(q);
	return 0;
}
