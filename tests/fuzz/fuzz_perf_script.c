/*
 * fuzz_perf_script.c - libFuzzer target for the `perf script` parser. The
 * same input is parsed on one thread in one chunk and on two threads in
 * tiny chunks (so samples and lines straddle chunk boundaries and chunks
 * depend on each other): the folded outputs must be byte-identical. Then
 * once more with every option on; the trie invariants must hold.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "formats/folded.h"
#include "formats/perf_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *collapse(const uint8_t *data, size_t size, const struct perf_script_opts *o,
		      size_t *len)
{
	struct instream *in = instream__from_memory(data, size, "fuzz");
	struct perf_script_stats st;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL;
	char *text = NULL;
	FILE *f;

	*len = 0;
	if (perf_script_read(&in, 1, o, &p, &st, &log, &diag) == 0) {
		if (stack_trie__check(&p->stacks))
			abort();
		f = open_memstream(&text, len);
		if (folded_write(f, p))
			abort();
		fclose(f);
	}
	profile__free(p);
	instream__free(in);
	return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perf_script_opts one = { .jobs = 1 };
	struct perf_script_opts tiny = { .jobs = 2, .chunk_bytes = 7 + size % 61 };
	struct perf_script_opts all = { .jobs = 1, .include_tid = true, .annotate_kernel = true,
					.annotate_jit = true, .include_addrs = true };
	size_t la, lb, lc;
	char *a = collapse(data, size, &one, &la);
	char *b = collapse(data, size, &tiny, &lb);
	char *c = collapse(data, size, &all, &lc);

	if (la != lb || (la && memcmp(a, b, la)))
		abort();
	free(a);
	free(b);
	free(c);
	return 0;
}
