/*
 * sorted.h - the one binary search the symbol tables share: in an array of
 * structs sorted by a u64 field, the index of the first element whose field
 * is above a given address (C++'s upper_bound).
 */
#ifndef EMBER_SORTED_H
#define EMBER_SORTED_H

#include <string.h>
#include "base/compiler.h"

/* First index in @base[0..n) (elements @stride bytes, u64 key at @key_off) with key > @addr. */
static inline size_t sorted__upper(const void *base, size_t n, size_t stride, size_t key_off, u64 addr)
{
	const u8 *b = base;
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		u64 key;

		memcpy(&key, b + mid * stride + key_off, sizeof(key));
		if (key <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

#define SORTED_UPPER(arr, n, field, addr) \
	sorted__upper((arr), (n), sizeof(*(arr)), offsetof(__typeof__(*(arr)), field), (addr))

#endif
