/*
 * perf_script_options.h - the option rows for folding `perf script` text
 * (stackcollapse-perf.pl's options), shared by every command that reads it
 * (collapse, flame), so their names and help cannot drift apart.
 * @ps is a struct perf_script_opts *, @all a bool * for --all; after
 * parsing, call perf_script_options__finish().
 */
#ifndef EMBER_PERF_SCRIPT_OPTIONS_H
#define EMBER_PERF_SCRIPT_OPTIONS_H

#include "cli/opt.h"
#include "formats/perf_script.h"

#define PERF_SCRIPT_OPTION_ROWS(ps, all)                                                              \
	{ "pid", 0, OPT_FLAG, &(ps)->include_pid, NULL, "include the PID in process names (comm-PID)" },    \
	{ "tid", 0, OPT_FLAG, &(ps)->include_tid, NULL, "include PID and TID in process names (comm-PID/TID)" }, \
	{ "kernel", 0, OPT_FLAG, &(ps)->annotate_kernel, NULL, "annotate kernel frames with _[k]" },        \
	{ "jit", 0, OPT_FLAG, &(ps)->annotate_jit, NULL, "annotate JIT frames (/tmp/perf-PID.map) with _[j]" }, \
	{ "all", 0, OPT_FLAG, (all), NULL, "all annotations (--kernel --jit)" },                           \
	{ "addrs", 0, OPT_FLAG, &(ps)->include_addrs, NULL, "include raw addresses where symbols are unknown" }, \
	{ "event-filter", 0, OPT_STRING, &(ps)->event_filter, "EVENT",                                    \
	  "keep samples of EVENT (default: the first event type seen)" }

static inline void perf_script_options__finish(struct perf_script_opts *ps, bool all)
{
	if (all)
		ps->annotate_kernel = ps->annotate_jit = true;
}

#endif
