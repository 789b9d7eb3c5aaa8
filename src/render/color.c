/*
 * color.c - flamegraph.pl's colour rules, computed the same way: the name
 * hash of --hash, Perl's srand/rand (drand48) behind the default "random
 * per name but stable" colours, the multi palettes that look at names and
 * annotations (_[k] _[j] _[i] _[w], and ember's _[o] off-CPU), the --cp palette file and the
 * differential scale. Names are read as characters (UTF-8), as Perl does.
 */
#include "render/color.h"
#include "render/text.h"
#include "base/xalloc.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const palette_names[] = {
	[FLAME_PALETTE__HOT] = "hot",		[FLAME_PALETTE__MEM] = "mem",
	[FLAME_PALETTE__IO] = "io",		[FLAME_PALETTE__WAKEUP] = "wakeup",
	[FLAME_PALETTE__CHAIN] = "chain",	[FLAME_PALETTE__JAVA] = "java",
	[FLAME_PALETTE__JS] = "js",		[FLAME_PALETTE__PERL] = "perl",
	[FLAME_PALETTE__RED] = "red",		[FLAME_PALETTE__GREEN] = "green",
	[FLAME_PALETTE__BLUE] = "blue",		[FLAME_PALETTE__AQUA] = "aqua",
	[FLAME_PALETTE__YELLOW] = "yellow",	[FLAME_PALETTE__PURPLE] = "purple",
	[FLAME_PALETTE__ORANGE] = "orange",
};

enum flame_palette flame_palette__parse(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(palette_names); i++)
		if (!strcmp(name, palette_names[i]))
			return (enum flame_palette)i;
	return FLAME_PALETTE__UNKNOWN;
}

const char *flame_palette__default_bg(enum flame_palette pal)
{
	switch (pal) {
	case FLAME_PALETTE__MEM:
		return "green";
	case FLAME_PALETTE__IO:
	case FLAME_PALETTE__WAKEUP:
	case FLAME_PALETTE__CHAIN:
		return "blue";
	case FLAME_PALETTE__RED: case FLAME_PALETTE__GREEN: case FLAME_PALETTE__BLUE:
	case FLAME_PALETTE__AQUA: case FLAME_PALETTE__YELLOW: case FLAME_PALETTE__PURPLE:
	case FLAME_PALETTE__ORANGE:
		return "grey";
	default:
		return "yellow";
	}
}

int flame_background__parse(const char *name, const char **c1, const char **c2)
{
	static const struct { const char *name, *c1, *c2; } bgs[] = {
		{ "yellow", "#eeeeee", "#eeeeb0" },
		{ "blue", "#eeeeee", "#e0e0ff" },
		{ "green", "#eef2ee", "#e0ffe0" },
		{ "grey", "#f8f8f8", "#e8e8e8" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bgs); i++) {
		if (!strcmp(name, bgs[i].name)) {
			*c1 = bgs[i].c1;
			*c2 = bgs[i].c2;
			return 0;
		}
	}
	if (name[0] == '#' && strlen(name) == 7 && strspn(name + 1, "0123456789abcdefABCDEF") == 6) {
		*c1 = *c2 = name;
		return 0;
	}
	return -1;
}

/* Perl >= 5.20 implements rand() with FreeBSD's drand48. */
u64 flame_color__perl_srand(u32 seed)
{
	return 0x330eULL + ((u64)seed << 16);
}

double flame_color__perl_rand(u64 *state)
{
	*state = (*state * 0x5DEECE66DULL + 0xB) & 0xffffffffffffULL;
	return ldexp((double)*state, -48);
}

void flame_color__init(struct flame_color *c, enum flame_palette pal, bool hash, bool random, u64 seed)
{
	memset(c, 0, sizeof(*c));
	c->palette = pal;
	c->hash = hash;
	c->random = random;
	c->rand_state = flame_color__perl_srand((u32)seed);
}

void flame_color__release(struct flame_color *c)
{
	if (c->pal_colors)
		strtab__release(&c->pal_names);
	free(c->pal_colors);
	c->pal_colors = NULL;
}

/* Decode @s into code points (at most @max); returns the count. */
static size_t decode(const char *s, size_t len, u32 *out, size_t max)
{
	size_t i = 0, n = 0;
	bool bad;

	while (i < len && n < max)
		out[n++] = utf8__next(s, len, &i, &bad);
	return n;
}

/* flamegraph.pl's namehash() over code points @cp[0..n). */
static double namehash(const u32 *cp, size_t n)
{
	double vector = 0, weight = 1, max = 1;
	unsigned mod = 10;
	size_t start = 0, k;

	/* s/.(.*?)`//: drop everything up to the first backtick after char 0 */
	for (k = 1; k < n; k++) {
		if (cp[k] == '`') {
			start = k + 1;
			break;
		}
	}
	for (k = start; k < n; k++) {
		unsigned i = cp[k] % mod;

		vector += ((double)i / (mod++ - 1)) * weight;
		max += 1 * weight;
		weight *= 0.70;
		if (mod > 12)
			break;
	}
	return 1 - vector / max;
}

static bool ends_with(const char *s, size_t len, const char *suf)
{
	size_t n = strlen(suf);

	return len >= n && !memcmp(s + len - n, suf, n);
}

static bool contains(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle)) != NULL;
}

static bool java_package(const char *s, size_t len)
{
	static const char *const pkgs[] = { "java/", "javax/", "jdk/", "net/", "org/", "com/", "io/", "sun/" };
	size_t i;

	if (len && s[0] == 'L') {
		s++;
		len--;
	}
	for (i = 0; i < ARRAY_SIZE(pkgs); i++)
		if (len >= strlen(pkgs[i]) && !memcmp(s, pkgs[i], strlen(pkgs[i])))
			return true;
	return false;
}

/* m:/.*\.js: - a '/' somewhere before a ".js" */
static bool js_path(const char *s, size_t len)
{
	const char *slash = memchr(s, '/', len);

	return slash && contains(slash, len - (size_t)(slash - s), ".js");
}

/* The multi palettes pick a flat palette from the name (flamegraph.pl's color()). */
static enum flame_palette resolve(enum flame_palette pal, const char *s, size_t len)
{
	switch (pal) {
	case FLAME_PALETTE__JAVA:
		if (ends_with(s, len, "_[j]"))
			return FLAME_PALETTE__GREEN;
		if (ends_with(s, len, "_[i]"))
			return FLAME_PALETTE__AQUA;
		if (java_package(s, len) || contains(s, len, ":::"))
			return FLAME_PALETTE__GREEN;
		if (contains(s, len, "::"))
			return FLAME_PALETTE__YELLOW;
		if (ends_with(s, len, "_[k]"))
			return FLAME_PALETTE__ORANGE;
		return FLAME_PALETTE__RED;
	case FLAME_PALETTE__PERL:
		if (contains(s, len, "::"))
			return FLAME_PALETTE__YELLOW;
		if (contains(s, len, "Perl") || contains(s, len, ".pl"))
			return FLAME_PALETTE__GREEN;
		if (ends_with(s, len, "_[k]"))
			return FLAME_PALETTE__ORANGE;
		return FLAME_PALETTE__RED;
	case FLAME_PALETTE__JS:
		if (ends_with(s, len, "_[j]"))
			return memchr(s, '/', len) ? FLAME_PALETTE__GREEN : FLAME_PALETTE__AQUA;
		if (contains(s, len, "::"))
			return FLAME_PALETTE__YELLOW;
		if (js_path(s, len))
			return FLAME_PALETTE__GREEN;
		if (memchr(s, ':', len))
			return FLAME_PALETTE__AQUA;
		if (len == 1 && s[0] == ' ')
			return FLAME_PALETTE__GREEN;
		if (contains(s, len, "_[k]"))
			return FLAME_PALETTE__ORANGE;
		return FLAME_PALETTE__RED;
	case FLAME_PALETTE__WAKEUP:
		return FLAME_PALETTE__AQUA;
	case FLAME_PALETTE__CHAIN:
		return contains(s, len, "_[w]") ? FLAME_PALETTE__AQUA : FLAME_PALETTE__BLUE;
	default:
		return pal;
	}
}

/* "rgb(r,g,b)"; hand-formatted because it runs once per drawn frame */
static void rgb(char out[FLAME_COLOR_LEN], int r, int g, int b)
{
	int v[3] = { r, g, b }, i;
	char *p = out;

	memcpy(p, "rgb(", 4);
	p += 4;
	for (i = 0; i < 3; i++) {
		int x = v[i] < 0 ? 0 : v[i] > 999 ? 999 : v[i];

		if (x >= 100)
			*p++ = (char)('0' + x / 100);
		if (x >= 10)
			*p++ = (char)('0' + x / 10 % 10);
		*p++ = (char)('0' + x % 10);
		*p++ = i < 2 ? ',' : ')';
	}
	*p = 0;
}

static void compute(struct flame_color *c, const char *name, size_t len, char out[FLAME_COLOR_LEN])
{
	double v1, v2, v3;
	enum flame_palette pal;

	if (c->hash) {
		u32 small[256], *cp = small;
		size_t n = utf8__count(name, len), k;

		if (n > ARRAY_SIZE(small))
			cp = xmalloc(n * sizeof(*cp));
		n = decode(name, len, cp, n);
		v1 = namehash(cp, n);
		for (k = 0; k < n / 2; k++) {	/* scalar reverse $name */
			u32 t = cp[k];

			cp[k] = cp[n - 1 - k];
			cp[n - 1 - k] = t;
		}
		v2 = v3 = namehash(cp, n);
		if (cp != small)
			free(cp);
	} else if (c->random) {
		v1 = flame_color__perl_rand(&c->rand_state);
		v2 = flame_color__perl_rand(&c->rand_state);
		v3 = flame_color__perl_rand(&c->rand_state);
	} else {
		/* srand(sum of code points mod 2^32); rand(1), three times the same */
		u32 sum = 0;
		size_t i = 0;
		bool bad;
		u64 st;

		while (i < len)
			sum += utf8__next(name, len, &i, &bad);
		st = flame_color__perl_srand(sum);
		v1 = v2 = v3 = flame_color__perl_rand(&st);
	}
	/* ember record --hot-cold marks off-CPU frames "_[o]": blue, as io */
	switch (ends_with(name, len, "_[o]") ? FLAME_PALETTE__IO : c->palette) {
	case FLAME_PALETTE__HOT:
		rgb(out, 205 + (int)(50 * v3), (int)(230 * v1), (int)(55 * v2));
		return;
	case FLAME_PALETTE__MEM:
		rgb(out, 0, 190 + (int)(50 * v2), (int)(210 * v1));
		return;
	case FLAME_PALETTE__IO:
		rgb(out, 80 + (int)(60 * v1), 80 + (int)(60 * v1), 190 + (int)(55 * v2));
		return;
	default:
		break;
	}
	pal = resolve(c->palette, name, len);
	switch (pal) {
	case FLAME_PALETTE__RED: {
		int x = 50 + (int)(80 * v1);

		rgb(out, 200 + (int)(55 * v1), x, x);
		return;
	}
	case FLAME_PALETTE__GREEN: {
		int x = 50 + (int)(60 * v1);

		rgb(out, x, 200 + (int)(55 * v1), x);
		return;
	}
	case FLAME_PALETTE__BLUE: {
		int x = 80 + (int)(60 * v1);

		rgb(out, x, x, 205 + (int)(50 * v1));
		return;
	}
	case FLAME_PALETTE__YELLOW: {
		int x = 175 + (int)(55 * v1);

		rgb(out, x, x, 50 + (int)(20 * v1));
		return;
	}
	case FLAME_PALETTE__PURPLE: {
		int x = 190 + (int)(65 * v1);

		rgb(out, x, 80 + (int)(60 * v1), x);
		return;
	}
	case FLAME_PALETTE__AQUA:
		rgb(out, 50 + (int)(60 * v1), 165 + (int)(55 * v1), 165 + (int)(55 * v1));
		return;
	case FLAME_PALETTE__ORANGE:
		rgb(out, 190 + (int)(65 * v1), 90 + (int)(65 * v1), 0);
		return;
	default:
		rgb(out, 0, 0, 0);
		return;
	}
}

static void palette_set(struct flame_color *c, const char *name, size_t len, const char *color, size_t clen)
{
	u32 id = strtab__intern(&c->pal_names, name, len);

	if (id >= c->pal_cap) {
		size_t old = c->pal_cap;

		c->pal_colors = xgrow(c->pal_colors, &c->pal_cap, (size_t)id + 1, sizeof(*c->pal_colors));
		memset(c->pal_colors + old, 0, (c->pal_cap - old) * sizeof(*c->pal_colors));
	}
	if (clen >= FLAME_COLOR_LEN)
		clen = FLAME_COLOR_LEN - 1;
	memcpy(c->pal_colors[id], color, clen);
	c->pal_colors[id][clen] = 0;
}

void flame_color__frame(struct flame_color *c, const char *name, size_t len, char out[FLAME_COLOR_LEN])
{
	if (c->pal_colors) {
		u32 id = strtab__intern(&c->pal_names, name, len);

		if (id < c->pal_cap && c->pal_colors[id][0]) {
			memcpy(out, c->pal_colors[id], FLAME_COLOR_LEN);
			return;
		}
		compute(c, name, len, out);
		palette_set(c, name, len, out, strlen(out));
		return;
	}
	compute(c, name, len, out);
}

void flame_color__diff(s64 delta, u64 maxdelta, bool negate, char out[FLAME_COLOR_LEN])
{
	double max = (double)maxdelta, v = negate ? -(double)delta : (double)delta;
	int r = 255, g = 255, b = 255;

	if (v > 0)
		g = b = (int)(210 * (max - v) / max);
	else if (v < 0)
		r = g = (int)(210 * (max + v) / max);
	rgb(out, r, g, b);
}

static void palette_start(struct flame_color *c)
{
	if (c->pal_colors)
		return;
	strtab__init(&c->pal_names);
	c->pal_cap = 64;
	c->pal_colors = xcalloc(c->pal_cap, sizeof(*c->pal_colors));
}

int flame_color__load_palette(struct flame_color *c, const char *path, struct em_diag *diag)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	palette_start(c);
	f = fopen(path, "r");
	if (!f) {
		if (errno == ENOENT)
			return 0;
		em_diag__set(diag, path, 0, "cannot read palette file: %s", strerror(errno));
		return -errno;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char *arrow, *end;

		if (line[n - 1] == '\n')
			line[--n] = 0;
		arrow = strstr(line, "->");
		if (!arrow)
			continue;
		end = strstr(arrow + 2, "->");	/* Perl's split keeps the second field */
		palette_set(c, line, (size_t)(arrow - line), arrow + 2,
			    end ? (size_t)(end - arrow - 2) : strlen(arrow + 2));
	}
	free(line);
	fclose(f);
	return 0;
}

struct pal_key {
	const char *s;
	size_t len;
	u32 id;
};

static int cmp_pal(const void *a, const void *b)
{
	const struct pal_key *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->s, y->s, n);

	return r ? r : (x->len > y->len) - (x->len < y->len);
}

int flame_color__save_palette(const struct flame_color *c, const char *path, struct em_diag *diag)
{
	size_t n = strtab__count(&c->pal_names), i, k = 0;
	struct pal_key *keys;
	FILE *f;
	int err = 0;

	if (!c->pal_colors)
		return 0;
	keys = xmalloc((n + 1) * sizeof(*keys));
	for (i = 0; i < n && i < c->pal_cap; i++) {
		if (!c->pal_colors[i][0])
			continue;
		keys[k].s = strtab__get(&c->pal_names, (u32)i, &keys[k].len);
		keys[k].id = (u32)i;
		k++;
	}
	qsort(keys, k, sizeof(*keys), cmp_pal);
	f = fopen(path, "w");
	if (!f) {
		em_diag__set(diag, path, 0, "cannot write palette file: %s", strerror(errno));
		free(keys);
		return -errno;
	}
	for (i = 0; i < k; i++) {
		fwrite(keys[i].s, 1, keys[i].len, f);
		fprintf(f, "->%s\n", c->pal_colors[keys[i].id]);
	}
	if (fclose(f)) {
		em_diag__set(diag, path, 0, "cannot write palette file: %s", strerror(errno));
		err = -EIO;
	}
	free(keys);
	return err;
}
