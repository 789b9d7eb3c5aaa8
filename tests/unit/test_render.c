/*
 * test_render.c - the flame renderer: flamegraph.pl's colours (Perl's rand,
 * --hash, palettes), the layout's merging, sort order, pruning and reverse,
 * XML escaping of hostile names, and the SVG writer's count formatting.
 */
#include "../lib/test.h"
#include "../lib/profile_text.h"
#include "formats/folded.h"
#include "render/color.h"
#include "render/layout.h"
#include "render/svg.h"
#include "render/text.h"

#include <stdlib.h>

static struct profile *folded(const char *text)
{
	return test_folded_profile(text, NULL);
}

static const char *color_of(enum flame_palette pal, bool hash, const char *name)
{
	static char out[FLAME_COLOR_LEN];
	struct flame_color c;

	flame_color__init(&c, pal, hash, false, 0);
	flame_color__frame(&c, name, strlen(name), out);
	flame_color__release(&c);
	return out;
}

TEST(test_render__perl_rand_is_drand48)
{
	u64 st = flame_color__perl_srand(5);
	double v = flame_color__perl_rand(&st);

	/* perl -e 'srand(5); print rand(1)' */
	ASSERT(v > 0.524839579434231 && v < 0.524839579434233);
}

TEST(test_render__colours_match_flamegraph_pl)
{
	/* fills from flamegraph.pl's SVG of "main 1\nmain;libc.so`malloc 1" */
	ASSERT_STREQ(color_of(FLAME_PALETTE__HOT, false, "main"), "rgb(243,179,42)");
	ASSERT_STREQ(color_of(FLAME_PALETTE__HOT, false, ""), "rgb(213,39,9)");
	ASSERT_STREQ(color_of(FLAME_PALETTE__HOT, false, "libc.so`malloc"), "rgb(205,0,0)");
	ASSERT_STREQ(color_of(FLAME_PALETTE__HOT, true, "main"), "rgb(247,83,46)");
	ASSERT_STREQ(color_of(FLAME_PALETTE__HOT, true, "libc.so`malloc"), "rgb(240,112,39)");
	ASSERT_STREQ(color_of(FLAME_PALETTE__MEM, false, "main"), "rgb(0,228,163)");
}

TEST(test_render__annotations_pick_palettes)
{
	struct flame_color c;
	char a[FLAME_COLOR_LEN];
	int r, g, b;

	/* java: _[k] orange (blue 0), _[j] green (g >= 200 > r == b) */
	flame_color__init(&c, FLAME_PALETTE__JAVA, false, false, 0);
	flame_color__frame(&c, "f_[k]", 5, a);
	ASSERT(sscanf(a, "rgb(%d,%d,%d)", &r, &g, &b) == 3);
	ASSERT(r >= 190 && b == 0);
	flame_color__frame(&c, "f_[j]", 5, a);
	ASSERT(sscanf(a, "rgb(%d,%d,%d)", &r, &g, &b) == 3);
	ASSERT(g >= 200 && r == b && r < 110);
	flame_color__release(&c);
	/* chain: _[w] aqua, others blue */
	flame_color__init(&c, FLAME_PALETTE__CHAIN, false, false, 0);
	flame_color__frame(&c, "waker_[w]", 9, a);
	ASSERT(sscanf(a, "rgb(%d,%d,%d)", &r, &g, &b) == 3);
	ASSERT(g == b && r < g);
	flame_color__release(&c);
	ASSERT_EQ_U64(flame_palette__parse("chain"), FLAME_PALETTE__CHAIN);
	ASSERT_EQ_U64(flame_palette__parse("nope"), FLAME_PALETTE__UNKNOWN);
	ASSERT_STREQ(flame_palette__default_bg(FLAME_PALETTE__MEM), "green");
}

TEST(test_render__differential_scale)
{
	char out[FLAME_COLOR_LEN];

	flame_color__diff(10, 10, false, out);
	ASSERT_STREQ(out, "rgb(255,0,0)");
	flame_color__diff(-5, 10, false, out);
	ASSERT_STREQ(out, "rgb(105,105,255)");
	flame_color__diff(-5, 10, true, out);
	ASSERT_STREQ(out, "rgb(255,105,105)");
	flame_color__diff(0, 10, false, out);
	ASSERT_STREQ(out, "rgb(255,255,255)");
}

static size_t count_named(const struct flame_layout *l, const char *name)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++) {
		size_t len;
		const char *s = strtab__get(&l->p->strings, l->frames[i].name, &len);

		n += len == strlen(name) && !memcmp(s, name, len);
	}
	return n;
}

TEST(test_render__layout_merges_like_flow)
{
	/* sorted as text, "b-x" falls between "b" and "b;c": two "b" frames,
	 * exactly as flamegraph.pl draws them */
	struct profile *p = folded("m;b;c 6\nm;b 4\nm;b-x 3\nm;a 1\n");
	struct flame_layout_opts o = { .minwidth = 0.1, .image_width = 1200 };
	struct flame_layout l;
	struct em_diag d = { 0 };

	ASSERT(p);
	ASSERT_EQ_U64(flame_layout__build(&l, p, NULL, &o, &d), 0);
	ASSERT_EQ_U64(l.time, 14);
	ASSERT_EQ_U64(count_named(&l, "b"), 2);
	ASSERT_EQ_U64(count_named(&l, "m"), 1);
	ASSERT_EQ_U64(l.depthmax, 3);
	flame_layout__release(&l);
	profile__free(p);
}

TEST(test_render__minwidth_prunes_but_keeps_totals)
{
	struct profile *p = folded("a;big 1000000\na;tiny 1\na;tiny;deeper 1\n");
	struct flame_layout_opts o = { .minwidth = 0.1, .image_width = 1200 };
	struct flame_layout l;
	struct em_diag d = { 0 };

	ASSERT(p);
	ASSERT_EQ_U64(flame_layout__build(&l, p, NULL, &o, &d), 0);
	ASSERT_EQ_U64(l.time, 1000002);
	ASSERT_EQ_U64(count_named(&l, "tiny"), 0);
	ASSERT_EQ_U64(count_named(&l, "deeper"), 0);
	ASSERT_EQ_U64(l.depthmax, 2);
	ASSERT(l.pruned >= 2);
	flame_layout__release(&l);
	o.minwidth = 0;
	ASSERT_EQ_U64(flame_layout__build(&l, p, NULL, &o, &d), 0);
	ASSERT_EQ_U64(count_named(&l, "deeper"), 1);
	ASSERT_EQ_U64(l.depthmax, 3);
	flame_layout__release(&l);
	profile__free(p);
}

TEST(test_render__reverse_and_empty)
{
	struct profile *p = folded("a;b;c 2\nx;c 1\n");
	struct flame_layout_opts o = { .reverse = true, .minwidth = 0.1, .image_width = 1200 };
	struct flame_layout l;
	struct em_diag d = { 0 };
	size_t i;

	ASSERT(p);
	ASSERT_EQ_U64(flame_layout__build(&l, p, NULL, &o, &d), 0);
	/* reversed, both stacks start with "c", merged into one frame of 3 */
	ASSERT_EQ_U64(count_named(&l, "c"), 1);
	for (i = 0; i < l.n; i++)
		if (l.frames[i].depth == 1)
			ASSERT_EQ_U64(l.frames[i].end - l.frames[i].start, 3);
	flame_layout__release(&l);
	profile__free(p);
	p = folded("a;b 0\n");
	ASSERT(p);
	ASSERT_EQ_U64(flame_layout__build(&l, p, NULL, &o, &d), -EM_E_EMPTY_INPUT);
	profile__free(p);
}

static char *escaped(const char *s, size_t len)
{
	char *out = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	xml__write_escaped(f, s, len);
	fclose(f);
	return out;
}

TEST(test_render__xml_escaping_is_safe)
{
	const char *hostile = "<script>\"a\"&'b'</script>";
	char *s = escaped(hostile, strlen(hostile));

	ASSERT_STREQ(s, "&lt;script&gt;&quot;a&quot;&amp;&#39;b&#39;&lt;/script&gt;");
	free(s);
	s = escaped("x\x01y\xff\xc3z\t", 7);
	ASSERT_STREQ(s, "x\xef\xbf\xbdy\xef\xbf\xbd\xef\xbf\xbdz\t");
	free(s);
	s = escaped("\xe6\x97\xa5\xf0\x9f\x94\xa5", 7);	/* valid UTF-8 passes */
	ASSERT_STREQ(s, "\xe6\x97\xa5\xf0\x9f\x94\xa5");
	free(s);
	ASSERT_EQ_U64(utf8__count("\xe6\x97\xa5" "ab\xff", 6), 4);
	ASSERT_EQ_U64(utf8__prefix("\xe6\x97\xa5" "ab", 5, 2), 4);
}

TEST(test_render__commas)
{
	char out[64];

	flame_svg__commas(out, sizeof(out), "1234567");
	ASSERT_STREQ(out, "1,234,567");
	flame_svg__commas(out, sizeof(out), "123");
	ASSERT_STREQ(out, "123");
	flame_svg__commas(out, sizeof(out), "-1234");
	ASSERT_STREQ(out, "-1,234");
}

TEST(test_render__long_utf8_names_survive_chunked_escaping)
{
	/* 70,000 three-byte characters: longer than every escaping chunk, and
	 * chunk ends fall inside characters unless the writer keeps them whole */
	size_t n = 70000 * 3 + 2, i, len = 0;
	char *text = malloc(n + 8), *svg = NULL, *esc;
	struct profile *p;
	struct flame_layout_opts lo = { .minwidth = 0.1, .image_width = 1200 };
	struct flame_svg_opts so;
	struct flame_color c;
	struct flame_layout l;
	struct em_diag d = { 0 };
	FILE *f;

	ASSERT(text);
	for (i = 0; i < 70000; i++)
		memcpy(text + i * 3, "\xe6\x97\xa5", 3);
	memcpy(text + n - 2, " 1", 2);
	text[n] = 0;
	esc = escaped(text, n - 2);
	ASSERT(strlen(esc) == n - 2 && !memcmp(esc, text, n - 2));
	free(esc);
	p = folded(text);
	ASSERT(p);
	ASSERT_EQ_U64(flame_layout__build(&l, p, NULL, &lo, &d), 0);
	flame_svg_opts__init(&so);
	flame_color__init(&c, FLAME_PALETTE__HOT, false, false, 0);
	f = open_memstream(&svg, &len);
	ASSERT_EQ_U64(flame_svg__write(f, &l, &c, &so), 0);
	fclose(f);
	ASSERT(strstr(svg, "\xef\xbf\xbd") == NULL);	/* no U+FFFD: nothing was cut */
	ASSERT(memmem(svg, len, text, 210000) != NULL);	/* the whole name, in the title */
	free(svg);
	free(text);
	flame_color__release(&c);
	flame_layout__release(&l);
	profile__free(p);
}
