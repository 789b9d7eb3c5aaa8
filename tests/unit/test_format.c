/*
 * test_format.c - input format detection and the shared read entry point:
 * perf script text, folded stacks and pprof are told apart by content,
 * after decompression, and read into the same profile model.
 */
#include "../lib/test.h"
#include "formats/format.h"
#include "formats/pprof.h"

#include <stdlib.h>

static int detect(const void *data, size_t len)
{
	struct instream *in = instream__from_memory(data, len, "t");
	struct em_diag diag = { 0 };
	int f = input_format__detect(in, &diag);

	instream__free(in);
	return f;
}

TEST(test_format__detects_by_content)
{
	static const char perf[] = "app 1/1 1.0: 1 cpu-clock:\n\t1 f (/x)\n\n";
	static const char trace[] = "sh 3084 [000] 2.9: syscalls:sys_enter_openat: dfd: 0x1, mode: 0x0\n\n";
	static const char folded[] = "# comment\nmain;f 12\nmain;g 3 4\n";
	struct profile *p = profile__new(1);
	u8 *pb;
	size_t len;
	struct pprof_write_opts o = { .default_col = -1, .raw = true };

	ASSERT_EQ_U64(detect(perf, sizeof(perf) - 1), INPUT_FORMAT__PERF_SCRIPT);
	ASSERT_EQ_U64(detect(trace, sizeof(trace) - 1), INPUT_FORMAT__PERF_SCRIPT);
	ASSERT_EQ_U64(detect(folded, sizeof(folded) - 1), INPUT_FORMAT__FOLDED);
	ASSERT_EQ_U64(detect("\x01\x02garbage\xff\n", 12), INPUT_FORMAT__PERF_SCRIPT);
	profile__add(p, stack_trie__child(&p->stacks, STACK_ROOT, profile__frame(p, "main", 4, FRAME_KIND__USER)), 0, 5);
	ASSERT_EQ_U64(pprof_encode(p, &o, &pb, &len), 0);
	ASSERT_EQ_U64(detect(pb, len), INPUT_FORMAT__PPROF);
	free(pb);
	profile__free(p);
}

TEST(test_format__peek_does_not_consume)
{
	static const char text[] = "main;f 12\n";
	struct instream *in = instream__from_memory(text, sizeof(text) - 1, "t");
	struct em_diag diag = { 0 };
	const char *head;
	char buf[64];
	size_t got = 0;
	ssize_t n = instream__peek(in, &head, 4, &diag);

	ASSERT(n >= 4 && !memcmp(head, "main", 4));
	while ((n = instream__read(in, buf + got, sizeof(buf) - got, &diag)) > 0)
		got += n;	/* reads may be short */
	ASSERT_EQ_U64(got, sizeof(text) - 1);
	ASSERT(!memcmp(buf, text, got));
	instream__free(in);
}

TEST(test_format__folded_and_pprof_inputs_read_to_one_profile)
{
	static const char a[] = "main;f 2\nmain;g 1\n", b[] = "main;f 3\n";
	struct instream *ins[2] = { instream__from_memory(a, sizeof(a) - 1, "a"),
				    instream__from_memory(b, sizeof(b) - 1, "b") };
	struct perf_script_opts po = { .jobs = 1 };
	struct format_read_stats st;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL;

	ASSERT_EQ_U64(format_read(ins, 2, INPUT_FORMAT__AUTO, &po, &p, &st, &log, &diag), 0);
	ASSERT_EQ_U64(st.format, INPUT_FORMAT__FOLDED);
	ASSERT_EQ_U64(p->ncols, 1);
	ASSERT_EQ_U64(profile__total(p, 0), 6);
	ASSERT_EQ_U64(profile__sampled_stacks(p), 2);
	profile__free(p);
	instream__free(ins[0]);
	instream__free(ins[1]);
}

TEST(test_format__pprof_keeps_the_default_sample_type)
{
	struct profile *p = profile__new(2);
	struct pprof_write_opts o = { .default_col = 0, .raw = true };
	struct perf_script_opts po = { .jobs = 1 };
	struct format_read_stats st;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *q = NULL;
	struct instream *in;
	u32 s = stack_trie__child(&p->stacks, STACK_ROOT, profile__frame(p, "main", 4, FRAME_KIND__USER));
	size_t len, tlen;
	u8 *pb;

	profile__set_value_type(p, 0, "alloc_objects", "count");
	profile__set_value_type(p, 1, "alloc_space", "bytes");
	profile__add(p, s, 0, 3);
	profile__add(p, s, 1, 4096);
	/* a second call site with nothing in the default column: no stack for it */
	profile__add(p, stack_trie__child(&p->stacks, s, profile__frame(p, "freed", 5, FRAME_KIND__USER)), 1, 64);
	ASSERT_EQ_U64(pprof_encode(p, &o, &pb, &len), 0);
	in = instream__from_memory(pb, len, "heap.pb");
	ASSERT_EQ_U64(format_read(&in, 1, INPUT_FORMAT__AUTO, &po, &q, &st, &log, &diag), 0);
	ASSERT_EQ_U64(q->ncols, 1);
	ASSERT_EQ_U64(profile__total(q, 0), 3);	/* the named default, not the last */
	ASSERT_EQ_U64(profile__sampled_stacks(q), 1);
	ASSERT_STREQ(strtab__get(&q->strings, q->types[0].type, &tlen), "alloc_objects");
	instream__free(in);
	profile__free(q);
	free(pb);
	profile__free(p);
}
