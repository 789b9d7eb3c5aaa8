/*
 * diff.h - differential profiles with difffolded.pl's semantics: the union
 * of the stacks of A and B, column 0 = A's count and column 1 = B's (a stack
 * missing on one side counts 0), optionally with A scaled to B's total (-n)
 * and hex addresses in frame names replaced by "0x..." (-s).
 */
#ifndef EMBER_PROFILE_DIFF_H
#define EMBER_PROFILE_DIFF_H

#include "profile/profile.h"

struct diff_opts {
	bool normalize;		/* -n: A's counts scaled by total(B) / total(A), rounded down */
	bool strip_hex;		/* -s: "0x[0-9a-fA-F]+" in names becomes "0x..." */
};

/*
 * A new two-column profile (caller frees) holding @a's first column as
 * column 0 and @b's as column 1, stacks matched by frame names.
 */
struct profile *profile__diff(const struct profile *a, const struct profile *b, const struct diff_opts *o);

#endif
