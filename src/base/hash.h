/*
 * hash.h - the one hash function ember uses for its tables: 64-bit,
 * word-at-a-time with a murmur3 finaliser. Hand-written because it sits on
 * the hot path of every parser (one call per input line) and has to be
 * inlined; its quality only needs to be good enough for power-of-two tables.
 */
#ifndef EMBER_HASH_H
#define EMBER_HASH_H

#include <string.h>
#include "base/compiler.h"

static inline u64 hash_mix64(u64 h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static inline u64 hash_bytes(const void *data, size_t len, u64 seed)
{
	const unsigned char *p = data;
	u64 h = seed ^ (len * 0x9e3779b97f4a7c15ULL);
	u64 w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = (h ^ (w * 0x87c37b91114253d5ULL)) * 0x4cf5ad432745937fULL;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	if (len) {
		w = 0;
		memcpy(&w, p, len);
		h = (h ^ (w * 0x87c37b91114253d5ULL)) * 0x4cf5ad432745937fULL;
	}
	return hash_mix64(h);
}

static inline u64 hash_pair(u32 a, u32 b)
{
	return hash_mix64(((u64)a << 32 | b) + 0x9e3779b97f4a7c15ULL);
}

#endif
