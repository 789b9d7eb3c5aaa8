/*
 * fuzz_diff.c - libFuzzer target for the differential path and the flame
 * renderer: the first byte picks options (diff -n/-s, reverse, flame chart,
 * chain, inverted, minwidth), the rest is split at the first NUL into two
 * folded (or perf script) inputs A and B. A is drawn on its own (flame chart
 * order included), then A and B are diffed and drawn. Checks: the layout's
 * invariants (children inside their parents' depth range, the root spanning
 * the graph) and that the SVG writer finishes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render/input.h"
#include "render/layout.h"
#include "render/svg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void draw(const struct profile *p, const struct flame_seq *seq, unsigned flags)
{
	struct flame_layout_opts lo = {
		.reverse = flags & 4, .flamechart = flags & 8, .chain = flags & 16,
		.minwidth = flags & 64 ? 0 : 0.1, .image_width = 1200,
	};
	struct flame_svg_opts so;
	struct flame_color color;
	struct flame_layout l;
	struct em_diag diag = { 0 };
	char *text = NULL;
	size_t len = 0, i;
	FILE *f;

	if (flame_layout__build(&l, p, seq, &lo, &diag))
		return;
	if (l.timemax < l.time)
		abort();
	for (i = 0; i < l.n; i++) {
		if (l.frames[i].end < l.frames[i].start || l.frames[i].depth > l.depthmax)
			abort();
		if (l.frames[i].depth == 0 && (l.frames[i].start != 0 || l.frames[i].end != l.timemax))
			abort();
	}
	flame_svg_opts__init(&so);
	so.inverted = flags & 32;
	flame_color__init(&color, lo.chain ? FLAME_PALETTE__CHAIN : FLAME_PALETTE__JAVA, flags & 128, false, 1);
	f = open_memstream(&text, &len);
	if (flame_svg__write(f, &l, &color, &so))
		abort();
	fclose(f);
	free(text);
	flame_color__release(&color);
	flame_layout__release(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct flame_input a = { 0 }, b = { 0 };
	struct instream *in;
	unsigned flags;
	size_t la;

	if (size < 1)
		return 0;
	flags = data[0];
	data++;
	size--;
	nul = memchr(data, 0, size);
	la = nul ? (size_t)(nul - data) : size;

	in = instream__from_memory(data, la, "a");
	if (flame_input__read(&a, &in, 1, flags & 8, NULL, &log, &diag) == 0) {
		struct flame_seq seq = { a.seq_stacks, a.seq_values, a.nseq };

		if (stack_trie__check(&a.p->stacks))
			abort();
		draw(a.p, a.seq_stacks ? &seq : NULL, flags);
	}
	instream__free(in);
	if (nul) {
		in = instream__from_memory(nul + 1, size - la - 1, "b");
		if (a.p && flame_input__read(&b, &in, 1, false, NULL, &log, &diag) == 0) {
			struct diff_opts o = { .normalize = flags & 1, .strip_hex = flags & 2 };
			struct profile *d = profile__diff(a.p, b.p, &o);

			if (d->ncols != 2 || stack_trie__check(&d->stacks))
				abort();
			draw(d, NULL, flags);
			profile__free(d);
		}
		instream__free(in);
	}
	flame_input__release(&a);
	flame_input__release(&b);
	return 0;
}
