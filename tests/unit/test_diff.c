/*
 * test_diff.c - differential profiles with difffolded.pl's rules: union of
 * stacks, missing side 0, -n scaling (rounded down), -s hex stripping.
 */
#include "../lib/test.h"
#include "../lib/profile_text.h"
#include "formats/folded.h"
#include "profile/diff.h"

#include <stdlib.h>

static struct profile *folded(const char *text)
{
	return test_folded_profile(text, NULL);
}

static char *diff_text(const char *a, const char *b, bool n, bool s)
{
	struct profile *pa = folded(a), *pb = folded(b), *d;
	struct diff_opts o = { .normalize = n, .strip_hex = s };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (!pa || !pb)
		return NULL;
	d = profile__diff(pa, pb, &o);
	f = open_memstream(&out, &len);
	if (folded_write(f, d))
		abort();
	fclose(f);
	profile__free(pa);
	profile__free(pb);
	profile__free(d);
	return out;
}

TEST(test_diff__union_with_zero_for_missing)
{
	char *s = diff_text("a;b 3\na;c 1\n", "a;b 5\nx 2\n", false, false);

	ASSERT(s);
	ASSERT_STREQ(s, "a;b 3 5\na;c 1 0\nx 0 2\n");
	free(s);
}

TEST(test_diff__normalize_scales_a_rounding_down)
{
	/* totals 4 and 10: A's counts * 10 / 4, truncated as Perl's int() */
	char *s = diff_text("a 3\nb 1\n", "a 5\nb 5\n", true, false);

	ASSERT(s);
	ASSERT_STREQ(s, "a 7 5\nb 2 5\n");
	free(s);
}

TEST(test_diff__strip_hex_merges_addresses)
{
	char *s = diff_text("f;[lib 0x7f12ab] 2\nf;[lib 0xdeadBEEF] 1\n", "f;[lib 0x1] 4\nf;0x 1\n", false, true);

	ASSERT(s);
	ASSERT_STREQ(s, "f;0x 0 1\nf;[lib 0x...] 3 4\n");
	free(s);
}
