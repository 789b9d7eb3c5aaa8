/*
 * hash.h - the one hash function ember uses for its tables: 64-bit,
 * 16 bytes at a time with a folded 128-bit multiply and a murmur3 finaliser. Hand-written because it sits on
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

static inline u64 hash_load64(const unsigned char *p)
{
	u64 w;

	memcpy(&w, p, 8);
	return w;
}

/* 64x64 -> 128-bit multiply, folded: the mixing step (as in wyhash). */
static inline u64 hash_mum(u64 a, u64 b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (u64)r ^ (u64)(r >> 64);
}

/*
 * 16 bytes per step with one wide multiply. The tail is read as the last
 * 8 bytes of the key (overlapping bytes already mixed) rather than copied
 * byte by byte, which would stall on store forwarding.
 */
static inline u64 hash_bytes(const void *data, size_t len, u64 seed)
{
	const unsigned char *p = data;
	u64 h = seed ^ 0x9e3779b97f4a7c15ULL ^ ((u64)len << 32);
	size_t n = len;

	while (n > 16) {
		h = hash_mum(hash_load64(p) ^ 0xa0761d6478bd642fULL, hash_load64(p + 8) ^ h);
		p += 16;
		n -= 16;
	}
	if (len >= 16) {
		h = hash_mum(hash_load64(p + n - 16) ^ 0xe7037ed1a0b428dbULL,
			     hash_load64(p + n - 8) ^ h);
	} else if (len >= 8) {
		h = hash_mum(hash_load64(p) ^ 0xe7037ed1a0b428dbULL,
			     hash_load64(p + len - 8) ^ h);
	} else {
		u64 w = 0;
		size_t i;

		for (i = 0; i < len; i++)
			w |= (u64)p[i] << (8 * i);
		h = hash_mum(w ^ 0xe7037ed1a0b428dbULL, h ^ 0x8ebc6af09c88c6e3ULL);
	}
	return hash_mix64(h);
}

static inline u64 hash_pair(u32 a, u32 b)
{
	return hash_mix64(((u64)a << 32 | b) + 0x9e3779b97f4a7c15ULL);
}

#endif
