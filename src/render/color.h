/*
 * color.h - frame colours of a flame graph: every palette of flamegraph.pl
 * (hot, mem, io, wakeup, chain, java, js, perl, red, green, blue, aqua,
 * yellow, purple, orange) with its name-based, --hash and --random modes,
 * the consistent palette file (--cp), and the differential red/blue scale.
 * Colours are computed exactly as the Perl script does, Perl's rand included.
 */
#ifndef EMBER_RENDER_COLOR_H
#define EMBER_RENDER_COLOR_H

#include <stdio.h>
#include "base/compiler.h"
#include "base/err.h"
#include "profile/strtab.h"

enum flame_palette {
	FLAME_PALETTE__HOT,
	FLAME_PALETTE__MEM,
	FLAME_PALETTE__IO,
	FLAME_PALETTE__WAKEUP,
	FLAME_PALETTE__CHAIN,
	FLAME_PALETTE__JAVA,
	FLAME_PALETTE__JS,
	FLAME_PALETTE__PERL,
	FLAME_PALETTE__RED,
	FLAME_PALETTE__GREEN,
	FLAME_PALETTE__BLUE,
	FLAME_PALETTE__AQUA,
	FLAME_PALETTE__YELLOW,
	FLAME_PALETTE__PURPLE,
	FLAME_PALETTE__ORANGE,
	FLAME_PALETTE__UNKNOWN,	/* any other name: black, as flamegraph.pl draws it */
};

#define FLAME_COLOR_LEN 48	/* "rgb(r,g,b)" + NUL, with room for any int */

struct flame_color {
	enum flame_palette palette;
	bool hash;		/* --hash: colour by a hash of the name */
	bool random;		/* --random: random colours (see seed) */
	u64 rand_state;		/* drand48 state for --random */
	/* --cp: the consistent palette (name → colour), loaded and saved by the caller */
	struct strtab pal_names;
	char (*pal_colors)[FLAME_COLOR_LEN];	/* per pal_names id */
	size_t pal_cap;
};

/* Palette for @name (as given to --colors); FLAME_PALETTE__UNKNOWN if none. */
enum flame_palette flame_palette__parse(const char *name);

/* Default background gradient name for a palette ("yellow", "green", ...). */
const char *flame_palette__default_bg(enum flame_palette pal);

/*
 * --bgcolors: the gradient's two colours (*@c1 top, *@c2 bottom) for
 * "yellow", "blue", "green", "grey", or "#rrggbb" (flat, @name itself).
 * Returns 0, or -1 for anything else.
 */
int flame_background__parse(const char *name, const char **c1, const char **c2);

/*
 * Set up @c for @pal. @seed seeds --random (flamegraph.pl seeds from the
 * clock; callers pass a fixed seed for reproducible output).
 */
void flame_color__init(struct flame_color *c, enum flame_palette pal, bool hash, bool random, u64 seed);
void flame_color__release(struct flame_color *c);

/*
 * Colour of the frame @name (@len bytes, annotation included) into @out as
 * "rgb(r,g,b)". With a consistent palette loaded (flame_color__use_palette),
 * known names keep their colour and new names are added.
 */
void flame_color__frame(struct flame_color *c, const char *name, size_t len, char out[FLAME_COLOR_LEN]);

/* Differential colour for @delta given the largest |delta| @maxdelta (> 0). */
void flame_color__diff(s64 delta, u64 maxdelta, bool negate, char out[FLAME_COLOR_LEN]);

/*
 * --cp: read the palette file @path ("name->rgb(...)" lines) if it exists
 * and keep using it. Returns 0, or -errno (other than ENOENT) with @diag.
 */
int flame_color__load_palette(struct flame_color *c, const char *path, struct em_diag *diag) __must_check;

/* --cp: write every name → colour pair used or loaded, sorted by name. */
int flame_color__save_palette(const struct flame_color *c, const char *path, struct em_diag *diag) __must_check;

/* True when --cp is on (a palette was loaded or is being collected). */
static inline bool flame_color__has_palette(const struct flame_color *c)
{
	return c->pal_colors != NULL;
}

/* Perl's drand48 (since 5.20): srand(@seed) then rand() values. Exposed for tests. */
u64 flame_color__perl_srand(u32 seed);
double flame_color__perl_rand(u64 *state);

#endif
