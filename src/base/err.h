/*
 * err.h - ember's error codes and diagnostics. Fallible functions return 0
 * or a negative code: -errno for system errors, -EM_E_* for ember's own.
 * Parsers also fill a struct em_diag naming the input, line and problem.
 * Non-fatal problems (a skipped line) go to a struct diag_log.
 */
#ifndef EMBER_ERR_H
#define EMBER_ERR_H

#include "base/compiler.h"

/* X(name, message): one table, so codes and messages cannot drift apart. */
#define EM_ERRORS(X)                                         \
	X(BAD_INPUT, "malformed input")                      \
	X(EMPTY_INPUT, "no samples in input")                \
	X(TOO_BIG, "input exceeds a size limit")             \
	X(UNSUPPORTED, "unsupported input or option")        \
	X(USAGE, "invalid usage")

enum {
	EM_E__BASE = 4096,	/* above every errno value */
#define EM_E_ENUM(name, msg) EM_E_##name,
	EM_ERRORS(EM_E_ENUM)
#undef EM_E_ENUM
};

/* Message for a negative error code (either -errno or -EM_E_*). */
const char *em_strerror(int err);

/* Where a parser stopped, and why. path points at caller-owned memory. */
struct em_diag {
	const char *path;	/* input name as the user gave it; "-" is stdin */
	u64 line;		/* 1-based; 0 when not about one line */
	char msg[256];
};

void em_diag__set(struct em_diag *d, const char *path, u64 line, const char *fmt, ...)
	__printf(4, 5);

/*
 * A bounded log of warnings: keeps the first DIAG_LOG_KEEP messages verbatim
 * and counts the rest, so garbage input cannot grow memory.
 */
#define DIAG_LOG_KEEP 8

struct diag_log {
	u64 count;			/* warnings seen, kept or not */
	unsigned kept;
	char msg[DIAG_LOG_KEEP][320];
};

void diag_log__add(struct diag_log *log, const char *path, u64 line, const char *fmt, ...)
	__printf(4, 5);

/*
 * Append a printable excerpt of @len bytes at @s to @out (size @outsz):
 * at most @max input bytes, control and non-ASCII bytes as \xNN, and "..."
 * when cut. Used to quote bad input lines in messages.
 */
void diag__quote(char *out, size_t outsz, const char *s, size_t len, size_t max);

#endif
