/*
 * opt.h - the one option parser for every ember command: a table of
 * {long name, short name, kind, target, help}. Accepts --name=value,
 * --name value, -x value, -xVALUE, clustered short flags, repeatable
 * options (OPT_STRINGS) and "--". Prints help from the same table, so usage
 * text and behaviour cannot drift.
 */
#ifndef EMBER_OPT_H
#define EMBER_OPT_H

#include <stdio.h>
#include "base/compiler.h"

enum opt_kind {
	OPT_END,
	OPT_FLAG,	/* bool, set to true */
	OPT_STRING,	/* const char *, points into argv */
	OPT_UINT,	/* unsigned */
	OPT_DOUBLE,	/* double */
	OPT_STRINGS,	/* struct opt_strings: every occurrence, in order (repeatable) */
	OPT_GROUP,	/* heading line in help */
};

#define OPT_STRINGS_MAX 32

/* An OPT_STRINGS target: the values of each occurrence, pointing into argv. */
struct opt_strings {
	const char *v[OPT_STRINGS_MAX];
	unsigned n;
};

struct opt {
	const char *long_name;
	char short_name;
	enum opt_kind kind;
	void *target;
	const char *arg_name;	/* shown in help, e.g. "EVENT" */
	const char *help;
};

struct opt_usage {
	const char *synopsis;	/* "ember collapse [OPTIONS] [FILE...]" */
	const char *summary;	/* one paragraph */
	const char *footer;	/* examples, or NULL */
};

/*
 * Parse argv[1..argc) against @opts. Non-option arguments are moved to the
 * front of argv (after argv[0]); returns their count, or -1 after printing
 * an error to stderr, or -2 when --help was given and help was printed.
 * An option given twice keeps its last value, except OPT_STRINGS, which keeps
 * each (more than OPT_STRINGS_MAX is an error).
 */
int opt_parse(int argc, const char **argv, const struct opt *opts, const struct opt_usage *u);

void opt_print_help(FILE *f, const struct opt *opts, const struct opt_usage *u);

#endif
