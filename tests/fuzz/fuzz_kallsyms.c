/*
 * fuzz_kallsyms.c - libFuzzer target for the /proc/kallsyms parser: any
 * input parses or is rejected, and every lookup answer is a parsed name.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "symbols/kallsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kallsyms k;
	u64 bad;
	size_t i;

	kallsyms__init(&k);
	if (kallsyms__parse(&k, (const char *)data, size, &bad) == 0) {
		for (i = 1; i < k.n; i++)
			if (k.syms[i - 1].addr > k.syms[i].addr)
				abort();
		for (i = 0; i < k.n; i++) {
			const char *n = kallsyms__lookup(&k, k.syms[i].addr);

			if (!n || !*n)
				abort();
			(void)kallsyms__lookup(&k, k.syms[i].addr - 1);
		}
	}
	kallsyms__release(&k);
	return 0;
}
