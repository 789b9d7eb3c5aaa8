/*
 * scan.h - the tiny bounded text scanner the symbol-file parsers share
 * (/proc/kallsyms, /proc/PID/maps, /tmp/perf-PID.map): hex numbers and
 * space-separated fields over a (pointer, end) pair, never past end.
 */
#ifndef EMBER_SCAN_H
#define EMBER_SCAN_H

#include "base/compiler.h"

struct scan {
	const char *p, *end;
};

/* A hex number (optional 0x, at most 16 digits). False when none is there. */
static inline bool scan__hex(struct scan *s, u64 *out)
{
	u64 v = 0;
	int nd = 0;

	if (s->end - s->p >= 2 && s->p[0] == '0' && (s->p[1] == 'x' || s->p[1] == 'X'))
		s->p += 2;
	while (s->p < s->end) {
		char c = *s->p;
		int d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			break;
		if (++nd > 16)
			return false;
		v = v << 4 | (u64)d;
		s->p++;
	}
	*out = v;
	return nd > 0;
}

/* Skip spaces and tabs; false when at the end. */
static inline bool scan__spaces(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
		s->p++;
	return s->p < s->end;
}

/* The next field up to a space/tab (or the end); false when empty. */
static inline bool scan__field(struct scan *s, const char **f, size_t *len)
{
	const char *b = s->p;

	while (s->p < s->end && *s->p != ' ' && *s->p != '\t')
		s->p++;
	*f = b;
	*len = (size_t)(s->p - b);
	return *len > 0;
}

/* Split @text into lines: the next line [*line, *line + *len), false at the end. */
static inline bool scan__line(struct scan *s, const char **line, size_t *len)
{
	const char *b = s->p, *nl;

	if (s->p >= s->end)
		return false;
	nl = __builtin_memchr(s->p, '\n', (size_t)(s->end - s->p));
	s->p = nl ? nl + 1 : s->end;
	*line = b;
	*len = (size_t)((nl ? nl : s->end) - b);
	return true;
}

#endif
