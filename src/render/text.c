/*
 * text.c - UTF-8 decoding and XML escaping for the renderer (see text.h).
 */
#include "render/text.h"

#include <string.h>

/* one thread writes each file: skip stdio's per-call locking */
#define fputs fputs_unlocked
#define fputc fputc_unlocked
#define fwrite fwrite_unlocked

u32 utf8__next(const char *str, size_t len, size_t *i, bool *bad)
{
	const unsigned char *s = (const unsigned char *)str + *i;
	size_t left = len - *i, n, k;
	u32 c = s[0], min;

	*bad = false;
	if (c < 0x80) {
		(*i)++;
		return c;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2; c &= 0x1f; min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3; c &= 0x0f; min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4; c &= 0x07; min = 0x10000;
	} else {
		goto invalid;
	}
	if (left < n)
		goto invalid;
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			goto invalid;
		c = c << 6 | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto invalid;
	*i += n;
	return c;
invalid:
	*bad = true;
	(*i)++;
	return s[0];
}

size_t utf8__count(const char *s, size_t len)
{
	size_t i = 0, n = 0;
	bool bad;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80)
			i++;
		else
			utf8__next(s, len, &i, &bad);
		n++;
	}
	return n;
}

size_t utf8__prefix(const char *s, size_t len, size_t nchars)
{
	size_t i = 0;
	bool bad;

	while (i < len && nchars--) {
		if ((unsigned char)s[i] < 0x80)
			i++;
		else
			utf8__next(s, len, &i, &bad);
	}
	return i;
}

static bool xml_char_ok(u32 c)
{
	if (c < 0x20)
		return c == '\t';
	if (c >= 0x7f && c <= 0x9f)	/* allowed in XML 1.0, but invisible and risky */
		return false;
	return c != 0xfffe && c != 0xffff;
}

size_t xml__escape(char *dst, const char *s, size_t len)
{
	size_t i = 0, run = 0, n = 0;

	while (i < len) {
		unsigned char b = (unsigned char)s[i];
		const char *rep = NULL;
		size_t start = i, rl;

		if (b >= 0x20 && b < 0x7f) {
			switch (b) {
			case '&': rep = "&amp;"; break;
			case '<': rep = "&lt;"; break;
			case '>': rep = "&gt;"; break;
			case '"': rep = "&quot;"; break;
			case '\'': rep = "&#39;"; break;
			default: i++; continue;
			}
			i++;
		} else {
			bool bad;
			u32 c = utf8__next(s, len, &i, &bad);

			if (!bad && xml_char_ok(c))
				continue;
			rep = "\xef\xbf\xbd";	/* U+FFFD */
		}
		memcpy(dst + n, s + run, start - run);
		n += start - run;
		rl = strlen(rep);
		memcpy(dst + n, rep, rl);
		n += rl;
		run = i;
	}
	memcpy(dst + n, s + run, len - run);
	return n + len - run;
}

void xml__write_escaped(FILE *f, const char *s, size_t len)
{
	char buf[XML_ESCAPE_MAX * 4096];

	while (len) {
		size_t chunk = len > 4096 ? 4096 : len;

		/* keep UTF-8 sequences whole across chunks */
		while (chunk < len && chunk > 1 && ((unsigned char)s[chunk] & 0xc0) == 0x80)
			chunk--;
		fwrite(buf, 1, xml__escape(buf, s, chunk), f);
		s += chunk;
		len -= chunk;
	}
}
