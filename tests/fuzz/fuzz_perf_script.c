/*
 * fuzz_perf_script.c - libFuzzer target for the `perf script` parser:
 * parses the input with every option on, with one thread and with two
 * (which must agree), and checks the trie invariants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "formats/perf_script.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t sampled_stacks(const uint8_t *data, size_t size, unsigned jobs, bool all)
{
	struct instream *in = instream__from_memory(data, size, "fuzz");
	struct perf_script_opts o = { .jobs = jobs };
	struct perf_script_stats st;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL;
	size_t n = 0;

	if (all)
		o.include_tid = o.annotate_kernel = o.annotate_jit = o.include_addrs = true;
	if (perf_script_read(&in, 1, &o, &p, &st, &log, &diag) == 0) {
		if (stack_trie__check(&p->stacks))
			abort();
		n = profile__sampled_stacks(p);
	}
	profile__free(p);
	instream__free(in);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (sampled_stacks(data, size, 1, false) != sampled_stacks(data, size, 2, false))
		abort();
	sampled_stacks(data, size, 1, true);
	return 0;
}
