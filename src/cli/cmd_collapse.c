/*
 * cmd_collapse.c - `ember collapse`: `perf script` text → folded stacks,
 * byte-identical to stackcollapse-perf.pl. Parsing lives in src/formats;
 * this file turns argv into options and reports the outcome.
 */
#include "cli/cmd.h"
#include "cli/opt.h"
#include "cli/perf_script_options.h"
#include "cli/report.h"
#include "formats/folded.h"
#include "formats/format.h"

#include <stdio.h>

struct collapse_opts {
	struct perf_script_opts ps;
	bool annotate_all;
	bool quiet;
	const char *output;
	const char *in_format;
};

static const struct opt_usage collapse_usage = {
	.synopsis = "ember collapse [OPTIONS] [FILE...]",
	.summary =
		"Fold `perf script` text into one line per unique stack (\"comm;f1;f2 count\"),\n"
		"exactly as FlameGraph's stackcollapse-perf.pl does, only faster. Reads the FILEs\n"
		"in order as one input (stdin when none); gzip and xz input is decompressed.\n"
		"Samples are weighted by perf's period when it prints one; only the first event\n"
		"type is kept unless --event-filter names another. Folded stacks and pprof\n"
		"profiles are read too (detected from their content) and written as folded.",
	.footer =
		"examples:\n"
		"  perf record -e cpu-clock -g -- ./app && perf script | ember collapse > app.folded\n"
		"  ember collapse --pid --kernel perf.txt.gz > by-pid.folded\n"
		"  ember collapse --event-filter page-faults mixed.txt\n",
};

int cmd_collapse(int argc, const char **argv)
{
	struct collapse_opts o = { 0 };
	const struct opt options[] = {
		PERF_SCRIPT_OPTION_ROWS(&o.ps, &o.annotate_all),
		{ "output", 'o', OPT_STRING, &o.output, "FILE", "write to FILE instead of stdout" },
		{ "in-format", 0, OPT_STRING, &o.in_format, "FMT", "input format: auto (default), perf-script, folded, pprof" },
		{ "jobs", 'j', OPT_UINT, &o.ps.jobs, "N", "parser threads (default: one per CPU, at most 8)" },
		{ "quiet", 'q', OPT_FLAG, &o.quiet, NULL, "do not print warnings or the summary" },
		{ NULL, 0, OPT_END, NULL, NULL, NULL },
	};
	struct format_read_stats stats;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct instream **ins;
	struct profile *p = NULL;
	size_t nin;
	FILE *out;
	int nargs, code, err, fmt = INPUT_FORMAT__AUTO;

	nargs = opt_parse(argc, argv, options, &collapse_usage);
	if (nargs < 0)
		return nargs == -2 ? EXIT_OK : EXIT_USAGE;
	perf_script_options__finish(&o.ps, o.annotate_all);
	if (o.in_format && (fmt = input_format__parse(o.in_format)) < 0) {
		report_error("unknown input format '%s' (auto, perf-script, folded, pprof)", o.in_format);
		return EXIT_USAGE;
	}
	code = inputs_open(nargs, argv, &ins, &nin);
	if (code)
		return code;
	err = format_read(ins, nin, (enum input_format)fmt, &o.ps, &p, &stats, &log, &diag);
	if (!o.quiet) {
		report_warnings(&log);
		if (stats.perf.truncated)
			report_error("warning: input ends inside a sample (truncated?); "
				     "that sample is left out, as stackcollapse-perf.pl does");
	}
	if (err) {
		code = report_exit(err, &diag);
		goto out;
	}
	out = output_open(o.output);
	if (!out) {
		code = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	err = folded_write(out, p);
	code = output_close(out, o.output);
	if (err && !code)
		code = report_exit(err, NULL);
out:
	profile__free(p);
	inputs_close(ins, nin);
	return code;
}
