/*
 * fuzz_folded.c - libFuzzer target for the folded-stacks reader and writer:
 * reads the input, writes it back and reads that again; the last count
 * column must keep its total. (Only the last one: a frame name ending in
 * " 12" makes a written line read back as differential, in flamegraph.pl too.)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "formats/folded.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct instream *in = instream__from_memory(data, size, "fuzz");
	struct folded_read_stats st;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL, *q = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	if (folded_read(in, &p, &st, &log, &diag) == 0) {
		if (stack_trie__check(&p->stacks))
			abort();
		f = open_memstream(&text, &len);
		if (folded_write(f, p))
			abort();
		fclose(f);
		instream__free(in);
		in = instream__from_memory(text, len, "fuzz-again");
		if (folded_read(in, &q, &st, &log, &diag) == 0) {
			if (profile__total(p, p->ncols - 1) != profile__total(q, q->ncols - 1))
				abort();
		}
	}
	free(text);
	profile__free(p);
	profile__free(q);
	instream__free(in);
	return 0;
}
