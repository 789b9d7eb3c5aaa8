/*
 * svg.c - the SVG writer. Geometry, attributes, titles and label fitting
 * follow flamegraph.pl line by line (its rounding included: x and width to
 * 0.1 px, width taken from the already rounded ends), so a frame-set
 * comparison with the Perl script's output matches. The viewer script and
 * style are ember's own (src/render/assets) and read their settings from a
 * small object written here. Every piece of text goes through
 * xml__write_escaped.
 */
#include "render/svg.h"
#include "render/assets.h"
#include "render/text.h"
#include "base/xalloc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* one thread writes each file: skip stdio's per-call locking */
#define fputs fputs_unlocked
#define fputc fputc_unlocked
#define fwrite fwrite_unlocked

#define XPAD 10
#define FRAMEPAD 1

void flame_svg_opts__init(struct flame_svg_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->width = 1200;
	o->frameheight = 16;
	o->fontsize = 12;
	o->fontwidth = 0.59;
	o->fonttype = "Verdana";
	o->countname = "samples";
	o->nametype = "Function:";
	o->bgcolor1 = "#eeeeee";
	o->bgcolor2 = "#eeeeb0";
	o->factor = 1;
}

static void esc(FILE *f, const char *s)
{
	xml__write_escaped(f, s, strlen(s));
}

/*
 * Number formatting is most of the writer's time, so the common cases are
 * done with integers. fixed() gives printf's "%.Nf" (N = 1 or 2): exact
 * unless the value is within 1e-6 of a rounding tie, where printf itself
 * decides; num() gives Perl's default "%.15g" for whole numbers directly.
 */
static char *utoa_rev(char *end, unsigned long long v)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return end;
}

static void fixed(FILE *f, double v, int decimals)
{
	double scale = decimals == 1 ? 10 : 100, t = v * scale, fl, frac;
	char buf[64], *p = buf + sizeof(buf);
	unsigned long long u;
	int k;

	if (!(v >= 0 && v < 1e15)) {
		fprintf(f, "%.*f", decimals, v);
		return;
	}
	fl = (double)(unsigned long long)t;
	frac = t - fl;
	if (frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6) {
		fprintf(f, "%.*f", decimals, v);
		return;
	}
	u = (unsigned long long)fl + (frac > 0.5);
	for (k = 0; k < decimals; k++) {
		*--p = (char)('0' + u % 10);
		u /= 10;
	}
	*--p = '.';
	p = utoa_rev(p, u);
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

/* Perl's default number formatting ("%.15g"). */
static void num(FILE *f, double v)
{
	if (v >= 0 && v < 1e14 && v * 2 == (double)(unsigned long long)(v * 2)) {
		/* whole numbers and halves (a label's y), which "%.15g" prints exactly */
		char buf[32], *p = buf + sizeof(buf);
		unsigned long long h = (unsigned long long)(v * 2);

		if (h & 1) {
			*--p = '5';
			*--p = '.';
		}
		p = utoa_rev(p, h / 2);
		fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), f);
		return;
	}
	fprintf(f, "%.15g", v);
}

/* x in tenths of a pixel, as "%.1f" prints it */
static void tenths(FILE *f, long long t)
{
	char buf[32], *p = buf + sizeof(buf);
	unsigned long long u = (unsigned long long)(t < 0 ? -t : t);

	*--p = (char)('0' + u % 10);
	*--p = '.';
	p = utoa_rev(p, u / 10);
	if (t < 0)
		*--p = '-';
	fwrite(p, 1, (size_t)(buf + sizeof(buf) - p), f);
}

/* Only characters an encoding name can have, so the declaration stays well-formed. */
static bool encoding_ok(const char *e)
{
	for (; *e; e++)
		if (!((*e >= 'A' && *e <= 'Z') || (*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9') ||
		      *e == '-' || *e == '_' || *e == '.'))
			return false;
	return true;
}

static void header(FILE *f, const struct flame_svg_opts *o, double w, double h, bool script)
{
	const char *n;

	fputs("<?xml version=\"1.0\"", f);
	if (o->encoding && *o->encoding && encoding_ok(o->encoding))
		fprintf(f, " encoding=\"%s\"", o->encoding);
	fputs(" standalone=\"no\"?>\n"
	      "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n", f);
	fputs("<svg version=\"1.1\" width=\"", f);
	num(f, w);
	fputs("\" height=\"", f);
	num(f, h);
	fputs(script ? "\" onload=\"init(evt)\" viewBox=\"0 0 " : "\" viewBox=\"0 0 ", f);
	num(f, w);
	fputc(' ', f);
	num(f, h);
	fputs("\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
	      "<!-- Flame graph drawn by ember; layout and colours follow Brendan Gregg's flamegraph.pl. -->\n"
	      "<!-- NOTES: ", f);
	/* a comment may not contain "--" or end in '-' */
	for (n = o->notes ? o->notes : ""; *n; n++) {
		if (*n == '-' && (n[1] == '-' || !n[1])) {
			fputs("- ", f);
			continue;
		}
		if ((unsigned char)*n < 0x20 && *n != '\t' && *n != '\n')
			continue;
		fputc(*n, f);
	}
	fputs(" -->\n", f);
}

static void text(FILE *f, const char *id, double x, double y, const char *extra, const char *s)
{
	fputs("<text ", f);
	if (id)
		fprintf(f, "id=\"%s\"", id);
	fputs(" x=\"", f);
	fixed(f, x, 2);
	fputs("\" y=\"", f);
	num(f, y);
	fprintf(f, "\" %s>", extra ? extra : "");
	esc(f, s);
	fputs("</text>\n", f);
}

void flame_svg__commas(char *out, size_t n, const char *digits)
{
	size_t len = strlen(digits), i, k = 0, lead = 0;

	if (len && (digits[0] == '-' || digits[0] == '+'))
		lead = 1;
	for (i = 0; i < len && k + 2 < n; i++) {
		out[k++] = digits[i];
		if (i >= lead && i + 1 < len && (len - 1 - i) % 3 == 0)
			out[k++] = ',';
	}
	out[k] = 0;
}

static void write_style(FILE *f, const struct flame_svg_opts *o)
{
	fputs("<defs>\n\t<linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\" >\n"
	      "\t\t<stop stop-color=\"", f);
	esc(f, o->bgcolor1);
	fputs("\" offset=\"5%\" />\n\t\t<stop stop-color=\"", f);
	esc(f, o->bgcolor2);
	fputs("\" offset=\"95%\" />\n\t</linearGradient>\n</defs>\n<style type=\"text/css\">\n\ttext { fill: rgb(0,0,0); font-family: ", f);
	esc(f, o->fonttype);
	fputs("; font-size: ", f);
	num(f, o->fontsize);
	fputs("px; }\n\t#title { font-size: ", f);
	num(f, o->fontsize + 5);
	fputs("px; text-anchor: middle; }\n", f);
	/* the rest of the style sheet has no settings: it is an asset */
	fwrite(render_asset_flame_css, 1, render_asset_flame_css_len, f);
	fputs("</style>\n", f);
}

/* Text for a JS string literal inside CDATA: printable ASCII and UTF-8 only, no quote,
 * backslash, ']' (which could end the CDATA section) or '<'. */
static void js_string_body(FILE *f, const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\' && *s != ']' && *s != '<' && *s != 0x7f)
			fputc(*s, f);
}

static void write_script(FILE *f, const struct flame_svg_opts *o, const struct flame_layout *l)
{
	fputs("<script type=\"text/ecmascript\">\n<![CDATA[\n", f);
	fprintf(f, "var ember_config = { xpad: %d, width: %u, fontsize: %.15g, fontwidth: %.15g, "
		"inverted: %s, total: %llu, nametype: \"", XPAD, o->width, o->fontsize, o->fontwidth,
		o->inverted ? "true" : "false", (unsigned long long)l->timemax);
	js_string_body(f, o->nametype);
	fputs("\" };\n", f);
	if (!o->no_script)
		fwrite(render_asset_flame_js, 1, render_asset_flame_js_len, f);
	fputs("]]>\n</script>\n", f);
}

/* printf's "%.1f" of @v, in tenths */
static long long round_tenths(double v)
{
	double t = v * 10, fl = (double)(long long)t, frac = t - fl;
	char b[64];

	if (v >= 0 && v < 1e15 && !(frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6))
		return (long long)fl + (frac > 0.5);
	snprintf(b, sizeof(b), "%.1f", v);
	return (long long)(strtod(b, NULL) * 10 + (v < 0 ? -0.5 : 0.5));
}

#define NA(field) (na ? na->field : NULL)

struct frame_ctx {
	FILE *f;
	const struct flame_layout *l;
	struct flame_color *color;
	const struct flame_svg_opts *o;
	double wpt, imageheight, ypad1, ypad2;
	char *label;
	size_t label_cap;
};

static void write_frame(struct frame_ctx *c, const struct flame_frame *fr)
{
	const struct flame_svg_opts *o = c->o;
	FILE *f = c->f;
	size_t len, base_len;
	const char *name = strtab__get(&c->l->p->strings, fr->name, &len);
	double x1 = XPAD + (double)fr->start * c->wpt, x2 = XPAD + (double)fr->end * c->wpt, y1, y2;
	long long rx1 = round_tenths(x1), rx2 = round_tenths(x2);
	char samples[64], samples_txt[96], color[FLAME_COLOR_LEN];
	const struct flame_attrs *na = NULL;
	bool root = fr->depth == 0 && len == 0;
	long chars;

	if (o->nameattr && o->nameattr->attrs) {
		u32 id = strtab__intern(&o->nameattr->names, name, len);

		if (id < o->nameattr->cap && o->nameattr->attrs[id].present)
			na = &o->nameattr->attrs[id];
	}
	if (!o->inverted) {
		y1 = c->imageheight - c->ypad2 - (fr->depth + 1.0) * o->frameheight + FRAMEPAD;
		y2 = c->imageheight - c->ypad2 - (double)fr->depth * o->frameheight;
	} else {
		y1 = c->ypad1 + (double)fr->depth * o->frameheight;
		y2 = c->ypad1 + (fr->depth + 1.0) * o->frameheight - FRAMEPAD;
	}
	if (o->factor == 1 && fr->end - fr->start < (1ULL << 53)) {
		char *p = utoa_rev(samples + sizeof(samples) - 1, fr->end - fr->start);

		samples[sizeof(samples) - 1] = 0;
		memmove(samples, p, (size_t)(samples + sizeof(samples) - p));
	} else {
		snprintf(samples, sizeof(samples), "%.0f", (double)(fr->end - fr->start) * o->factor);
	}
	flame_svg__commas(samples_txt, sizeof(samples_txt), samples);
	/* the annotation chooses colours but is not shown */
	base_len = len;
	if (len >= 4 && name[len - 4] == '_' && name[len - 3] == '[' && name[len - 1] == ']' &&
	    strchr("kwij", name[len - 2]) && name[len - 2])
		base_len = len - 4;

	if (NA(href)) {
		fputs("<a xlink:href=\"", f);
		esc(f, na->href);
		fputs("\" target=\"", f);
		esc(f, na->target ? na->target : "_top");
		fputc('"', f);
		if (na->a_extra)
			fprintf(f, " %s", na->a_extra);
	} else {
		fputs("<g", f);
	}
	if (NA(id)) {
		fputs(" id=\"", f);
		esc(f, na->id);
		fputc('"', f);
	}
	if (NA(class_)) {
		fputs(" class=\"", f);
		esc(f, na->class_);
		fputc('"', f);
	}
	if (NA(g_extra))
		fprintf(f, " %s", na->g_extra);
	fputs(">\n<title>", f);
	if (NA(title)) {
		esc(f, na->title);
	} else if (root) {
		fputs("all (", f);
		fputs(samples_txt, f);
		fputc(' ', f);
		esc(f, o->countname);
		fputs(", 100%)", f);
	} else {
		double total = (double)c->l->timemax * o->factor;

		xml__write_escaped(f, name, base_len);
		fputs(" (", f);
		fputs(samples_txt, f);
		fputc(' ', f);
		esc(f, o->countname);
		fputs(", ", f);
		fixed(f, 100 * (o->factor == 1 ? (double)(fr->end - fr->start) : strtod(samples, NULL)) / total, 2);
		fputc('%', f);
		if (fr->has_delta) {
			double d = o->negate ? -(double)fr->delta : (double)fr->delta;

			fprintf(f, "; %s%.2f%%", d > 0 ? "+" : "", 100 * d / total);
		}
		fputc(')', f);
	}
	fputs("</title>", f);

	if (len == 2 && !memcmp(name, "--", 2))
		memcpy(color, "rgb(160,160,160)", 17);
	else if (len == 1 && name[0] == '-')
		memcpy(color, "rgb(200,200,200)", 17);
	else if (fr->has_delta)
		flame_color__diff(fr->delta, c->l->maxdelta, o->negate, color);
	else
		flame_color__frame(c->color, name, len, color);
	fputs("<rect x=\"", f);
	tenths(f, rx1);
	fputs("\" y=\"", f);
	num(f, y1);
	fputs("\" width=\"", f);
	tenths(f, rx2 - rx1);
	fputs("\" height=\"", f);
	fixed(f, y2 - y1, 1);
	fputs("\" fill=\"", f);
	fputs(color, f);
	fputs("\" rx=\"2\" ry=\"2\" />\n", f);

	/* label: as many characters as fit, ".." when cut (flamegraph.pl's rule) */
	fputs("<text  x=\"", f);
	fixed(f, x1 + 3, 2);
	fputs("\" y=\"", f);
	num(f, 3 + (y1 + y2) / 2);
	fputs("\" >", f);
	chars = (long)((x2 - x1) / (o->fontsize * o->fontwidth));
	if (chars >= 3) {
		size_t nchars = utf8__count(name, base_len);
		size_t cut = utf8__prefix(name, base_len, (size_t)chars);

		if ((size_t)chars < nchars) {
			size_t keep = utf8__prefix(name, base_len, (size_t)chars - 2);

			XGROW(c->label, c->label_cap, keep + 2);
			memcpy(c->label, name, keep);
			memcpy(c->label + keep, "..", 2);
			xml__write_escaped(f, c->label, keep + 2);
		} else {
			xml__write_escaped(f, name, cut);
		}
	}
	fputs("</text>\n", f);
	fputs(NA(href) ? "</a>\n" : "</g>\n", f);
}

int flame_svg__write(FILE *f, const struct flame_layout *l, struct flame_color *color,
		     const struct flame_svg_opts *o)
{
	struct frame_ctx c = { .f = f, .l = l, .color = color, .o = o };
	double fs = o->fontsize, ypad3 = fs * 2;
	const char *title = o->title && *o->title ? o->title : o->inverted ? "Icicle Graph" : "Flame Graph";
	bool subtitle = o->subtitle && *o->subtitle;
	size_t i;

	c.ypad1 = fs * 3;
	c.ypad2 = fs * 2 + 10;
	c.imageheight = (l->depthmax + 1.0) * o->frameheight + c.ypad1 + c.ypad2 + (subtitle ? ypad3 : 0);
	c.wpt = (double)((int)o->width - 2 * XPAD) / (double)l->timemax;
	header(f, o, o->width, c.imageheight, true);
	write_style(f, o);
	write_script(f, o, l);
	fputs("<rect x=\"0.0\" y=\"0\" width=\"", f);
	fprintf(f, "%.1f\" height=\"%.1f\" fill=\"url(#background)\"  />\n", (double)o->width, c.imageheight);
	text(f, "title", (int)(o->width / 2), fs * 2, NULL, title);
	if (subtitle)
		text(f, "subtitle", (int)(o->width / 2), fs * 4, NULL, o->subtitle);
	text(f, "details", XPAD, c.imageheight - c.ypad2 / 2, NULL, " ");
	text(f, "unzoom", XPAD, fs * 2, "class=\"hide\"", "Reset Zoom");
	text(f, "search", (double)o->width - XPAD - 100, fs * 2, NULL, "Search");
	text(f, "ignorecase", (double)o->width - XPAD - 16, fs * 2, NULL, "ic");
	text(f, "matched", (double)o->width - XPAD - 100, c.imageheight - c.ypad2 / 2, NULL, " ");
	fputs("<g id=\"frames\">\n", f);
	/* parents first, so a viewer meets a frame's ancestors before it */
	for (i = l->n; i > 0; i--)
		write_frame(&c, &l->frames[i - 1]);
	fputs("</g>\n</svg>\n", f);
	free(c.label);
	if (fflush(f) || ferror(f))
		return -(errno ? errno : EIO);
	return 0;
}

int flame_svg__write_error(FILE *f, const struct flame_svg_opts *o, const char *message)
{
	double h = o->fontsize * 5;

	header(f, o, o->width, h, false);
	text(f, NULL, (int)(o->width / 2), o->fontsize * 2, NULL, message);
	fputs("</svg>\n", f);
	if (fflush(f) || ferror(f))
		return -(errno ? errno : EIO);
	return 0;
}

static void set_attr(struct flame_attrs *a, const char *key, size_t klen, const char *val)
{
	static const struct { const char *name; size_t off; } keys[] = {
		{ "title", offsetof(struct flame_attrs, title) },
		{ "id", offsetof(struct flame_attrs, id) },
		{ "class", offsetof(struct flame_attrs, class_) },
		{ "g_extra", offsetof(struct flame_attrs, g_extra) },
		{ "href", offsetof(struct flame_attrs, href) },
		{ "target", offsetof(struct flame_attrs, target) },
		{ "a_extra", offsetof(struct flame_attrs, a_extra) },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strlen(keys[i].name) == klen && !memcmp(keys[i].name, key, klen)) {
			char **field = (char **)((char *)a + keys[i].off);

			free(*field);
			*field = xstrdup(val);
			return;
		}
	}
}

int flame_nameattr__load(struct flame_nameattr *na, const char *path, struct em_diag *diag)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *save = NULL;
	size_t cap = 0;
	ssize_t n;
	u64 lineno = 0;
	int err = 0;

	memset(na, 0, sizeof(*na));
	strtab__init(&na->names);
	if (!f) {
		em_diag__set(diag, path, 0, "cannot read name attribute file: %s", strerror(errno));
		return -errno;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		char *tab, *field;
		u32 id;

		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = 0;
		tab = strchr(line, '\t');
		if (!tab) {
			em_diag__set(diag, path, lineno, "expected \"name<TAB>key=value...\"");
			err = -EM_E_BAD_INPUT;
			break;
		}
		id = strtab__intern(&na->names, line, (size_t)(tab - line));
		if (id >= na->cap) {
			size_t old = na->cap;

			na->attrs = xgrow(na->attrs, &na->cap, (size_t)id + 1, sizeof(*na->attrs));
			memset(na->attrs + old, 0, (na->cap - old) * sizeof(*na->attrs));
		}
		na->attrs[id].present = true;
		for (field = strtok_r(tab + 1, "\t", &save); field; field = strtok_r(NULL, "\t", &save)) {
			char *eq = strchr(field, '=');

			if (eq)
				set_attr(&na->attrs[id], field, (size_t)(eq - field), eq + 1);
		}
	}
	free(line);
	fclose(f);
	if (err)
		flame_nameattr__release(na);
	return err;
}

void flame_nameattr__release(struct flame_nameattr *na)
{
	size_t i;

	for (i = 0; i < na->cap; i++) {
		struct flame_attrs *a = &na->attrs[i];

		free(a->title);
		free(a->id);
		free(a->class_);
		free(a->g_extra);
		free(a->href);
		free(a->target);
		free(a->a_extra);
	}
	free(na->attrs);
	strtab__release(&na->names);
	memset(na, 0, sizeof(*na));
}
