/*
 * profile_text.c - folded text ⇄ profile for the unit tests.
 */
#include "profile_text.h"
#include "formats/folded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct profile *test_folded_profile(const char *text, int *err)
{
	struct instream *in = instream__from_memory(text, strlen(text), "t.folded");
	struct folded_read_stats st;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL;
	int e = folded_read(in, &p, &st, &log, &diag);

	instream__free(in);
	if (err)
		*err = e;
	return e ? NULL : p;
}

char *test_folded_text(const struct profile *p)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int e;

	if (!f)
		return NULL;
	e = folded_write(f, p);
	fclose(f);
	if (e) {
		free(out);
		return NULL;
	}
	return out;
}
