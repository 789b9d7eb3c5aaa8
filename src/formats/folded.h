/*
 * folded.h - folded stacks ("a;b;c 12"), the format of FlameGraph's
 * stackcollapse-*.pl and flamegraph.pl. The reader follows flamegraph.pl's
 * grammar; the writer prints one line per sampled stack, sorted bytewise.
 */
#ifndef EMBER_FOLDED_H
#define EMBER_FOLDED_H

#include <stdio.h>
#include "base/err.h"
#include "base/instream.h"
#include "profile/profile.h"

struct folded_read_stats {
	u64 lines;		/* lines read */
	u64 ignored;		/* lines without a valid count */
	bool differential;	/* some line had two counts ("stack c1 c2") */
};

/*
 * Read folded stacks from @in into a new profile (*@out, owned by the
 * caller). The count is the last whitespace-separated number (digits with
 * an optional fraction, rounded to an integer); a stack that ends in a
 * second number is a differential line (column 0 = first count, column 1 =
 * second count) and the profile then has two columns. Duplicate stacks are
 * summed. Lines without a count are counted in @stats and logged in @log.
 * Returns 0, or a negative code with @diag filled (read errors, or no line
 * with a count at all: -EM_E_EMPTY_INPUT).
 */
int folded_read(struct instream *in, struct profile **out, struct folded_read_stats *stats,
		struct diag_log *log, struct em_diag *diag) __must_check;

/*
 * folded_read() of @n inputs summed into one profile; it fails only when no
 * input has a line with a count.
 */
int folded_read_all(struct instream **ins, size_t n, struct profile **out,
		    struct folded_read_stats *stats, struct diag_log *log, struct em_diag *diag)
	__must_check;

/* Add the folded lines of @in to an existing profile @p (same rules). */
int folded_read_into(struct instream *in, struct profile *p, struct folded_read_stats *stats,
		     struct diag_log *log, struct em_diag *diag) __must_check;

/*
 * True when @data (the start of an input) looks like folded stacks: most of
 * its first lines (blank and '#' lines aside) end in a count.
 */
bool folded_probe(const char *data, size_t len);

/*
 * Write every sampled stack of @p as "frame;frame;... count" (one column) or
 * "... c1 c2" (two columns), sorted bytewise, to @f. Returns 0 or -errno.
 */
int folded_write(FILE *f, const struct profile *p) __must_check;

/*
 * The sampled stacks of @p as joined strings, sorted bytewise: an array of
 * stack ids (*@ids, caller frees) in output order. Shared by writers that
 * need folded order.
 */
size_t folded_sorted_stacks(const struct profile *p, u32 **ids);

#endif
