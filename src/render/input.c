/*
 * input.c - the renderer's input, read by src/formats' registry
 * (format_read: detection by content, then the folded, perf script or pprof
 * reader). Only a flame chart of folded input is read here: its streams go
 * into memory (bounded by FLAME_INPUT_MAX) and each line is read on its own
 * with folded_read() and mapped into one profile, so the line order is kept
 * and the folded grammar stays in one place (src/formats/folded.c).
 */
#include "render/input.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

static int slurp(struct instream **ins, size_t n, char **out, size_t *outlen, struct em_diag *diag)
{
	char *buf = NULL;
	size_t len = 0, cap = 0, i;

	for (i = 0; i < n; i++) {
		for (;;) {
			ssize_t r;

			XGROW(buf, cap, len + 65536);
			r = instream__read(ins[i], buf + len, cap - len, diag);
			if (r < 0) {
				free(buf);
				return (int)r;
			}
			if (r == 0)
				break;
			len += (size_t)r;
			if (len > FLAME_INPUT_MAX) {
				em_diag__set(diag, instream__name(ins[i]), 0, "input larger than %zu GiB",
					     FLAME_INPUT_MAX >> 30);
				free(buf);
				return -EM_E_TOO_BIG;
			}
		}
		/* like Perl's <>, a file without a final newline still ends its line */
		if (len && buf[len - 1] != '\n' && i + 1 < n)
			buf[len++] = '\n';
	}
	*out = buf;
	*outlen = len;
	return 0;
}

/* The stack of @src's one sampled stack, rebuilt in @dst (frames by name). */
static u32 map_stack(struct profile *dst, const struct profile *src, u32 stack)
{
	u32 path[256], *p = path, node = STACK_ROOT, d = src->stacks.depth[stack], k;

	if (d > ARRAY_SIZE(path))
		p = xmalloc(d * sizeof(*p));
	for (k = d; stack != STACK_ROOT; stack = src->stacks.parent[stack])
		p[--k] = src->stacks.frame[stack];
	for (k = 0; k < d; k++) {
		const struct frame *f = frame_table__get(&src->frames, p[k]);
		size_t len;
		const char *name = strtab__get(&src->strings, f->name, &len);

		node = stack_trie__child(&dst->stacks, node, profile__frame(dst, name, len, f->kind));
	}
	if (p != path)
		free(p);
	return node;
}

static int read_ordered(struct flame_input *fi, const char *buf, size_t len, const char *name,
			struct diag_log *log, struct em_diag *diag)
{
	size_t pos = 0, cap = 0, vcap = 0;
	unsigned c;
	u64 lineno = 0;

	fi->p = profile__new(2);
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len, i;
		struct instream *in = instream__from_memory(buf + pos, end - pos, name);
		struct folded_read_stats st = { 0 };
		struct diag_log line_log = { 0 };	/* its line numbers are all 1 */
		struct em_diag d = { 0 };
		struct profile *q = NULL;

		pos = end;
		lineno++;
		if (folded_read(in, &q, &st, &line_log, &d) || st.ignored)
			diag_log__add(log, name, lineno, "no count at end of line, skipped");
		if (q) {
			for (i = 0; i < q->stacks.n && i < q->vcap; i++) {
				if (!q->present[i])
					continue;
				XGROW(fi->seq_stacks, cap, fi->nseq + 1);
				XGROW(fi->seq_values, vcap, (fi->nseq + 1) * 2);
				fi->seq_stacks[fi->nseq] = map_stack(fi->p, q, (u32)i);
				for (c = 0; c < 2; c++)
					fi->seq_values[fi->nseq * 2 + c] = c < q->ncols ? q->values[i * q->ncols + c] : 0;
				if (q->ncols >= 2)
					fi->differential = true;
				for (c = 0; c < q->ncols; c++)
					profile__add(fi->p, fi->seq_stacks[fi->nseq], c, q->values[i * q->ncols + c]);
				fi->nseq++;
			}
		}
		fi->stats.lines++;
		fi->stats.ignored += !q || st.ignored;
		profile__free(q);
		instream__free(in);
	}
	if (!fi->nseq) {
		em_diag__set(diag, name, 0, "no line of folded stacks (\"frame;frame count\") found");
		return -EM_E_EMPTY_INPUT;
	}
	if (!fi->differential) {
		/* one column: pack the values and the profile down */
		size_t i;

		for (i = 0; i < fi->nseq; i++)
			fi->seq_values[i] = fi->seq_values[i * 2];
		for (i = 0; i < fi->p->vcap; i++)
			fi->p->values[i] = fi->p->values[i * 2];
		fi->p->ncols = 1;
	}
	return 0;
}

int flame_input__read(struct flame_input *fi, struct instream **ins, size_t n, bool keep_order,
		      const struct perf_script_opts *perf, struct diag_log *log, struct em_diag *diag)
{
	const char *name = n == 1 ? instream__name(ins[0]) : "input";
	struct perf_script_opts po = { 0 };
	char *buf = NULL;
	size_t len = 0;
	int err, f;

	memset(fi, 0, sizeof(*fi));
	if (perf)
		po = *perf;
	f = keep_order ? input_format__detect(ins[0], diag) : INPUT_FORMAT__AUTO;
	if (f < 0)
		return f;
	if (f != INPUT_FORMAT__FOLDED) {
		err = format_read(ins, n, (enum input_format)f, &po, &fi->p, &fi->stats, log, diag);
		fi->format = fi->stats.format;
		fi->differential = !err && fi->format == INPUT_FORMAT__FOLDED && fi->stats.differential;
		return err;
	}
	fi->format = INPUT_FORMAT__FOLDED;
	err = slurp(ins, n, &buf, &len, diag);
	if (err)
		return err;
	err = read_ordered(fi, buf, len, name, log, diag);
	free(buf);
	if (err) {
		profile__free(fi->p);
		fi->p = NULL;
	}
	return err;
}

void flame_input__release(struct flame_input *fi)
{
	profile__free(fi->p);
	free(fi->seq_stacks);
	free(fi->seq_values);
	memset(fi, 0, sizeof(*fi));
}

int flame_input__read_diff(const char *before, const char *after, const struct diff_opts *o,
			   struct profile **out, struct diag_log *log, struct em_diag *diag)
{
	const char *paths[2] = { before, after };
	struct flame_input side[2];
	int i, err = 0;

	memset(side, 0, sizeof(side));
	for (i = 0; i < 2 && !err; i++) {
		struct instream *in;

		err = instream__open(&in, paths[i], diag);
		if (err)
			break;
		err = flame_input__read(&side[i], &in, 1, false, NULL, log, diag);
		instream__free(in);
	}
	if (!err)
		*out = profile__diff(side[0].p, side[1].p, o);
	flame_input__release(&side[0]);
	flame_input__release(&side[1]);
	return err;
}
