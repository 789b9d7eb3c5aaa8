/*
 * strtab.c - string interning with an open-addressing table (linear probing,
 * load factor <= 1/2). Owns every string of a profile.
 */
#include "profile/strtab.h"
#include "base/hash.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

static void rehash(struct strtab *t, size_t nslots)
{
	u32 *slots = xcalloc(nslots, sizeof(*slots));
	u32 *sh = xcalloc(nslots, sizeof(*sh));
	size_t mask = nslots - 1, i;

	for (i = 0; i < t->n; i++) {
		size_t len;
		const char *s = strtab__get(t, (u32)i, &len);
		u64 h = hash_bytes(s, len, 0);
		size_t j = h & mask;

		while (slots[j])
			j = (j + 1) & mask;
		slots[j] = (u32)i + 1;
		sh[j] = (u32)(h >> 32);
	}
	free(t->slots);
	free(t->slot_hash);
	t->slots = slots;
	t->slot_hash = sh;
	t->mask = mask;
}

void strtab__init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	rehash(t, 1024);
	strtab__intern(t, "", 0);
}

void strtab__release(struct strtab *t)
{
	free(t->bytes);
	free(t->off_len);
	free(t->slots);
	free(t->slot_hash);
	memset(t, 0, sizeof(*t));
}

u32 strtab__intern_hashed(struct strtab *t, const char *s, size_t len, u64 h)
{
	size_t j = h & t->mask;
	u32 tag = (u32)(h >> 32);
	u32 id;

	if (len > STRTAB_MAX_LEN)
		len = STRTAB_MAX_LEN;
	while (t->slots[j]) {
		if (t->slot_hash[j] == tag) {
			size_t l;
			const char *o = strtab__get(t, t->slots[j] - 1, &l);

			if (l == len && !memcmp(o, s, len))
				return t->slots[j] - 1;
		}
		j = (j + 1) & t->mask;
	}
	id = (u32)t->n;
	XGROW(t->off_len, t->ncap, t->n + 1);
	XGROW(t->bytes, t->cap, t->len + len + 1);
	memcpy(t->bytes + t->len, s, len);
	t->bytes[t->len + len] = '\0';
	t->off_len[id] = (u64)t->len << 24 | len;
	t->len += len + 1;
	t->n++;
	t->slots[j] = id + 1;
	t->slot_hash[j] = tag;
	if (t->n * 2 > t->mask + 1)
		rehash(t, (t->mask + 1) * 2);
	return id;
}

u32 strtab__intern(struct strtab *t, const char *s, size_t len)
{
	if (len > STRTAB_MAX_LEN)
		len = STRTAB_MAX_LEN;
	return strtab__intern_hashed(t, s, len, hash_bytes(s, len, 0));
}
