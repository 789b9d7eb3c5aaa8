/*
 * svg.h - writes a flame layout as an interactive SVG with flamegraph.pl's
 * structure, attributes, geometry and label fitting (so the frames match
 * the Perl script's), ember's own embedded viewer script (src/render/assets)
 * and XML escaping that keeps any frame name safe. Also the error SVG for
 * empty input and the --nameattr table.
 */
#ifndef EMBER_RENDER_SVG_H
#define EMBER_RENDER_SVG_H

#include <stdio.h>
#include "base/err.h"
#include "profile/strtab.h"
#include "render/color.h"
#include "render/layout.h"

/* --nameattr: extra attributes for the frames of given function names. */
struct flame_nameattr {
	struct strtab names;
	struct flame_attrs {
		char *title, *id, *class_, *g_extra, *href, *target, *a_extra;
		bool present;	/* the file has a line for this name */
	} *attrs;		/* per names id */
	size_t cap;
};

struct flame_svg_opts {
	const char *title;	/* NULL = "Flame Graph" / "Icicle Graph" / "Flame Chart" */
	const char *subtitle;	/* NULL or "" = none */
	unsigned width;		/* image width in pixels (1200) */
	unsigned frameheight;	/* pixels per frame (16) */
	double fontsize;	/* 12 */
	double fontwidth;	/* average glyph width relative to fontsize (0.59) */
	const char *fonttype;	/* "Verdana" */
	const char *countname;	/* "samples" */
	const char *nametype;	/* "Function:" */
	const char *notes;	/* NULL or text for the NOTES comment */
	const char *encoding;	/* NULL or the XML declaration's encoding */
	const char *bgcolor1, *bgcolor2;	/* background gradient */
	double factor;		/* counts are multiplied by this in labels (1) */
	bool inverted;		/* icicle: root at the top */
	bool negate;		/* differential: swap red and blue */
	bool no_script;		/* leave the viewer script out (golden tests) */
	struct flame_nameattr *nameattr;	/* or NULL (looking names up interns them) */
};

/* The defaults of flamegraph.pl. */
void flame_svg_opts__init(struct flame_svg_opts *o);

/*
 * Write the SVG of @l to @f, colouring frames with @color. Returns 0 or
 * -errno when writing fails.
 */
int flame_svg__write(FILE *f, const struct flame_layout *l, struct flame_color *color,
		     const struct flame_svg_opts *o) __must_check;

/* flamegraph.pl's error SVG for input without counts. Returns 0 or -errno. */
int flame_svg__write_error(FILE *f, const struct flame_svg_opts *o, const char *message) __must_check;

/* Read a --nameattr file ("name<TAB>key=value<TAB>..."). Returns 0 or negative with @diag. */
int flame_nameattr__load(struct flame_nameattr *na, const char *path, struct em_diag *diag) __must_check;
void flame_nameattr__release(struct flame_nameattr *na);

/* "1234567" → "1,234,567" into @out (size @n), as flamegraph.pl prints counts. */
void flame_svg__commas(char *out, size_t n, const char *digits);

#endif
