/*
 * demangle.c - __cxa_demangle (libstdc++, extern "C") plus the Rust legacy
 * clean-ups that rustc-demangle does: drop the trailing ::h<16 hex> hash and
 * decode the $LT$-style escapes and ".." separators.
 */
#include "symbols/demangle.h"
#include "base/xalloc.h"

#include <stdlib.h>
#include <string.h>

char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

static bool is_rust_hash(const char *s, size_t n)
{
	size_t i;

	if (n < 19 || memcmp(s + n - 19, "::h", 3))
		return false;
	for (i = n - 16; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static const struct { const char *esc; char c; } rust_escapes[] = {
	{ "$LT$", '<' }, { "$GT$", '>' }, { "$RF$", '&' }, { "$BP$", '*' },
	{ "$C$", ',' }, { "$SP$", '@' }, { "$u20$", ' ' }, { "$u27$", '\'' },
	{ "$u5b$", '[' }, { "$u5d$", ']' }, { "$u7b$", '{' }, { "$u7d$", '}' },
	{ "$u7e$", '~' }, { "$LP$", '(' }, { "$RP$", ')' },
};

/* Rewrite a demangled Rust legacy name in place. */
static void rust_cleanup(char *s)
{
	size_t n = strlen(s), i, j, k;

	if (!is_rust_hash(s, n))
		return;
	s[n - 19] = 0;
	for (i = j = 0; s[i];) {
		/* rustc prefixes '_' to a path segment that starts with an escape */
		if (s[i] == '_' && s[i + 1] == '$' && (i == 0 || (i >= 2 && s[i - 1] == ':' && s[i - 2] == ':'))) {
			i++;
			continue;
		}
		if (s[i] == '$') {
			for (k = 0; k < ARRAY_SIZE(rust_escapes); k++) {
				size_t el = strlen(rust_escapes[k].esc);

				if (!strncmp(s + i, rust_escapes[k].esc, el)) {
					s[j++] = rust_escapes[k].c;
					i += el;
					break;
				}
			}
			if (k < ARRAY_SIZE(rust_escapes))
				continue;
		} else if (s[i] == '.' && s[i + 1] == '.') {
			s[j++] = ':';
			s[j++] = ':';
			i += 2;
			continue;
		}
		s[j++] = s[i++];
	}
	s[j] = 0;
}

char *demangle(const char *name)
{
	int status = 0;
	char *out;

	if (name[0] != '_' || name[1] != 'Z')
		return NULL;
	out = __cxa_demangle(name, NULL, NULL, &status);
	if (!out || status) {
		free(out);
		return NULL;
	}
	rust_cleanup(out);
	return out;
}
