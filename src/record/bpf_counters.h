/*
 * bpf_counters.h - summing the per-CPU counter structs the BPF programs
 * keep (all u64, laid out first in each CPU's value).
 */
#ifndef EMBER_BPF_COUNTERS_H
#define EMBER_BPF_COUNTERS_H

#include <stddef.h>
#include "base/compiler.h"

/* @n values @stride bytes apart at @per_cpu, each starting with @words u64s, summed into @out (@words u64s). */
void bpf_counters__sum(const void *per_cpu, size_t n, size_t stride, size_t words, void *out);

#endif
