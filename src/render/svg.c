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
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>


/*
 * The SVG goes through a private buffer: a big graph is tens of thousands of
 * frames of ~25 small pieces each, and stdio's per-call cost was most of the
 * writer's time.
 */
struct out {
	FILE *file;
	char *buf;
	size_t len, cap;
	bool error;
};

static void out_flush(struct out *o)
{
	if (o->len && fwrite(o->buf, 1, o->len, o->file) != o->len)
		o->error = true;
	o->len = 0;
}

/* Room for @n more bytes (flushing first when the buffer would overflow). */
static char *out_room(struct out *o, size_t n)
{
	if (!o->buf)
		o->buf = xmalloc(o->cap > n ? o->cap : (o->cap = n));
	if (o->len + n > o->cap) {
		out_flush(o);
		if (n > o->cap) {
			o->buf = xrealloc(o->buf, n);
			o->cap = n;
		}
	}
	return o->buf + o->len;
}

static inline void out_write(struct out *o, const void *p, size_t n)
{
	memcpy(out_room(o, n), p, n);
	o->len += n;
}

static inline void out_puts(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

static inline void out_putc(struct out *o, char c)
{
	*out_room(o, 1) = c;
	o->len++;
}

static void out_printf(struct out *o, const char *fmt, ...) __printf(2, 3);
static void out_printf(struct out *o, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(small)) {
		out_write(o, small, (size_t)n);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(out_room(o, (size_t)n + 1), (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

static void out_escaped(struct out *o, const char *s, size_t len)
{
	while (len) {
		size_t chunk = len > 65536 ? 65536 : len;

		/* keep UTF-8 sequences whole across chunks */
		while (chunk < len && chunk > 0 && ((unsigned char)s[chunk] & 0xc0) == 0x80)
			chunk--;
		if (!chunk)
			chunk = len > 65536 ? 65536 : len;
		o->len += xml__escape(out_room(o, chunk * XML_ESCAPE_MAX), s, chunk);
		s += chunk;
		len -= chunk;
	}
}

static int out_finish(struct out *o)
{
	out_flush(o);
	free(o->buf);
	if (o->error || fflush(o->file) || ferror(o->file))
		return -(errno ? errno : EIO);
	return 0;
}

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

static void esc(struct out *f, const char *s)
{
	out_escaped(f, s, strlen(s));
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

static void fixed(struct out *f, double v, int decimals)
{
	double scale = decimals == 1 ? 10 : 100, t = v * scale, fl, frac;
	char buf[64], *p = buf + sizeof(buf);
	unsigned long long u;
	int k;

	if (!(v >= 0 && v < 1e15)) {
		out_printf(f, "%.*f", decimals, v);
		return;
	}
	fl = (double)(unsigned long long)t;
	frac = t - fl;
	if (frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6) {
		out_printf(f, "%.*f", decimals, v);
		return;
	}
	u = (unsigned long long)fl + (frac > 0.5);
	for (k = 0; k < decimals; k++) {
		*--p = (char)('0' + u % 10);
		u /= 10;
	}
	*--p = '.';
	p = utoa_rev(p, u);
	out_write(f, p, (size_t)(buf + sizeof(buf) - p));
}

/* Perl's default number formatting ("%.15g"). */
static void num(struct out *f, double v)
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
		out_write(f, p, (size_t)(buf + sizeof(buf) - p));
		return;
	}
	out_printf(f, "%.15g", v);
}

/* x in tenths of a pixel, as "%.1f" prints it */
static void tenths(struct out *f, long long t)
{
	char buf[32], *p = buf + sizeof(buf);
	unsigned long long u = (unsigned long long)(t < 0 ? -t : t);

	*--p = (char)('0' + u % 10);
	*--p = '.';
	p = utoa_rev(p, u / 10);
	if (t < 0)
		*--p = '-';
	out_write(f, p, (size_t)(buf + sizeof(buf) - p));
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

static void header(struct out *f, const struct flame_svg_opts *o, double w, double h, bool script)
{
	const char *n;

	out_puts(f, "<?xml version=\"1.0\"");
	if (o->encoding && *o->encoding && encoding_ok(o->encoding))
		out_printf(f, " encoding=\"%s\"", o->encoding);
	out_puts(f, " standalone=\"no\"?>\n"
	      "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n");
	out_puts(f, "<svg version=\"1.1\" width=\"");
	num(f, w);
	out_puts(f, "\" height=\"");
	num(f, h);
	out_puts(f, script ? "\" onload=\"init(evt)\" viewBox=\"0 0 " : "\" viewBox=\"0 0 ");
	num(f, w);
	out_putc(f, ' ');
	num(f, h);
	out_puts(f, "\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
	      "<!-- Flame graph drawn by ember; layout and colours follow Brendan Gregg's flamegraph.pl. -->\n"
	      "<!-- NOTES: ");
	/* a comment may not contain "--" or end in '-' */
	for (n = o->notes ? o->notes : ""; *n; n++) {
		if (*n == '-' && (n[1] == '-' || !n[1])) {
			out_puts(f, "- ");
			continue;
		}
		if ((unsigned char)*n < 0x20 && *n != '\t' && *n != '\n')
			continue;
		out_putc(f, *n);
	}
	out_puts(f, " -->\n");
}

static void text(struct out *f, const char *id, double x, double y, const char *extra, const char *s)
{
	out_puts(f, "<text ");
	if (id)
		out_printf(f, "id=\"%s\"", id);
	out_puts(f, " x=\"");
	fixed(f, x, 2);
	out_puts(f, "\" y=\"");
	num(f, y);
	out_printf(f, "\" %s>", extra ? extra : "");
	esc(f, s);
	out_puts(f, "</text>\n");
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

static void write_style(struct out *f, const struct flame_svg_opts *o)
{
	out_puts(f, "<defs>\n\t<linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\" >\n"
	      "\t\t<stop stop-color=\"");
	esc(f, o->bgcolor1);
	out_puts(f, "\" offset=\"5%\" />\n\t\t<stop stop-color=\"");
	esc(f, o->bgcolor2);
	out_puts(f, "\" offset=\"95%\" />\n\t</linearGradient>\n</defs>\n<style type=\"text/css\">\n\ttext { fill: rgb(0,0,0); font-family: ");
	esc(f, o->fonttype);
	out_puts(f, "; font-size: ");
	num(f, o->fontsize);
	out_puts(f, "px; }\n\t#title { font-size: ");
	num(f, o->fontsize + 5);
	out_puts(f, "px; text-anchor: middle; }\n");
	/* the rest of the style sheet has no settings: it is an asset */
	out_write(f, render_asset_flame_css, render_asset_flame_css_len);
	out_puts(f, "</style>\n");
}

/* Text for a JS string literal inside CDATA: printable ASCII and UTF-8 only, no quote,
 * backslash, ']' (which could end the CDATA section) or '<'. */
static void js_string_body(struct out *f, const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x20 && *s != '"' && *s != '\\' && *s != ']' && *s != '<' && *s != 0x7f)
			out_putc(f, *s);
}

static void write_script(struct out *f, const struct flame_svg_opts *o, const struct flame_layout *l)
{
	out_puts(f, "<script type=\"text/ecmascript\">\n<![CDATA[\n");
	out_printf(f, "var ember_config = { xpad: %d, width: %u, fontsize: %.15g, fontwidth: %.15g, "
		"inverted: %s, total: %llu, nametype: \"", XPAD, o->width, o->fontsize, o->fontwidth,
		o->inverted ? "true" : "false", (unsigned long long)l->timemax);
	js_string_body(f, o->nametype);
	out_puts(f, "\" };\n");
	if (!o->no_script)
		out_write(f, render_asset_flame_js, render_asset_flame_js_len);
	out_puts(f, "]]>\n</script>\n");
}

/* printf's "%.1f" of @v, in tenths */
static long long round_tenths(double v)
{
	char b[64];

	if (v >= 0 && v < 1e15) {
		double t = v * 10, fl = (double)(long long)t, frac = t - fl;

		if (!(frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6))
			return (long long)fl + (frac > 0.5);
	}
	snprintf(b, sizeof(b), "%.1f", v);
	return (long long)(strtod(b, NULL) * 10 + (v < 0 ? -0.5 : 0.5));
}

#define NA(field) (na ? na->field : NULL)

struct frame_ctx {
	struct out *f;
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
	struct out *f = c->f;
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
	    strchr("kwijo", name[len - 2]) && name[len - 2])
		base_len = len - 4;

	if (NA(href)) {
		out_puts(f, "<a xlink:href=\"");
		esc(f, na->href);
		out_puts(f, "\" target=\"");
		esc(f, na->target ? na->target : "_top");
		out_putc(f, '"');
		if (na->a_extra)
			out_printf(f, " %s", na->a_extra);
	} else {
		out_puts(f, "<g");
	}
	if (NA(id)) {
		out_puts(f, " id=\"");
		esc(f, na->id);
		out_putc(f, '"');
	}
	if (NA(class_)) {
		out_puts(f, " class=\"");
		esc(f, na->class_);
		out_putc(f, '"');
	}
	if (NA(g_extra))
		out_printf(f, " %s", na->g_extra);
	out_puts(f, ">\n<title>");
	if (NA(title)) {
		esc(f, na->title);
	} else if (root) {
		out_puts(f, "all (");
		out_puts(f, samples_txt);
		out_putc(f, ' ');
		esc(f, o->countname);
		out_puts(f, ", 100%)");
	} else {
		double total = (double)c->l->timemax * o->factor;

		out_escaped(f, name, base_len);
		out_puts(f, " (");
		out_puts(f, samples_txt);
		out_putc(f, ' ');
		esc(f, o->countname);
		out_puts(f, ", ");
		fixed(f, 100 * (o->factor == 1 ? (double)(fr->end - fr->start) : strtod(samples, NULL)) / total, 2);
		out_putc(f, '%');
		if (fr->has_delta) {
			double d = o->negate ? -(double)fr->delta : (double)fr->delta;

			out_printf(f, "; %s%.2f%%", d > 0 ? "+" : "", 100 * d / total);
		}
		out_putc(f, ')');
	}
	out_puts(f, "</title>");

	if (len == 2 && !memcmp(name, "--", 2))
		memcpy(color, "rgb(160,160,160)", 17);
	else if (len == 1 && name[0] == '-')
		memcpy(color, "rgb(200,200,200)", 17);
	else if (fr->has_delta)
		flame_color__diff(fr->delta, c->l->maxdelta, o->negate, color);
	else
		flame_color__frame(c->color, name, len, color);
	out_puts(f, "<rect x=\"");
	tenths(f, rx1);
	out_puts(f, "\" y=\"");
	num(f, y1);
	out_puts(f, "\" width=\"");
	tenths(f, rx2 - rx1);
	out_puts(f, "\" height=\"");
	fixed(f, y2 - y1, 1);
	out_puts(f, "\" fill=\"");
	out_puts(f, color);
	out_puts(f, "\" rx=\"2\" ry=\"2\" />\n");

	/*
	 * Label: as many characters as fit, ".." when cut (flamegraph.pl's
	 * rule). Frames too narrow for one get no <text> at all (flamegraph.pl
	 * writes an empty one): most frames of a big graph are that narrow, and
	 * the viewer adds a <text> when a zoom makes room.
	 */
	chars = (long)((x2 - x1) / (o->fontsize * o->fontwidth));
	if (chars >= 3 && base_len) {
		size_t nchars = utf8__count(name, base_len);
		size_t cut = utf8__prefix(name, base_len, (size_t)chars);

		out_puts(f, "<text  x=\"");
		fixed(f, x1 + 3, 2);
		out_puts(f, "\" y=\"");
		num(f, 3 + (y1 + y2) / 2);
		out_puts(f, "\" >");
		if ((size_t)chars < nchars) {
			size_t keep = utf8__prefix(name, base_len, (size_t)chars - 2);

			XGROW(c->label, c->label_cap, keep + 2);
			memcpy(c->label, name, keep);
			memcpy(c->label + keep, "..", 2);
			out_escaped(f, c->label, keep + 2);
		} else {
			out_escaped(f, name, cut);
		}
		out_puts(f, "</text>\n");
	}
	out_puts(f, NA(href) ? "</a>\n" : "</g>\n");
}

int flame_svg__write(FILE *file, const struct flame_layout *l, struct flame_color *color,
		     const struct flame_svg_opts *o)
{
	struct out buf = { .file = file, .cap = 1 << 16 }, *f = &buf;
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
	out_puts(f, "<rect x=\"0.0\" y=\"0\" width=\"");
	out_printf(f, "%.1f\" height=\"%.1f\" fill=\"url(#background)\"  />\n", (double)o->width, c.imageheight);
	text(f, "title", (int)(o->width / 2), fs * 2, NULL, title);
	if (subtitle)
		text(f, "subtitle", (int)(o->width / 2), fs * 4, NULL, o->subtitle);
	text(f, "details", XPAD, c.imageheight - c.ypad2 / 2, NULL, " ");
	text(f, "unzoom", XPAD, fs * 2, "class=\"hide\"", "Reset Zoom");
	text(f, "search", (double)o->width - XPAD - 100, fs * 2, NULL, "Search");
	text(f, "ignorecase", (double)o->width - XPAD - 16, fs * 2, NULL, "ic");
	text(f, "matched", (double)o->width - XPAD - 100, c.imageheight - c.ypad2 / 2, NULL, " ");
	out_puts(f, "<g id=\"frames\">\n");
	/* parents first, so a viewer meets a frame's ancestors before it */
	for (i = l->n; i > 0; i--)
		write_frame(&c, &l->frames[i - 1]);
	out_puts(f, "</g>\n</svg>\n");
	free(c.label);
	return out_finish(f);
}

int flame_svg__write_error(FILE *file, const struct flame_svg_opts *o, const char *message)
{
	struct out buf = { .file = file, .cap = 1 << 16 }, *f = &buf;
	double h = o->fontsize * 5;

	header(f, o, o->width, h, false);
	text(f, NULL, (int)(o->width / 2), o->fontsize * 2, NULL, message);
	out_puts(f, "</svg>\n");
	return out_finish(f);
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
	if (!f) {
		em_diag__set(diag, path, 0, "cannot read name attribute file: %s", strerror(errno));
		return -errno;
	}
	strtab__init(&na->names);
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
