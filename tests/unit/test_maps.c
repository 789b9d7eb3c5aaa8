/*
 * test_maps.c - a process's mappings: /proc/PID/maps lines, and inserts
 * that cut, split and replace what they overlap, as mmap(2) does.
 */
#include "../lib/test.h"
#include "symbols/maps.h"

#include <string.h>

TEST(test_maps__parses_proc_maps_lines)
{
	static const char l1[] = "55d0c2a00000-55d0c2a21000 r-xp 00002000 08:01 1234    /usr/bin/python3.11";
	static const char l2[] = "7ffd1000-7ffd2000 rw-p 00000000 00:00 0 ";
	static const char l3[] = "7f00-7f10 r-xp 0 00:00 0 /tmp/a b (deleted)";
	struct proc_maps_line m;

	ASSERT(proc_maps__parse_line(l1, strlen(l1), &m) == 0);
	ASSERT_EQ_U64(m.start, 0x55d0c2a00000);
	ASSERT_EQ_U64(m.end, 0x55d0c2a21000);
	ASSERT_EQ_U64(m.pgoff, 0x2000);
	ASSERT(m.exec);
	ASSERT(m.path_len == strlen("/usr/bin/python3.11") && !memcmp(m.path, "/usr/bin/python3.11", m.path_len));
	ASSERT(proc_maps__parse_line(l2, strlen(l2), &m) == 0);
	ASSERT(!m.exec);
	ASSERT_EQ_U64(m.path_len, 0);
	ASSERT(proc_maps__parse_line(l3, strlen(l3), &m) == 0);
	ASSERT(m.path_len == strlen("/tmp/a b (deleted)"));
	ASSERT(proc_maps__parse_line("7f10-7f00 r-xp 0 0:0 0", 22, &m) < 0);	/* end before start */
	ASSERT(proc_maps__parse_line("7f00-7f10 r-xp", 14, &m) < 0);
	ASSERT(proc_maps__parse_line("", 0, &m) < 0);
}

static struct map mk(u64 start, u64 end, u64 pgoff, u32 path)
{
	struct map m = { 0 };

	m.start = start;
	m.end = end;
	m.pgoff = pgoff;
	m.path = path;
	return m;
}

TEST(test_maps__insert_cuts_splits_and_replaces)
{
	struct maps m;
	struct map e;

	maps__init(&m);
	e = mk(0x1000, 0x5000, 0, 1);
	maps__insert(&m, &e);
	e = mk(0x8000, 0x9000, 0, 2);
	maps__insert(&m, &e);
	e = mk(0x2000, 0x3000, 0, 3);	/* splits the first */
	maps__insert(&m, &e);
	ASSERT_EQ_U64(m.n, 4);
	ASSERT_EQ_U64(maps__find(&m, 0x1fff)->path, 1);
	ASSERT_EQ_U64(maps__find(&m, 0x2000)->path, 3);
	ASSERT_EQ_U64(maps__find(&m, 0x3000)->path, 1);
	ASSERT_EQ_U64(maps__find(&m, 0x3000)->pgoff, 0x2000);	/* the tail keeps its file offset */
	ASSERT(maps__find(&m, 0x5000) == NULL);
	ASSERT(maps__find(&m, 0x7fff) == NULL);
	e = mk(0x0, 0x8800, 0x100, 4);	/* covers three, cuts the last */
	maps__insert(&m, &e);
	ASSERT_EQ_U64(m.n, 2);
	ASSERT_EQ_U64(maps__find(&m, 0x4000)->path, 4);
	ASSERT_EQ_U64(maps__find(&m, 0x8800)->path, 2);
	ASSERT_EQ_U64(maps__find(&m, 0x8800)->start, 0x8800);
	ASSERT_EQ_U64(maps__find(&m, 0x8800)->pgoff, 0x800);
	maps__release(&m);
}
