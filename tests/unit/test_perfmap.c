/*
 * test_perfmap.c - /tmp/perf-PID.map parsing ("START SIZE name"), lookups
 * that never name an address outside an entry, later entries winning, and
 * re-reading a file that grew.
 */
#include "../lib/test.h"
#include "symbols/perfmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

TEST(test_perfmap__parses_and_looks_up)
{
	static const char text[] =
		"7f0000001000 40 LazyCompile:~foo app.js:1\n"
		"0x7f0000002000 0x10 py::bar:/x.py\r\n"
		"not a line\n"
		"7f0000003000 0 zero-size\n"
		"7f0000001000 20 Recompiled:foo\n";
	struct perfmap m;
	const struct perfmap_entry *e;
	u64 bad = 0;

	perfmap__init(&m);
	perfmap__parse(&m, text, sizeof(text) - 1, &bad);
	ASSERT_EQ_U64(bad, 2);
	ASSERT_EQ_U64(m.n, 2);
	e = perfmap__lookup(&m, 0x7f0000001010);
	ASSERT(e != NULL);
	ASSERT_STREQ(m.names + e->name, "Recompiled:foo");
	ASSERT(perfmap__lookup(&m, 0x7f0000001020) == NULL);	/* past the later, shorter entry */
	e = perfmap__lookup(&m, 0x7f000000200f);
	ASSERT(e != NULL);
	ASSERT_STREQ(m.names + e->name, "py::bar:/x.py");
	ASSERT(perfmap__lookup(&m, 0x7f0000002010) == NULL);
	ASSERT(perfmap__lookup(&m, 0x10) == NULL);
	perfmap__release(&m);
}

TEST(test_perfmap__rereads_a_growing_file)
{
	char path[] = "/tmp/ember-test-perfmap-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct perfmap m;

	ASSERT(fd >= 0);
	f = fdopen(fd, "w");
	fputs("1000 10 first\n", f);
	fflush(f);
	perfmap__init(&m);
	ASSERT(perfmap__refresh(&m, path) == 0);
	ASSERT(perfmap__lookup(&m, 0x2000) == NULL);
	fputs("2000 10 second\n", f);
	fclose(f);
	ASSERT(perfmap__refresh(&m, path) == 0);
	ASSERT(perfmap__lookup(&m, 0x2004) != NULL);
	ASSERT(perfmap__lookup(&m, 0x1004) != NULL);
	unlink(path);
	ASSERT(perfmap__refresh(&m, path) < 0);
	perfmap__release(&m);
}
