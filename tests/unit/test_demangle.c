/*
 * test_demangle.c - symbol demangling (src/symbols/demangle.c): Rust v0 and
 * legacy names that rustc 1.95 produced for tests/fixtures/demangle/demo.rs,
 * checked against rustc-demangle's own reading of them (rust-names.tsv),
 * plus closures, trait impls, generics, punycode, "." suffixes, C++ names
 * (unchanged from __cxa_demangle) and names that must not demangle.
 */
#include "../lib/test.h"
#include "symbols/demangle.h"

#include <stdio.h>
#include <stdlib.h>

#define FIX "tests/fixtures/demangle/"

struct case_ {
	const char *mangled;
	const char *want;	/* NULL: must not demangle */
};

/* Checks every case; names the first that fails. */
static void check_cases(const struct case_ *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char *d = demangle(c[i].mangled);

		if (!c[i].want && d)
			test_fail(__FILE__, __LINE__, "'%s' demangled to '%s', expected nothing", c[i].mangled, d);
		else if (c[i].want && !d)
			test_fail(__FILE__, __LINE__, "'%s' did not demangle, expected '%s'", c[i].mangled, c[i].want);
		else if (c[i].want && strcmp(d, c[i].want))
			test_fail(__FILE__, __LINE__, "'%s' demangled to '%s', expected '%s'", c[i].mangled, d, c[i].want);
		free(d);
		if (test_failed)
			return;
	}
}

TEST(test_demangle__rust_v0)
{
	static const struct case_ c[] = {
		{ "_RNvCs2ndz2m94zur_4demo4main", "demo::main" },
		/* trait impl, closure, generic function, inherent impl of a generic type */
		{ "_RNvXCs2ndz2m94zur_4demoNtB2_6CircleNtB2_5Shape4area", "<demo::Circle as demo::Shape>::area" },
		{ "_RNCNvCs2ndz2m94zur_4demo4spin0B3_", "demo::spin::{closure#0}" },
		{ "_RINvCs2ndz2m94zur_4demo11generic_sumhEB2_", "demo::generic_sum::<u8>" },
		{ "_RNvMs_Cs2ndz2m94zur_4demoINtB4_7WrappermE3getB4_", "<demo::Wrapper<u32>>::get" },
		{ "_RINvNtCsgEmfK2I1SDS_4core3ptr13drop_in_placeINtNtCslNYArtu3iFV_5alloc5boxed3BoxDNtCs2ndz2m94zur_4demo5ShapeEL_EEB1i_",
		  "core::ptr::drop_in_place::<alloc::boxed::Box<dyn demo::Shape>>" },
		/* punycode: mod ünicode { fn grüße } */
		{ "_RNvNtCs2ndz2m94zur_4demou10nicode_2yau9gre_6ka8l", "demo::ünicode::grüße" },
		/* suffixes: LLVM's hash is dropped, anything else kept (rustc-demangle) */
		{ "_RNvCs2ndz2m94zur_4demo4spin.llvm.13819729340568972596", "demo::spin" },
		{ "_RNvCs2ndz2m94zur_4demo4spin.cold", "demo::spin.cold" },
		{ "_RNvNtNtCsjrHSEGnQ3l9_3std6thread11main_thread4MAIN.0.llvm.3643936799275306673",
		  "std::thread::main_thread::MAIN.0" },
		/* truncated or malformed */
		{ "_R", NULL },
		{ "_RNv", NULL },
		{ "_RNvCs2ndz2m94zur_4demo9main", NULL },
		{ "_RNvCs2ndz2m94zur_4demo4main$", NULL },
		{ "_RNtCs_0sNtCs_0", NULL },	/* demangles to "" */
	};

	check_cases(c, ARRAY_SIZE(c));
}

/* v0 base-62 number @n as a back-reference's digits ("_" for 0, else n-1 then "_") */
static size_t base62(char *out, u64 n)
{
	static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
	char tmp[16];
	size_t k = 0, i;

	if (n--)
		do {
			tmp[k++] = digits[n % 62];
			n /= 62;
		} while (n);
	for (i = 0; i < k; i++)
		out[i] = tmp[k - 1 - i];
	out[k] = '_';
	return k + 1;
}

/*
 * "a::f::<T>" whose T is a tuple "(X, X)" of the tuple before it, @levels
 * times over, from "((), ())": each level one back-reference pair, doubling
 * the output.
 */
static void doubling_name(char *buf, size_t cap, int levels)
{
	size_t n = 0, prev;
	int i;

	n += (size_t)snprintf(buf, cap, "_RINvC1a1f");
	prev = n - 2;	/* back-references count from after "_R" */
	n += (size_t)snprintf(buf + n, cap - n, "TuuE");
	for (i = 0; i < levels && n + 40 < cap; i++) {
		size_t here = n - 2;

		buf[n++] = 'T';
		buf[n++] = 'B';
		n += base62(buf + n, prev);
		buf[n++] = 'B';
		n += base62(buf + n, prev);
		buf[n++] = 'E';
		prev = here;
	}
	buf[n++] = 'E';
	buf[n] = 0;
}

/* Names built to make libiberty loop or print without end: refused at once. */
TEST(test_demangle__rust_v0_hostile_names_stay_mangled)
{
	static const struct case_ c[] = {
		/* 62^10 bound lifetimes in an impl path, which libiberty counts without printing */
		{ "_RNvMIC1aFGzzzzzzzzzz_EuEu1f", NULL },
		{ "_RMIC1aFGzzzzz_EuEu", NULL },
		/* the price of the binder check: an identifier ending in "FG" before a 2-digit length */
		{ "_RNvMNtNtCshpzWpLcxOCw_15rustc_mir_build7builder3cfgNtB4_3CFG11push_assign", NULL },
		{ "_RNvMNtNtCshpzWpLcxOCw_15rustc_mir_build7builder3cfgNtB4_3CFG4push", "<rustc_mir_build::builder::CFG>::push" },
	};
	char name[1024];
	char *d;

	check_cases(c, ARRAY_SIZE(c));
	if (test_failed)
		return;
	/* 10 doublings: 24,548 bytes are still a name; 60 (2^60 "()") are not */
	doubling_name(name, sizeof(name), 10);
	d = demangle(name);
	ASSERT(d != NULL);
	ASSERT_EQ_U64(strlen(d), 24548);
	free(d);
	doubling_name(name, sizeof(name), 60);
	ASSERT(demangle(name) == NULL);
}

TEST(test_demangle__rust_legacy)
{
	static const struct case_ c[] = {
		{ "_ZN4demo4spin17hb7b1519047c4b877E", "demo::spin" },
		{ "_ZN4demo4spin28_$u7b$$u7b$closure$u7d$$u7d$17h7cdd8ef56236f29cE", "demo::spin::{{closure}}" },
		{ "_ZN44_$LT$demo..Circle$u20$as$u20$demo..Shape$GT$4area17h190be95a89fe70cdE",
		  "<demo::Circle as demo::Shape>::area" },
		{ "_ZN4demo16Wrapper$LT$T$GT$3get17h5b03015bd4024c5eE", "demo::Wrapper<T>::get" },
		/* "$u3b$" and "$u21$" were left escaped before libiberty */
		{ "_ZN4core3ptr155drop_in_place$LT$alloc..boxed..Box$LT$core..mem..maybe_uninit..MaybeUninit$LT$"
		  "$u5b$alloc..boxed..Box$LT$dyn$u20$demo..Shape$GT$$u3b$$u20$1$u5d$$GT$$GT$$GT$17h03bae4218059b58aE",
		  "core::ptr::drop_in_place<alloc::boxed::Box<core::mem::maybe_uninit::MaybeUninit<"
		  "[alloc::boxed::Box<dyn demo::Shape>; 1]>>>" },
		{ "_ZN78_$LT$$u21$$u20$as$u20$std..sys..thread_local..native..lazy..DestroyedState$GT$13register_dtor17h85b0b86a621f2510E",
		  "<! as std::sys::thread_local::native::lazy::DestroyedState>::register_dtor" },
		{ "_ZN4core3fmt5write17h0123456789abcdefE", "core::fmt::write" },
		{ "_ZN4demo4spin17hb7b1519047c4b877E.llvm.1234", "demo::spin" },
		{ "_ZN4demo4spin17hb7b1519047c4b877E.cold", "demo::spin.cold" },
		/* a hash of 15 digits is no Rust hash, and no valid C++ name either */
		{ "_ZN4demo4spin17hb7b1519047c4b87E", NULL },
	};

	check_cases(c, ARRAY_SIZE(c));
}

TEST(test_demangle__cpp_as_cxa_demangle_prints_it)
{
	static const struct case_ c[] = {
		{ "_ZN3foo3barEv", "foo::bar()" },
		{ "_ZN12_GLOBAL__N_18c_localeE", "(anonymous namespace)::c_locale" },
		{ "_ZNSt6vectorIiSaIiEE9push_backERKi", "std::vector<int, std::allocator<int> >::push_back(int const&)" },
		{ "_Z4spinv.cold", "spin() [clone .cold]" },
		/* the Rust-looking segment of a C++ function with parameters stays */
		{ "_ZN4demo4spin17hb7b1519047c4b877Ev", "demo::spin::hb7b1519047c4b877()" },
		{ "main", NULL },
		{ "_Znot valid", NULL },
		{ "", NULL },
		{ "_", NULL },
	};

	check_cases(c, ARRAY_SIZE(c));
}

/*
 * Where ember knowingly differs from rustc-demangle: libiberty (20230104)
 * decodes only ASCII $u..$ escapes of legacy names and prints the rest of
 * such a segment as it is (as ember did before, and as c++filt and perf do).
 */
static const struct case_ known_differences[] = {
	{ "_ZN4demo12_$ufc$nicode13gr$ufc$$udf$e17hd44f1e0821a027bbE", "demo::$ufc$nicode::gr$ufc$$udf$e" },
};

TEST(test_demangle__rust_names_from_rustc_read_as_rustc_demangle_does)
{
	FILE *f = fopen(FIX "rust-names.tsv", "r");
	char *line = NULL, *tab, *d;
	size_t cap = 0, n = 0, nv0 = 0, ndiff = 0, i;
	ssize_t len;

	ASSERT(f != NULL);
	while ((len = getline(&line, &cap, f)) > 0) {
		const char *want;

		if (line[len - 1] == '\n')
			line[--len] = 0;
		tab = strchr(line, '\t');
		if (!tab) {
			test_fail(__FILE__, __LINE__, "rust-names.tsv:%zu: no tab", n + 1);
			break;
		}
		*tab = 0;
		want = tab + 1;
		for (i = 0; i < ARRAY_SIZE(known_differences); i++)
			if (!strcmp(line, known_differences[i].mangled)) {
				want = known_differences[i].want;
				ndiff++;
			}
		d = demangle(line);
		if (!d || strcmp(d, want)) {
			test_fail(__FILE__, __LINE__, "rust-names.tsv:%zu: '%s' demangled to '%s', expected '%s'",
				  n + 1, line, d ? d : "(nothing)", want);
			free(d);
			break;
		}
		free(d);
		n++;
		nv0 += line[1] == 'R';
	}
	free(line);
	fclose(f);
	ASSERT(!test_failed);
	/* both schemes were read, and every known difference was met */
	ASSERT(nv0 >= 150);
	ASSERT(n - nv0 >= 70);
	ASSERT_EQ_U64(ndiff, ARRAY_SIZE(known_differences));
}
