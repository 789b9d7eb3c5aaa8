/*
 * strtab.h - interned byte strings. Each distinct string gets a dense u32 id;
 * id 0 is always "". Strings may contain any byte (including NUL) and are
 * stored once, so memory follows the number of distinct strings.
 */
#ifndef EMBER_STRTAB_H
#define EMBER_STRTAB_H

#include "base/compiler.h"

struct strtab {
	char *bytes;		/* all strings, each followed by a NUL */
	size_t len, cap;
	u64 *off_len;		/* per id: offset << 24 | length (length < 16 MiB) */
	size_t n, ncap;
	u32 *slots;		/* open addressing: id + 1, 0 = empty */
	u32 *slot_hash;		/* upper bits of each slot's hash, to skip memcmp */
	size_t mask;
};

#define STRTAB_MAX_LEN ((1u << 24) - 1)

void strtab__init(struct strtab *t);
void strtab__release(struct strtab *t);

/*
 * Id of the string @s of @len bytes, adding it if new. Strings longer than
 * STRTAB_MAX_LEN are cut to that length (callers cap their inputs first).
 */
u32 strtab__intern(struct strtab *t, const char *s, size_t len);

/* Same, with the caller's precomputed hash_bytes(s, len, 0). */
u32 strtab__intern_hashed(struct strtab *t, const char *s, size_t len, u64 hash);

/* The string for @id; *@len gets its length. Valid until the next intern. */
static inline const char *strtab__get(const struct strtab *t, u32 id, size_t *len)
{
	u64 ol = t->off_len[id];

	*len = (size_t)(ol & STRTAB_MAX_LEN);
	return t->bytes + (ol >> 24);
}

static inline size_t strtab__count(const struct strtab *t)
{
	return t->n;
}

#endif
