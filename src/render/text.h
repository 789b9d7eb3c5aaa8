/*
 * text.h - the character-level helpers the renderer needs: decoding UTF-8
 * one code point at a time (invalid bytes stand for themselves, flagged),
 * and writing text as well-formed XML (escaped, control characters and
 * invalid UTF-8 replaced), optionally cut to a number of characters.
 */
#ifndef EMBER_RENDER_TEXT_H
#define EMBER_RENDER_TEXT_H

#include <stdio.h>
#include "base/compiler.h"

/*
 * Decode the code point at s[*i] (s has @len bytes) and advance *@i. An
 * invalid or truncated sequence yields its first byte's value and sets
 * *@bad; the caller decides what that byte means.
 */
u32 utf8__next(const char *s, size_t len, size_t *i, bool *bad);

/* Number of code points in @s (invalid bytes count one each). */
size_t utf8__count(const char *s, size_t len);

/* Bytes taken by the first @nchars code points of @s. */
size_t utf8__prefix(const char *s, size_t len, size_t nchars);

/*
 * Write @s as XML character data or attribute text: & < > " ' escaped,
 * control characters other than tab and invalid UTF-8 (or code points XML
 * forbids) written as U+FFFD. Never produces malformed XML.
 */
void xml__write_escaped(FILE *f, const char *s, size_t len);

/* Bytes xml__escape() may write per input byte ("&quot;"). */
#define XML_ESCAPE_MAX 6

/* The same escaping into @dst (room for XML_ESCAPE_MAX * @len); returns the bytes written. */
size_t xml__escape(char *dst, const char *s, size_t len);

#endif
