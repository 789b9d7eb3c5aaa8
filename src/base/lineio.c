/*
 * lineio.c - buffered line splitting with a hard cap on line length.
 */
#include "base/lineio.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

#define LINEIO_CHUNK (1u << 20)

void line_reader__init(struct line_reader *r, struct instream *in, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->in = in;
	r->max_line = max_line ? max_line : LINEIO_DEFAULT_MAX;
	r->cap = LINEIO_CHUNK;
	r->buf = xmalloc(r->cap);
	r->last_had_newline = true;
}

void line_reader__release(struct line_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Read more input after the unconsumed bytes. Returns bytes read or < 0. */
static ssize_t fill(struct line_reader *r, struct em_diag *diag)
{
	ssize_t n;

	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->cap - r->len < LINEIO_CHUNK / 2 && r->cap < r->max_line + LINEIO_CHUNK) {
		size_t c = r->cap * 2;

		if (c > r->max_line + LINEIO_CHUNK)
			c = r->max_line + LINEIO_CHUNK;
		r->buf = xrealloc(r->buf, c);
		r->cap = c;
	}
	n = instream__read(r->in, r->buf + r->len, r->cap - r->len, diag);
	if (n > 0)
		r->len += n;
	else if (n == 0)
		r->eof = true;
	return n;
}

/* Skip the rest of an over-long line. Returns 0 or a negative error. */
static int skip_line(struct line_reader *r, struct em_diag *diag)
{
	for (;;) {
		char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
		ssize_t n;

		if (nl) {
			r->pos = nl - r->buf + 1;
			return 0;
		}
		r->pos = r->len = 0;
		n = instream__read(r->in, r->buf, r->cap, diag);
		if (n < 0)
			return (int)n;
		if (n == 0) {
			r->eof = true;
			return 0;
		}
		r->len = n;
	}
}

int line_reader__next(struct line_reader *r, const char **line, size_t *len, struct em_diag *diag)
{
	size_t scanned = 0;

	for (;;) {
		char *start = r->buf + r->pos;
		char *nl = memchr(start + scanned, '\n', r->len - r->pos - scanned);

		if (nl) {
			*line = start;
			*len = nl - start;
			r->pos += *len + 1;
			r->lineno++;
			return LINEIO_LINE;
		}
		scanned = r->len - r->pos;
		if (scanned > r->max_line) {
			int err;

			r->lineno++;
			err = skip_line(r, diag);
			return err ? err : LINEIO_TOO_LONG;
		}
		if (r->eof) {
			if (scanned == 0)
				return LINEIO_EOF;
			*line = start;
			*len = scanned;
			r->pos = r->len;
			r->lineno++;
			r->last_had_newline = false;
			return LINEIO_LINE;
		}
		{
			ssize_t n = fill(r, diag);

			if (n < 0)
				return (int)n;
		}
	}
}
