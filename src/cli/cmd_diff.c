/*
 * cmd_diff.c - `ember diff`: two profiles (folded stacks or `perf script`
 * text) → "stack countA countB" lines, as FlameGraph's difffolded.pl
 * writes them (sorted here). The work is profile__diff() and folded_write().
 */
#include "cli/cmd.h"
#include "cli/opt.h"
#include "cli/report.h"
#include "formats/folded.h"
#include "profile/diff.h"
#include "render/input.h"

#include <stdio.h>
#include <string.h>

static const struct opt_usage diff_usage = {
	.synopsis = "ember diff [-n] [-s] [-o FILE] BEFORE AFTER",
	.summary =
		"Write one line per stack seen in either input, \"stack countBEFORE countAFTER\"\n"
		"(0 where a stack is missing), with difffolded.pl's rules, sorted. Inputs are folded\n"
		"stacks, `perf script` text or pprof (gzip/xz allowed). Draw the result with\n"
		"`ember flame`:"
		" widths from AFTER, red where a stack grew, blue where it shrank.",
	.footer =
		"examples:\n"
		"  ember diff before.folded after.folded | ember flame > diff.svg\n"
		"  ember diff -n -s before.perf.gz after.perf.gz > diff.folded\n",
};

int cmd_diff(int argc, const char **argv)
{
	struct diff_opts d = { 0 };
	const char *output = NULL;
	bool quiet = false;
	const struct opt options[] = {
		{ "normalize", 'n', OPT_FLAG, &d.normalize, NULL, "scale BEFORE's counts to AFTER's total" },
		{ "strip-hex", 's', OPT_FLAG, &d.strip_hex, NULL, "replace hex addresses (0x...) in names" },
		{ "output", 'o', OPT_STRING, &output, "FILE", "write to FILE instead of stdout" },
		{ "quiet", 'q', OPT_FLAG, &quiet, NULL, "do not print warnings" },
		{ NULL, 0, OPT_END, NULL, NULL, NULL },
	};
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL;
	int nargs, code = 0, err;
	FILE *out;

	nargs = opt_parse(argc, argv, options, &diff_usage);
	if (nargs < 0)
		return nargs == -2 ? EXIT_OK : EXIT_USAGE;
	if (nargs != 2) {
		report_error("diff needs two inputs, BEFORE and AFTER (got %d; see --help)", nargs);
		return EXIT_USAGE;
	}
	err = flame_input__read_diff(argv[1], argv[2], &d, &p, &log, &diag);
	if (err)
		code = report_exit(err, &diag);
	if (!quiet)
		report_warnings(&log);
	if (code)
		goto out;
	out = output_open(output);
	if (!out) {
		code = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	err = folded_write(out, p);
	code = output_close(out, output);
	if (err && !code)
		code = report_exit(err, NULL);
out:
	profile__free(p);
	return code;
}
