/*
 * format.h - the input formats ember reads and how they are told apart:
 * one registry, so `collapse`, `flame` and `diff` accept the same inputs.
 * Detection looks at the first decoded bytes (after gzip/xz), never at the
 * file name.
 */
#ifndef EMBER_FORMAT_H
#define EMBER_FORMAT_H

#include "base/err.h"
#include "base/instream.h"
#include "formats/perf_script.h"
#include "profile/profile.h"

enum input_format {
	INPUT_FORMAT__AUTO,
	INPUT_FORMAT__PERF_SCRIPT,
	INPUT_FORMAT__FOLDED,
	INPUT_FORMAT__PPROF,
};

/* "auto", "perf-script", "folded", "pprof" → format; -1 for an unknown name. */
int input_format__parse(const char *name);
const char *input_format__name(enum input_format f);

/*
 * Guess the format of @in from its first bytes (peeked, not consumed):
 * pprof (protobuf), folded (most first lines end in a count), else
 * `perf script` text. Returns the format or a negative read error.
 */
int input_format__detect(struct instream *in, struct em_diag *diag);

struct format_read_stats {
	enum input_format format;	/* what was read (of the first input) */
	struct perf_script_stats perf;	/* when perf script text */
	u64 lines, ignored;		/* folded: lines, lines without a count */
	bool differential;		/* folded: some line had two counts */
};

/*
 * Read @n inputs of format @f (AUTO: detected from the first input; all
 * inputs must then be of that format) into a new profile *@out. `perf
 * script` inputs are read as one stream (as stackcollapse-perf.pl reads its
 * files) with @perf options; folded and pprof inputs are summed. Returns 0
 * or a negative code with @diag filled.
 */
int format_read(struct instream **ins, size_t n, enum input_format f,
		const struct perf_script_opts *perf, struct profile **out,
		struct format_read_stats *stats, struct diag_log *log, struct em_diag *diag)
	__must_check;

#endif
