/*
 * loader_common.h - what the BPF loaders (offcpu_loader.c, oncpu_loader.c)
 * share: libbpf's message filter and the read of a per-CPU counter map,
 * summed. Built only with EMBER_HAVE_BPF.
 */
#ifndef EMBER_BPF_LOADER_COMMON_H
#define EMBER_BPF_LOADER_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <bpf/libbpf.h>

/* libbpf's messages: only with EMBER_BPF_DEBUG set (a verifier log is long). */
int ember_bpf__print(enum libbpf_print_level level, const char *fmt, va_list ap);

/*
 * Key 0 of per-CPU array @map (values of @value_size bytes, counters of
 * @counters_size bytes first, all u64) summed over @ncpus CPUs into @out.
 * Returns 0, or -errno with @out zeroed.
 */
int ember_bpf__read_counters(const struct bpf_map *map, int ncpus, size_t value_size, size_t counters_size,
			     void *out);

#endif
