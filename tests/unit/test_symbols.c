/*
 * test_symbols.c - the ELF symbolizer on checked-in fixtures
 * (tests/fixtures/record, rebuilt by make-fixtures.sh): .symtab lookups that
 * never fall back to the nearest preceding symbol, the separate debug file
 * found through .gnu_debuglink, MiniDebugInfo (.gnu_debugdata), PLT stubs
 * named func@plt, build-ids, file
 * offset → ELF address, and C++/Rust demangling.
 */
#include "../lib/test.h"
#include "symbols/demangle.h"
#include "symbols/elf_object.h"

#include <stdlib.h>

#define FIX "tests/fixtures/record/"

static const char *name_at(struct elf_object *o, u64 vaddr)
{
	const struct elf_symbol *s = elf_object__lookup(o, vaddr);

	return s ? o->names + s->name : "(none)";
}

TEST(test_symbols__symtab_lookup_covers_only_the_symbol)
{
	struct elf_object *o;
	u64 v;

	ASSERT(elf_object__open(FIX "symbols", NULL, &o) == 0);
	ASSERT_EQ_U64(o->build_id_len, 20);
	ASSERT_STREQ(name_at(o, 0x1180), "fixture_alpha");
	ASSERT_STREQ(name_at(o, 0x1188), "fixture_alpha");
	ASSERT_STREQ(name_at(o, 0x1189), "(none)");	/* padding after alpha: not alpha */
	ASSERT_STREQ(name_at(o, 0x119c), "fixture_beta");
	ASSERT_STREQ(name_at(o, 0x119d), "(none)");
	/* PLT stubs, named from .rela.plt; PLT0 (the resolver stub) has no name */
	ASSERT_STREQ(name_at(o, 0x1030), "puts@plt");
	ASSERT_STREQ(name_at(o, 0x104f), "strtol@plt");
	ASSERT_STREQ(name_at(o, 0x1020), "(none)");
	/* .text is in the second PT_LOAD: file offset 0x1180 is ELF address 0x1180 */
	ASSERT(elf_object__file_to_vaddr(o, 0x1180, &v));
	ASSERT_EQ_U64(v, 0x1180);
	ASSERT(!elf_object__file_to_vaddr(o, 1u << 30, &v));
	ASSERT(elf_object__cfi(o) != NULL);
	elf_object__free(o);
}

TEST(test_symbols__stripped_file_uses_its_debuglink)
{
	struct elf_object *o, *full;

	ASSERT(elf_object__open(FIX "stripped", NULL, &o) == 0);
	ASSERT(elf_object__open(FIX "symbols", NULL, &full) == 0);
	ASSERT(o->build_id_len == full->build_id_len && !memcmp(o->build_id, full->build_id, 20));
	ASSERT_STREQ(name_at(o, 0x1190), "fixture_beta");
	ASSERT_STREQ(name_at(o, 0x1034), "puts@plt");	/* from the stripped file itself */
	ASSERT(o->dbg_elf != NULL);
	ASSERT(elf_object__cfi(o) != NULL);	/* .eh_frame survives stripping */
	elf_object__free(o);
	elf_object__free(full);
}

/* Copy @from to @to (small fixture files). */
static int copy_file(const char *from, const char *to)
{
	FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
	char buf[8192];
	size_t n;
	int ok = a && b;

	while (ok && (n = fread(buf, 1, sizeof(buf), a)) > 0)
		ok = fwrite(buf, 1, n, b) == n;
	if (a)
		fclose(a);
	if (b && fclose(b))
		ok = 0;
	return ok ? 0 : -1;
}

TEST(test_symbols__debug_file_found_by_build_id)
{
	char root[] = "/tmp/ember-test-debugroot-XXXXXX", dir[256], dbg[320], bin[320], hex[41];
	struct elf_object *o;

	ASSERT(mkdtemp(root) != NULL);
	/* the stripped binary alone (its debuglink's target is not next to it) */
	snprintf(bin, sizeof(bin), "%s/stripped", root);
	ASSERT(copy_file(FIX "stripped", bin) == 0);
	ASSERT(elf_object__open(bin, root, &o) == 0);
	ASSERT_STREQ(name_at(o, 0x1190), "(none)");	/* nothing yet */
	elf_object__build_id_hex(o->build_id, o->build_id_len, hex);
	elf_object__free(o);
	/* <root>/usr/lib/debug/.build-id/xx/yyyy.debug */
	snprintf(dir, sizeof(dir), "%s/usr/lib/debug/.build-id/%.2s", root, hex);
	snprintf(dbg, sizeof(dbg), "mkdir -p '%s'", dir);
	ASSERT(system(dbg) == 0);
	snprintf(dbg, sizeof(dbg), "%s/%s.debug", dir, hex + 2);
	ASSERT(copy_file(FIX "symbols.debug", dbg) == 0);
	ASSERT(elf_object__open(bin, root, &o) == 0);
	ASSERT_STREQ(name_at(o, 0x1190), "fixture_beta");
	ASSERT(o->dbg_elf != NULL);
	elf_object__free(o);
	snprintf(dbg, sizeof(dbg), "rm -rf '%s'", root);
	ASSERT(system(dbg) == 0);
}

TEST(test_symbols__minidebuginfo_gives_the_stripped_symbols)
{
	struct elf_object *o;

	ASSERT(elf_object__open(FIX "minidebug", NULL, &o) == 0);
	ASSERT_STREQ(name_at(o, 0x1184), "fixture_alpha");	/* from .gnu_debugdata */
	ASSERT_STREQ(name_at(o, 0x1189), "(none)");
	ASSERT_STREQ(name_at(o, 0x1040), "strtol@plt");
	ASSERT(o->dbg_elf == NULL);
	elf_object__free(o);
}

TEST(test_symbols__missing_and_non_elf_files_fail)
{
	struct elf_object *o = (void *)1;

	ASSERT(elf_object__open(FIX "no-such-file", NULL, &o) < 0);
	ASSERT(o == NULL);
	ASSERT(elf_object__open(FIX "symbols.c", NULL, &o) == -EM_E_BAD_INPUT);
}

TEST(test_symbols__demangles_cpp_and_rust)
{
	char *d;

	d = demangle("_ZN3foo3barEv");
	ASSERT(d != NULL);
	ASSERT_STREQ(d, "foo::bar()");
	free(d);
	d = demangle("_ZN4core3fmt5write17h0123456789abcdefE");
	ASSERT(d != NULL);
	ASSERT_STREQ(d, "core::fmt::write");
	free(d);
	d = demangle("_ZN49_$LT$alloc..vec..Vec$LT$T$GT$$u20$as$u20$Drop$GT$4drop17h00112233445566aaE");
	ASSERT(d != NULL);
	ASSERT_STREQ(d, "<alloc::vec::Vec<T> as Drop>::drop");
	free(d);
	ASSERT(demangle("main") == NULL);
	ASSERT(demangle("_Znot valid") == NULL);
}
