/*
 * test_kallsyms.c - the /proc/kallsyms parser and kernel address lookup on
 * small hand-written fixtures: text symbols only, modules, kptr_restrict
 * zeros, malformed lines, and no naming past the end of kernel text.
 */
#include "../lib/test.h"
#include "symbols/kallsyms.h"

static const char fixture[] =
	"ffffffff81000000 T _stext\n"
	"ffffffff81000100 T do_syscall_64\n"
	"ffffffff81000200 t helper_static\n"
	"ffffffff81000300 D some_data\n"
	"ffffffff81000400 W weak_fn\n"
	"garbage line\n"
	"ffffffff81001000 T _etext\n"
	"ffffffffc0000000 t ext4_read\t[ext4]\n";

TEST(test_kallsyms__parses_text_symbols_and_looks_up)
{
	struct kallsyms k;
	u64 bad = 0;

	kallsyms__init(&k);
	ASSERT(kallsyms__parse(&k, fixture, sizeof(fixture) - 1, &bad) == 0);
	ASSERT_EQ_U64(bad, 1);
	ASSERT_EQ_U64(k.n, 6);	/* D is not code */
	ASSERT_STREQ(kallsyms__lookup(&k, 0xffffffff81000100), "do_syscall_64");
	ASSERT_STREQ(kallsyms__lookup(&k, 0xffffffff810001ff), "do_syscall_64");
	ASSERT_STREQ(kallsyms__lookup(&k, 0xffffffff81000250), "helper_static");
	/* data symbols do not split code: 0x...350 is still helper_static */
	ASSERT_STREQ(kallsyms__lookup(&k, 0xffffffff81000350), "helper_static");
	ASSERT_STREQ(kallsyms__lookup(&k, 0xffffffff81000410), "weak_fn");
	ASSERT_STREQ(kallsyms__lookup(&k, 0xffffffffc0000010), "ext4_read");
	ASSERT(kallsyms__lookup(&k, 0xffffffff80ffffff) == NULL);
	ASSERT(kallsyms__lookup(&k, 0xffffffffc0200000) == NULL);	/* past the last module symbol */
	kallsyms__release(&k);
}

TEST(test_kallsyms__all_zero_addresses_is_empty)
{
	static const char restricted[] = "0000000000000000 T _stext\n0000000000000000 T do_sys_open\n";
	struct kallsyms k;

	kallsyms__init(&k);
	ASSERT(kallsyms__parse(&k, restricted, sizeof(restricted) - 1, NULL) == -EM_E_EMPTY_INPUT);
	ASSERT(kallsyms__lookup(&k, 0x1000) == NULL);
	kallsyms__release(&k);
}

TEST(test_kallsyms__no_final_newline_and_unsorted_input)
{
	static const char text[] = "ffffffff81000200 T b\nffffffff81000100 T a";
	struct kallsyms k;

	kallsyms__init(&k);
	ASSERT(kallsyms__parse(&k, text, sizeof(text) - 1, NULL) == 0);
	ASSERT_STREQ(kallsyms__lookup(&k, 0xffffffff81000150), "a");
	ASSERT_STREQ(kallsyms__lookup(&k, 0xffffffff81000250), "b");
	kallsyms__release(&k);
}
