/*
 * perf_script.h - `perf script` text → profile, with exactly the output of
 * FlameGraph's stackcollapse-perf.pl (same options, same quirks). The input
 * is cut into chunks at sample boundaries and parsed by several threads;
 * see perf_script_parser.c for the line grammar and perf_script_driver.c
 * for the chunking.
 */
#ifndef EMBER_PERF_SCRIPT_H
#define EMBER_PERF_SCRIPT_H

#include "base/err.h"
#include "base/instream.h"
#include "profile/profile.h"

struct perf_script_opts {
	bool include_pid;	/* --pid: "comm-PID" roots */
	bool include_tid;	/* --tid: "comm-PID/TID" roots */
	bool annotate_kernel;	/* --kernel: "_[k]" on kernel frames */
	bool annotate_jit;	/* --jit: "_[j]" on /tmp/perf-PID.map frames */
	bool include_addrs;	/* --addrs: "[mod <addr>]" for unknown frames */
	const char *event_filter; /* --event-filter; NULL or "" = first event seen */
	unsigned jobs;		/* parser threads; 0 = one per CPU (max 8) */
	size_t chunk_bytes;	/* bytes per chunk; 0 = 4 MiB (tests use tiny chunks) */
};

struct perf_script_stats {
	u64 bytes;		/* input bytes after decompression */
	u64 lines;
	u64 samples;		/* samples turned into stacks */
	u64 filtered;		/* sample headers skipped by the event filter */
	u64 unrecognized;	/* lines matching no rule (skipped, as the Perl script does) */
	u64 too_long;		/* lines over the length cap (skipped) */
	bool truncated;		/* input ended inside a sample (dropped, as the Perl script does) */
	char event[128];	/* the event kept ("" when no header named one) */
	char other_event[128];	/* first other event type seen and filtered out */
	unsigned jobs;		/* threads used */
};

/*
 * Parse the `perf script` text of @n streams @ins (read in order, as one
 * input, the way Perl's <> does) into a new profile *@out (caller frees).
 * Warnings go to @log (first few, with input and line), counts to @stats.
 * Returns 0, or a negative code with @diag filled; -EM_E_EMPTY_INPUT when
 * the input held no sample at all.
 */
int perf_script_read(struct instream **ins, size_t n, const struct perf_script_opts *opts,
		     struct profile **out, struct perf_script_stats *stats,
		     struct diag_log *log, struct em_diag *diag) __must_check;

/* True when @data (the start of an input) looks like `perf script` output. */
bool perf_script_probe(const char *data, size_t len);

#endif
