/*
 * demangle.c - symbol names through two libraries rather than a hand-written
 * decoder: libiberty's Rust demangler (legacy "_ZN...17h<hash>E" and v0
 * "_R..." names; punycode, generics, closures, trait impls) and libstdc++'s
 * __cxa_demangle for everything else that starts with "_Z". This file picks
 * the demangler, bounds what a hostile name can cost (see rust_name()) and
 * carries a Rust name's "." suffix over.
 */
#include "symbols/demangle.h"
#include "base/xalloc.h"

#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/*
 * Declared here, not through <libiberty/demangle.h>: its libiberty.h declares
 * an xmalloc() of its own that clashes with base/xalloc.h's.
 */
#define DMGL_NO_OPTS 0
typedef void (*demangle_callbackref)(const char *, size_t, void *);
int rust_demangle_callback(const char *mangled, int options, demangle_callbackref callback, void *opaque);
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* rustc-demangle's own limit: a longer name is an attack (exponential back-references), not a symbol */
#define RUST_NAME_MAX 1000000

struct rust_out {
	char *s;	/* the name so far, malloc'd */
	size_t n, cap;
	jmp_buf too_long;	/* where rust_out__append() gives up */
};

/* libiberty's output callback: append, or leave the demangler at once when past RUST_NAME_MAX. */
static void rust_out__append(const char *data, size_t len, void *opaque)
{
	struct rust_out *o = opaque;

	if (!len)	/* libiberty passes (NULL, 0) for an empty identifier */
		return;
	if (len > RUST_NAME_MAX - o->n)
		longjmp(o->too_long, 1);
	if (o->n + len + 1 > o->cap) {
		while (o->n + len + 1 > o->cap)
			o->cap *= 2;
		o->s = xrealloc(o->s, o->cap);
	}
	memcpy(o->s + o->n, data, len);
	o->n += len;
}

/*
 * Whether v0 name @name has a binder ("F" or "D", then "G<base-62 count>_")
 * of 4 or more digits: at least 62^3 late-bound lifetimes, which libiberty
 * (20230104) counts through one by one without printing when the binder sits
 * in an impl path, so RUST_NAME_MAX cannot stop it ("_RMIC1aFGzzzzz_EuEu"
 * takes forever). Real names bind a handful; the few real names whose
 * identifiers happen to read like this (6 of 101,527 in rustc's own
 * libraries) stay mangled.
 */
static bool has_huge_binder(const char *name)
{
	const char *p;
	size_t n;

	for (p = name; (p = strchr(p, 'G')); p++) {
		if (p == name || (p[-1] != 'F' && p[-1] != 'D'))
			continue;
		n = strspn(p + 1, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
		if (n >= 4 && p[1 + n] == '_')
			return true;
	}
	return false;
}

/*
 * Where the mangled part of Rust name @name ends, i.e. its suffix starts: v0
 * names use only [A-Za-z0-9_], so at the first '.'; legacy names after the
 * 'E' that closes their length-prefixed segments ("_ZN4core3fmt5write17h..E").
 */
static const char *rust_suffix(const char *name)
{
	const char *p = name + 3;
	size_t len;

	if (name[1] == 'R')
		return name + strcspn(name, ".");
	while (*p >= '0' && *p <= '9') {
		for (len = 0; *p >= '0' && *p <= '9' && len < 1000000; p++)
			len = len * 10 + (size_t)(*p - '0');
		if (strnlen(p, len) < len)
			return p + strlen(p);
		p += len;
	}
	return *p == 'E' ? p + 1 : p + strlen(p);
}

/*
 * How much of suffix @s to keep: rustc-demangle drops LLVM's ".llvm.<hash>"
 * (the rest of the symbol only [0-9A-F@]), so "ARGV.0.llvm.36439" keeps ".0".
 */
static size_t kept_suffix(const char *s)
{
	const char *llvm = strstr(s, ".llvm.");

	if (llvm && !llvm[6 + strspn(llvm + 6, "0123456789ABCDEF@")])
		return (size_t)(llvm - s);
	return strlen(s);
}

/*
 * libiberty's reading of Rust name @name plus its kept suffix (libiberty
 * drops suffixes), or NULL. Its output goes through rust_out__append(), which
 * abandons a name past RUST_NAME_MAX: libiberty (unlike rustc-demangle)
 * follows back-references without a limit, and 100 bytes of them can stand
 * for gigabytes. Leaving it by longjmp is safe: until it prints, it holds no
 * resource but a punycode buffer, which is lost only on such a name.
 */
static char *rust_name(const char *name)
{
	struct rust_out o = { .cap = 256 };
	const char *suffix;
	size_t m;

	if (name[1] == 'R' && has_huge_binder(name))
		return NULL;
	o.s = xmalloc(o.cap);
	if (setjmp(o.too_long) || !rust_demangle_callback(name, DMGL_NO_OPTS, rust_out__append, &o) ||
	    !o.n) {	/* "_RNtCs_0sNtCs_0" reads as "": the mangled name says more */
		free(o.s);
		return NULL;
	}
	suffix = rust_suffix(name);
	m = kept_suffix(suffix);
	o.s = xrealloc(o.s, o.n + m + 1);
	memcpy(o.s + o.n, suffix, m);
	o.s[o.n + m] = 0;
	return o.s;
}

char *demangle(const char *name)
{
	int status = 0;
	char *out;

	if (name[0] != '_')
		return NULL;
	/* libiberty takes "_ZN" names only with a legacy hash segment; others are C++ */
	if (name[1] == 'R' || (name[1] == 'Z' && name[2] == 'N')) {
		out = rust_name(name);
		if (out)
			return out;
	}
	if (name[1] != 'Z')
		return NULL;
	out = __cxa_demangle(name, NULL, NULL, &status);
	if (!out || status) {
		free(out);
		return NULL;
	}
	return out;
}
