/*
 * lineio.h - a line reader over an instream that tracks line numbers and
 * caps line length, so a parser gets (bytes, length, line number) and never
 * an unbounded buffer. Lines are returned without their '\n'.
 */
#ifndef EMBER_LINEIO_H
#define EMBER_LINEIO_H

#include "base/instream.h"

#define LINEIO_DEFAULT_MAX (64u << 20)	/* 64 MiB */

struct line_reader {
	struct instream *in;	/* borrowed */
	char *buf;
	size_t cap, len, pos;
	size_t max_line;
	u64 lineno;		/* number of the line last returned */
	bool eof;
	bool last_had_newline;	/* false when the input's final line had no '\n' */
};

enum lineio_status {
	LINEIO_LINE = 1,	/* *line and *len are set */
	LINEIO_TOO_LONG = 2,	/* a line over max_line bytes was skipped */
	LINEIO_EOF = 0,
};

void line_reader__init(struct line_reader *r, struct instream *in, size_t max_line);
void line_reader__release(struct line_reader *r);

/*
 * Next line. Returns LINEIO_LINE, LINEIO_TOO_LONG, LINEIO_EOF or a negative
 * error (read failure; @diag filled). The line stays valid until the next call.
 */
int line_reader__next(struct line_reader *r, const char **line, size_t *len, struct em_diag *diag);

#endif
