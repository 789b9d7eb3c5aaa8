/*
 * cmd_flame.c - `ember flame`: folded stacks or `perf script` text → an
 * interactive SVG flame graph with flamegraph.pl's options and picture, and
 * `--diff A B` for a differential graph in one step. Reading, layout,
 * colours and SVG live in src/render and src/profile/diff.c; this file turns
 * argv into options and reports the outcome.
 */
#include "cli/cmd.h"
#include "cli/opt.h"
#include "cli/perf_script_options.h"
#include "cli/report.h"
#include "profile/diff.h"
#include "render/color.h"
#include "render/input.h"
#include "render/layout.h"
#include "render/svg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct flame_opts {
	struct flame_svg_opts svg;
	const char *minwidth, *colors, *bgcolors, *nameattr, *palfile, *output, *total, *countname;
	unsigned width, height;
	bool hash, random, cp, reverse, flamechart, diff, diff_n, diff_s, quiet, annotate_all;
	struct perf_script_opts perf;	/* for `perf script` input, as ember collapse */
};

static const struct opt_usage flame_usage = {
	.synopsis = "ember flame [OPTIONS] [FILE...]\n       ember flame --diff [-n] [-s] [OPTIONS] BEFORE AFTER",
	.summary =
		"Draw an interactive SVG flame graph (stdout, or -o FILE) from folded stacks\n"
		"(\"a;b;c 12\", as from `ember collapse`), `perf script` text or pprof, recognised\n"
		"by content. Options, defaults and the drawn frames are flamegraph.pl's.\n"
		"Folded lines with two counts (\"stack before after\", as `ember diff` writes) give\n"
		"a differential graph: widths from the second count, red grew, blue shrank.",
	.footer =
		"examples:\n"
		"  perf script | ember flame > cpu.svg\n"
		"  ember flame --title 'page faults' --colors mem faults.folded -o faults.svg\n"
		"  ember flame --diff before.folded after.folded > diff.svg\n"
		"\nthe viewer: click zooms, Ctrl-F searches (regex), 'ic' toggles case; zoom and search\n"
		"are kept in the URL. EMBER_DETERMINISTIC=1 fixes --random's seed and leaves the\n"
		"viewer script out (for golden tests).\n",
};

static int parse_minwidth(const char *s, struct flame_layout_opts *lo)
{
	size_t n = strlen(s), i;
	char *end;

	if (!n)
		return -1;
	lo->minwidth_pct = s[n - 1] == '%';
	for (i = 0; i < n - lo->minwidth_pct; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
			return -1;
	lo->minwidth = strtod(s, &end);
	return end == s ? -1 : 0;
}

static int draw(FILE *out, const struct profile *p, const struct flame_seq *seq, struct flame_opts *o,
		const struct flame_layout_opts *lo, struct flame_color *color, struct em_diag *diag)
{
	struct flame_layout l;
	int err = flame_layout__build(&l, p, seq, lo, diag);

	if (err)
		return err;
	if (lo->total && lo->total < l.time && !o->quiet)
		report_error("warning: --total %llu is less than the counts' sum %llu, so it is ignored",
			     (unsigned long long)lo->total, (unsigned long long)l.time);
	err = flame_svg__write(out, &l, color, &o->svg);
	flame_layout__release(&l);
	return err;
}

int cmd_flame(int argc, const char **argv)
{
	struct flame_opts o = { .minwidth = "0.1", .colors = "hot", .bgcolors = "", .palfile = "palette.map",
				.width = 1200, .height = 16 };
	struct flame_nameattr nameattr;
	bool have_nameattr = false, det = getenv("EMBER_DETERMINISTIC") && *getenv("EMBER_DETERMINISTIC");
	struct flame_layout_opts lo = { 0 };
	struct flame_input fi = { 0 };
	struct flame_color color;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *diffp = NULL;
	struct flame_seq seq, *seqp = NULL;
	enum flame_palette pal;
	FILE *out = NULL;
	int nargs, code = 0, err;

	flame_svg_opts__init(&o.svg);
	{
		const struct opt options[] = {
			{ NULL, 0, OPT_GROUP, NULL, NULL, "flamegraph.pl options:" },
			{ "title", 0, OPT_STRING, &o.svg.title, "TEXT", "title (default \"Flame Graph\")" },
			{ "subtitle", 0, OPT_STRING, &o.svg.subtitle, "TEXT", "second-level title" },
			{ "width", 0, OPT_UINT, &o.width, "NUM", "image width in pixels (default 1200)" },
			{ "height", 0, OPT_UINT, &o.height, "NUM", "height of each frame (default 16)" },
			{ "minwidth", 0, OPT_STRING, &o.minwidth, "NUM[%]", "omit frames narrower than NUM pixels, or NUM% of the total (default 0.1)" },
			{ "fonttype", 0, OPT_STRING, &o.svg.fonttype, "FONT", "font (default \"Verdana\")" },
			{ "fontsize", 0, OPT_DOUBLE, &o.svg.fontsize, "NUM", "font size (default 12)" },
			{ "fontwidth", 0, OPT_DOUBLE, &o.svg.fontwidth, "NUM", "average glyph width relative to the font size (default 0.59)" },
			{ "countname", 0, OPT_STRING, &o.countname, "TEXT", "what the counts are (default \"samples\"; a pprof input's unit)" },
			{ "nametype", 0, OPT_STRING, &o.svg.nametype, "TEXT", "what the names are (default \"Function:\")" },
			{ "nameattr", 0, OPT_STRING, &o.nameattr, "FILE", "extra SVG attributes per function name" },
			{ "colors", 0, OPT_STRING, &o.colors, "PALETTE", "hot (default), mem, io, wakeup, chain, java, js, perl, red, green, blue, aqua, yellow, purple, orange" },
			{ "bgcolors", 0, OPT_STRING, &o.bgcolors, "COLOR", "background: yellow, blue, green, grey or #rrggbb (default by palette)" },
			{ "hash", 0, OPT_FLAG, &o.hash, NULL, "colours keyed by a hash of the function name" },
			{ "random", 0, OPT_FLAG, &o.random, NULL, "random colours" },
			{ "cp", 0, OPT_FLAG, &o.cp, NULL, "consistent palette: reuse and update the palette file" },
			{ "palfile", 0, OPT_STRING, &o.palfile, "FILE", "palette file for --cp (default palette.map)" },
			{ "reverse", 0, OPT_FLAG, &o.reverse, NULL, "reverse the stacks (merge from the leaves)" },
			{ "inverted", 0, OPT_FLAG, &o.svg.inverted, NULL, "icicle graph (root at the top)" },
			{ "flamechart", 0, OPT_FLAG, &o.flamechart, NULL, "flame chart: keep the input order, do not sort" },
			{ "negate", 0, OPT_FLAG, &o.svg.negate, NULL, "swap the differential hues (blue grew, red shrank)" },
			{ "factor", 0, OPT_DOUBLE, &o.svg.factor, "NUM", "multiply the counts in the labels by NUM (default 1)" },
			{ "total", 0, OPT_STRING, &o.total, "NUM", "graph width in counts, when larger than the sum" },
			{ "notes", 0, OPT_STRING, &o.svg.notes, "TEXT", "notes comment in the SVG" },
			{ "encoding", 0, OPT_STRING, &o.svg.encoding, "NAME", "XML encoding declaration" },
			{ NULL, 0, OPT_GROUP, NULL, NULL, "ember options:" },
			{ "diff", 0, OPT_FLAG, &o.diff, NULL, "differential graph of two inputs BEFORE AFTER (as ember diff)" },
			{ "normalize", 'n', OPT_FLAG, &o.diff_n, NULL, "with --diff: scale BEFORE to AFTER's total" },
			{ "strip-hex", 's', OPT_FLAG, &o.diff_s, NULL, "with --diff: replace hex addresses (0x...) in names" },
			{ NULL, 0, OPT_GROUP, NULL, NULL, "for `perf script` input (as ember collapse / stackcollapse-perf.pl):" },
			PERF_SCRIPT_OPTION_ROWS(&o.perf, &o.annotate_all),
			{ NULL, 0, OPT_GROUP, NULL, NULL, "output:" },
			{ "output", 'o', OPT_STRING, &o.output, "FILE", "write to FILE instead of stdout" },
			{ "quiet", 'q', OPT_FLAG, &o.quiet, NULL, "do not print warnings" },
			{ NULL, 0, OPT_END, NULL, NULL, NULL },
		};

		nargs = opt_parse(argc, argv, options, &flame_usage);
		if (nargs < 0)
			return nargs == -2 ? EXIT_OK : EXIT_USAGE;
	}
	o.svg.width = o.width;
	o.svg.frameheight = o.height;
	lo.reverse = o.reverse;
	lo.flamechart = o.flamechart;
	lo.image_width = o.width;
	if (o.flamechart && !o.svg.title)
		o.svg.title = "Flame Chart";
	pal = flame_palette__parse(o.colors);
	if (pal == FLAME_PALETTE__UNKNOWN) {
		report_error("unknown palette '%s' for --colors (see --help)", o.colors);
		return EXIT_USAGE;
	}
	lo.chain = pal == FLAME_PALETTE__CHAIN;
	if (parse_minwidth(o.minwidth, &lo)) {
		report_error("option '--minwidth' expects a number of pixels or a percentage, got '%s'", o.minwidth);
		return EXIT_USAGE;
	}
	if (o.total) {
		char *end;

		lo.total = strtoull(o.total, &end, 10);
		if (end == o.total || (*end && *end != '.')) {
			report_error("option '--total' expects a number, got '%s'", o.total);
			return EXIT_USAGE;
		}
	}
	if (o.width < 30 || o.width > 1000000 || !o.height || o.svg.fontsize <= 0 || o.svg.fontwidth <= 0) {
		report_error("--width must be 30..1000000, --height, --fontsize and --fontwidth positive");
		return EXIT_USAGE;
	}
	if (o.svg.notes && strpbrk(o.svg.notes, "<>")) {
		report_error("notes can't contain < or >");
		return EXIT_USAGE;
	}
	if (flame_background__parse(*o.bgcolors ? o.bgcolors : flame_palette__default_bg(pal),
				    &o.svg.bgcolor1, &o.svg.bgcolor2)) {
		report_error("unrecognized --bgcolors '%s' (yellow, blue, green, grey or #rrggbb)", o.bgcolors);
		return EXIT_USAGE;
	}
	if (o.nameattr) {
		err = flame_nameattr__load(&nameattr, o.nameattr, &diag);
		if (err)
			return report_exit(err, &diag);
		have_nameattr = true;
		o.svg.nameattr = &nameattr;
	}
	o.svg.no_script = det;
	flame_color__init(&color, pal, o.hash, o.random, det ? 42 : (u64)time(NULL) ^ (u64)getpid() << 16);
	if (o.cp) {
		err = flame_color__load_palette(&color, o.palfile, &diag);
		if (err) {
			code = report_exit(err, &diag);
			goto out;
		}
	}

	if (o.diff) {
		struct diff_opts dopts = { .normalize = o.diff_n, .strip_hex = o.diff_s };

		if (nargs != 2) {
			report_error("--diff needs two inputs, BEFORE and AFTER (got %d)", nargs);
			code = EXIT_USAGE;
			goto out;
		}
		err = flame_input__read_diff(argv[1], argv[2], &dopts, &diffp, &log, &diag);
		if (err && err != -EM_E_EMPTY_INPUT)
			code = report_exit(err, &diag);
	} else {
		struct instream **ins;
		size_t nin;

		code = inputs_open(nargs, argv, &ins, &nin);
		if (!code) {
			perf_script_options__finish(&o.perf, o.annotate_all);
			err = flame_input__read(&fi, ins, nin, o.flamechart, &o.perf, &log, &diag);
			inputs_close(ins, nin);
			if (err && err != -EM_E_EMPTY_INPUT)
				code = report_exit(err, &diag);
		}
	}
	if (!o.quiet)
		report_warnings(&log);
	if (code)
		goto out;
	out = output_open(o.output);
	if (!out) {
		code = EXIT_FAILURE_RUNTIME;
		goto out;
	}
	if (o.countname) {
		o.svg.countname = o.countname;
	} else if (fi.p && fi.format == INPUT_FORMAT__PPROF) {
		/* pprof says what its values are: "nanoseconds", "bytes", ... */
		size_t len;
		const char *unit = strtab__get(&fi.p->strings, fi.p->types[0].unit, &len);

		if (len && strcmp(unit, "count"))
			o.svg.countname = unit;
	}
	if (fi.seq_stacks) {
		seq.stacks = fi.seq_stacks;
		seq.values = fi.seq_values;
		seq.n = fi.nseq;
		seqp = &seq;
	}
	err = -EM_E_EMPTY_INPUT;
	if (diffp || fi.p)
		err = draw(out, diffp ? diffp : fi.p, seqp, &o, &lo, &color, &diag);
	if (err == -EM_E_EMPTY_INPUT) {
		/* like flamegraph.pl: an error SVG for tools, and a failing exit */
		if (flame_svg__write_error(out, &o.svg, "ERROR: No valid input provided to ember flame."))
			err = -EIO;
		report_error("%s%s%s: no stack counts found; wrote an error SVG", diag.path ? "'" : "",
			     diag.path ? diag.path : "input", diag.path ? "'" : "");
		output_close(out, o.output);
		code = EXIT_BAD_INPUT;
		goto out;
	}
	code = output_close(out, o.output);
	if (err && !code)
		code = report_exit(err, &diag);
	if (!code && o.cp) {
		err = flame_color__save_palette(&color, o.palfile, &diag);
		if (err)
			code = report_exit(err, &diag);
	}
out:
	flame_color__release(&color);
	if (have_nameattr)
		flame_nameattr__release(&nameattr);
	flame_input__release(&fi);
	profile__free(diffp);
	return code;
}
