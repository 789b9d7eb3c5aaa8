/*
 * fuzz_tracefs_format.c - libFuzzer target for the tracefs `format` file
 * parser: any input parses or is rejected with a line inside the input, and
 * every parsed field lies inside the largest possible record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "record/tracefs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracefs_format f = { 0 };
	struct em_diag d = { 0 };
	size_t i, lines = 1;
	int err;

	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	err = tracefs_format__parse(&f, (const char *)data, size, "fuzz", &d);
	if (err) {
		if (d.line > lines || !d.msg[0])
			abort();
	} else {
		for (i = 0; i < f.nfields; i++) {
			const struct tracefs_field *fl = &f.fields[i];

			if (!fl->name[0] || !fl->type[0] || fl->offset + fl->size > 65536u)
				abort();
			if (tracefs_format__field(&f, fl->name) == NULL)
				abort();
		}
	}
	tracefs_format__release(&f);
	return 0;
}
