/*
 * loader_common.c - libbpf's message filter and per-CPU counter reads for
 * both BPF loaders (see loader_common.h).
 */
#include "record/bpf/loader_common.h"
#include "record/bpf_counters.h"
#include "base/xalloc.h"

#include <bpf/bpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ember_bpf__print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("EMBER_BPF_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int ember_bpf__read_counters(const struct bpf_map *map, int ncpus, size_t value_size, size_t counters_size,
			     void *out)
{
	/* the value of a per-CPU map: one per possible CPU, each rounded up to 8 bytes */
	size_t stride = (value_size + 7) & ~(size_t)7;
	u8 *vals = xcalloc((size_t)ncpus, stride);
	u32 key = 0;
	int err = 0;

	memset(out, 0, counters_size);
	if (bpf_map__lookup_elem(map, &key, sizeof(key), vals, stride * (size_t)ncpus, 0))
		err = -errno;
	else
		bpf_counters__sum(vals, (size_t)ncpus, stride, counters_size / 8, out);
	free(vals);
	return err;
}
