/*
 * perf_script_parser.h - internal to src/formats: one parser per thread.
 * A parser owns a profile and a cache from frame-line text to frame ids and
 * keeps stackcollapse-perf.pl's state (current process name, period and
 * frames) between chunks, so a chunk that starts mid-sample can follow the
 * chunk before it on the same parser.
 */
#ifndef EMBER_PERF_SCRIPT_PARSER_H
#define EMBER_PERF_SCRIPT_PARSER_H

#include "formats/perf_script.h"

struct ps_parser;

/* Where a warning happened: a chunk sequence number and a line within it. */
struct ps_warning {
	u64 chunk;
	u64 line;		/* 1-based within the chunk */
	char msg[200];
};

#define PS_WARN_KEEP 8

struct ps_parser_result {
	u64 lines, samples, filtered, unrecognized;
	u64 nwarn;			/* all warnings */
	unsigned kept;			/* warnings stored below, in input order */
	struct ps_warning warn[PS_WARN_KEEP];
	bool have_mismatch;		/* saw an event other than the filter */
	u64 mismatch_chunk, mismatch_line;
	char mismatch_event[128];
};

/*
 * @filter points at the driver's filter string (read-only here), which the
 * driver fills before handing out any chunk that has a matching header.
 */
struct ps_parser *ps_parser__new(const struct perf_script_opts *opts, const char *const *filter,
				 const size_t *filter_len);
void ps_parser__free(struct ps_parser *p);

/*
 * Parse the complete lines in @data[0..len) (the last one may lack '\n').
 * @chunk numbers the chunk for warnings. Returns the number of lines.
 */
u64 ps_parser__feed(struct ps_parser *p, const char *data, size_t len, u64 chunk);

/* True when the parser is inside a sample (a header seen, no blank line yet). */
bool ps_parser__in_sample(const struct ps_parser *p);

/* Record a skipped over-long line at (@chunk, @line). */
void ps_parser__warn_too_long(struct ps_parser *p, u64 chunk, u64 line);

struct profile *ps_parser__profile(struct ps_parser *p);
struct ps_parser_result *ps_parser__result(struct ps_parser *p);

/*
 * If @line is a sample header that names an event (the Perl script's two
 * header regexes), copy the event to @event (size @cap) and return true.
 */
bool ps_line_event(const char *line, size_t len, char *event, size_t cap);



/* Hand the parser's profile to the caller (the parser keeps an empty one). */
struct profile *ps_parser__take_profile(struct ps_parser *p);
#endif
