/*
 * diff.c - building a differential profile from two profiles (see diff.h).
 * Frames are matched by name only, as the Perl script matches stack text.
 */
#include "profile/diff.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* s/0x[0-9a-fA-F]+/0x.../g into *@buf; returns the new length. */
static size_t strip_hex(const char *s, size_t len, char **buf, size_t *cap)
{
	size_t i = 0, n = 0;

	XGROW(*buf, *cap, len * 2 + 8);
	while (i < len) {
		if (s[i] == '0' && i + 2 < len && s[i + 1] == 'x' && is_hex(s[i + 2])) {
			memcpy(*buf + n, "0x...", 5);
			n += 5;
			i += 2;
			while (i < len && is_hex(s[i]))
				i++;
			continue;
		}
		(*buf)[n++] = s[i++];
	}
	return n;
}

static void add_side(struct profile *out, const struct profile *src, unsigned col, bool strip)
{
	size_t nframes = src->frames.n, nstacks = src->stacks.n, i;
	u32 *fmap = xmalloc((nframes + 1) * sizeof(*fmap));
	u32 *smap = xmalloc((nstacks + 1) * sizeof(*smap));
	char *buf = NULL;
	size_t cap = 0;

	for (i = 0; i < nframes; i++) {
		size_t len;
		const char *name = strtab__get(&src->strings, src->frames.frames[i].name, &len);

		if (strip) {
			len = strip_hex(name, len, &buf, &cap);
			name = buf;
		}
		fmap[i] = profile__frame(out, name, len, FRAME_KIND__USER);
	}
	smap[0] = STACK_ROOT;
	for (i = 1; i < nstacks; i++)	/* parents come before children */
		smap[i] = stack_trie__child(&out->stacks, smap[src->stacks.parent[i]], fmap[src->stacks.frame[i]]);
	for (i = 0; i < nstacks && i < src->vcap; i++)
		if (src->present[i])
			profile__add(out, smap[i], col, src->values[i * src->ncols]);
	free(fmap);
	free(smap);
	free(buf);
}

struct profile *profile__diff(const struct profile *a, const struct profile *b, const struct diff_opts *o)
{
	struct profile *out = profile__new(2);
	u64 ta = profile__total(a, 0), tb = profile__total(b, 0);
	size_t i;

	add_side(out, a, 0, o->strip_hex);
	add_side(out, b, 1, o->strip_hex);
	if (o->normalize && ta != tb && ta != 0) {
		for (i = 0; i < out->stacks.n && i < out->vcap; i++) {
			u64 *v = &out->values[i * 2];

			double scaled = (double)v[0] * (double)tb / (double)ta;

			if (out->present[i])	/* Perl's int(); saturating, as the counts are */
				v[0] = scaled >= 18446744073709551615.0 ? UINT64_MAX : (u64)scaled;
		}
	}
	return out;
}
