/*
 * test_folded.c - folded stacks: flamegraph.pl's grammar on reading, sorted
 * one-space output on writing, differential lines, bad lines.
 */
#include "../lib/test.h"
#include "../lib/profile_text.h"
#include "formats/folded.h"

#include <stdlib.h>

static char *roundtrip(const char *text, int *err, struct folded_read_stats *st)
{
	struct instream *in = instream__from_memory(text, strlen(text), "t.folded");
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL;
	char *out;

	*err = folded_read(in, &p, st, &log, &diag);
	instream__free(in);
	if (*err)
		return NULL;
	out = test_folded_text(p);
	if (!out)
		*err = -1;
	profile__free(p);
	return out;
}

TEST(test_folded__sums_duplicates_and_sorts)
{
	struct folded_read_stats st;
	int err;
	char *out = roundtrip("b;c 2\na;b 1\nb;c 5\na 4\n", &err, &st);

	ASSERT_EQ_U64(err, 0);
	ASSERT_STREQ(out, "a 4\na;b 1\nb;c 7\n");
	free(out);
}

TEST(test_folded__count_is_last_number_names_keep_spaces)
{
	struct folded_read_stats st;
	int err;
	char *out = roundtrip("main;operator new(unsigned long) 12\nx;y  3\nz 2.5\n", &err, &st);

	ASSERT_EQ_U64(err, 0);
	/* the extra space stays in the name, as in flamegraph.pl; 2.5 rounds to 3 */
	ASSERT_STREQ(out, "main;operator new(unsigned long) 12\nx;y  3\nz 3\n");
	free(out);
}

TEST(test_folded__differential_lines_have_two_columns)
{
	struct folded_read_stats st;
	int err;
	char *out = roundtrip("a;b 1 5\na;c 3 0\n", &err, &st);

	ASSERT_EQ_U64(err, 0);
	ASSERT(st.differential);
	ASSERT_STREQ(out, "a;b 1 5\na;c 3 0\n");
	free(out);
}

TEST(test_folded__bad_lines_are_counted_not_fatal)
{
	struct folded_read_stats st;
	int err;
	char *out = roundtrip("garbage\na;b 2\n\x01\x02\xff\n;; 1\n", &err, &st);

	ASSERT_EQ_U64(err, 0);
	ASSERT_EQ_U64(st.ignored, 2);
	ASSERT_EQ_U64(st.lines, 4);
	/* ";; 1": Perl's split drops trailing empty frames, leaving the root */
	ASSERT_STREQ(out, " 1\na;b 2\n");
	free(out);
}

TEST(test_folded__empty_input_is_an_error)
{
	struct folded_read_stats st;
	int err;

	roundtrip("", &err, &st);
	ASSERT(err == -EM_E_EMPTY_INPUT);
	roundtrip("no counts here\n", &err, &st);
	ASSERT(err == -EM_E_EMPTY_INPUT);
}

TEST(test_folded__one_count_lines_in_a_differential_profile_count_on_both_sides)
{
	struct folded_read_stats st;
	int err;
	char *out = roundtrip("a 5\nb 1 2\n", &err, &st);

	ASSERT_EQ_U64(err, 0);
	ASSERT(st.differential);
	ASSERT_STREQ(out, "a 5 5\nb 1 2\n");
	free(out);
}
