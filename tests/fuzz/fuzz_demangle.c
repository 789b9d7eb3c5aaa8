/*
 * fuzz_demangle.c - libFuzzer target for demangle() (libiberty's Rust
 * demangler, __cxa_demangle, ember's suffix handling): any bytes as a symbol
 * name; a result only comes from a "_R" or "_Z" name, is non-empty, and
 * demangling it again does not crash.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "symbols/demangle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1), *d, *again;

	if (!name)
		return 0;
	memcpy(name, data, size);
	name[size] = 0;
	d = demangle(name);
	if (d) {
		if (name[0] != '_' || (name[1] != 'R' && name[1] != 'Z') || !d[0])
			abort();
		again = demangle(d);
		free(again);
	}
	free(d);
	free(name);
	return 0;
}
