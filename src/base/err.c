/*
 * err.c - error messages for ember's codes, struct em_diag and the bounded
 * warning log. Printing to the terminal is src/cli's job, not this file's.
 */
#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *em_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
#define EM_E_CASE(name, msg) case EM_E_##name: return msg;
	EM_ERRORS(EM_E_CASE)
#undef EM_E_CASE
	}
	return strerror(err);
}

static int format_location(char *out, size_t n, const char *path, u64 line)
{
	if (!path)
		return 0;
	if (line)
		return snprintf(out, n, "'%s':%llu: ", path, (unsigned long long)line);
	return snprintf(out, n, "'%s': ", path);
}

void em_diag__set(struct em_diag *d, const char *path, u64 line, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	d->path = path;
	d->line = line;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

void diag_log__add(struct diag_log *log, const char *path, u64 line, const char *fmt, ...)
{
	va_list ap;
	char *m;
	int n;

	log->count++;
	if (log->kept >= DIAG_LOG_KEEP)
		return;
	m = log->msg[log->kept++];
	n = format_location(m, sizeof(log->msg[0]), path, line);
	if (n < 0 || (size_t)n >= sizeof(log->msg[0]))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(m + n, sizeof(log->msg[0]) - n, fmt, ap);
	va_end(ap);
}

void diag__quote(char *out, size_t outsz, const char *s, size_t len, size_t max)
{
	size_t o = 0, i;

	if (!outsz)
		return;
	for (i = 0; i < len && i < max; i++) {
		unsigned char c = s[i];

		if (o + 8 >= outsz)
			break;
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			out[o++] = c;
		} else {
			o += snprintf(out + o, outsz - o, "\\x%02x", c);
		}
	}
	if (i < len && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}
