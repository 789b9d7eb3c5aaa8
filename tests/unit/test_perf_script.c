/*
 * test_perf_script.c - `perf script` parsing: the header, event and frame
 * rules of stackcollapse-perf.pl, including the corners where its regular
 * expressions backtrack, and chunking across threads.
 */
#include "../lib/test.h"
#include "../lib/profile_text.h"
#include "formats/folded.h"
#include "formats/perf_script.h"
#include "formats/perf_script_parser.h"

#include <stdlib.h>

static char *collapse(const char *text, const struct perf_script_opts *o, int *err)
{
	struct instream *in = instream__from_memory(text, strlen(text), "t.perf");
	struct perf_script_stats st;
	struct diag_log log = { 0 };
	struct em_diag diag = { 0 };
	struct profile *p = NULL;
	char *out;

	*err = perf_script_read(&in, 1, o, &p, &st, &log, &diag);
	instream__free(in);
	if (*err)
		return NULL;
	out = test_folded_text(p);
	if (!out)
		*err = -1;
	profile__free(p);
	return out;
}

/* Every expected string below was checked against stackcollapse-perf.pl. */

TEST(test_perf_script__one_letter_comm_is_not_a_header)
{
	/* the Perl header regex needs two bytes of comm: "a 1 1.0:" becomes the name */
	struct perf_script_opts o = { .jobs = 1 };
	int err;
	char *out = collapse("a 1 1.0: 1 cpu-clock:\n\t1 f (/x)\n\n", &o, &err);

	ASSERT_EQ_U64(err, 0);
	ASSERT_STREQ(out, "a_1_1.0:;f 1\n");
	free(out);
}

TEST(test_perf_script__period_weights_and_comm_with_spaces)
{
	struct perf_script_opts o = { .jobs = 1 };
	int err;
	char *out = collapse("V8 WorkerThread 24636/25607 [000] 94564.109216: 100 cpu-clock: \n"
			     "\t7f1 foo+0x1f (/usr/lib/libx.so)\n"
			     "\t7f2 main (/usr/bin/app)\n\n", &o, &err);

	ASSERT_EQ_U64(err, 0);
	ASSERT_STREQ(out, "V8_WorkerThread;main;foo 100\n");
	free(out);
}

TEST(test_perf_script__pid_tid_and_unknown_frames)
{
	struct perf_script_opts o = { .jobs = 1, .include_tid = true, .include_addrs = true };
	int err;
	char *out = collapse("app 12/13 1.0: 1 cpu-clock:\n"
			     "\t 4005 [unknown] (/opt/lib/libq.so.1)\n"
			     "\t 0 [unknown] ([unknown])\n\n", &o, &err);

	ASSERT_EQ_U64(err, 0);
	ASSERT_STREQ(out, "app-12/13;[unknown <0>];[libq.so.1 <4005>] 1\n");
	free(out);
}

TEST(test_perf_script__tidy_rules)
{
	struct perf_script_opts o = { .jobs = 1, .annotate_kernel = true, .annotate_jit = true };
	int err;
	char *out = collapse("java 5 1.0: cpu-clock:\n"
			     "\t1 Lorg/x/Y;.run(I)V (/tmp/perf-5.map)\n"
			     "\t2 net/http.(*Client).Do (/bin/go)\n"
			     "\t3 (anonymous namespace)::f(int) (/bin/c)\n"
			     "\t4 a->b->c (/bin/i)\n"
			     "\tffff schedule+0x10 ([kernel.kallsyms])\n"
			     "\t5 (skip me) (/bin/p)\n\n", &o, &err);

	ASSERT_EQ_U64(err, 0);
	/* a symbol starting with '(' is dropped, like perf's "(process name)" lines */
	ASSERT_STREQ(out, "java;schedule_[k];a;b_[i];c_[i];"
			  "net/http.(*Client).Do;org/x/Y:.run_[j] 1\n");
	free(out);
}

TEST(test_perf_script__first_event_type_only)
{
	struct perf_script_opts o = { .jobs = 1 };
	int err;
	const char *text = "ab 1 1.0: 1 cpu-clock:\n\t1 f (/x)\n\n"
			   "ab 1 1.1: 1 page-faults:\n\t1 g (/x)\n\n"
			   "ab 1 1.2: 1 cpu-clock:\n\t1 f (/x)\n\n";
	char *out = collapse(text, &o, &err);

	ASSERT_EQ_U64(err, 0);
	ASSERT_STREQ(out, "ab;f 2\n");
	free(out);
	o.event_filter = "page-faults";
	out = collapse(text, &o, &err);
	ASSERT_STREQ(out, "ab;g 1\n");
	free(out);
}

TEST(test_perf_script__frame_regex_backtracking)
{
	/* "abc (x)": the word gives back its last byte to the symbol */
	struct perf_script_opts o = { .jobs = 1, .include_addrs = true };
	int err;
	char *out = collapse("pq 1 1.0: x:\n  abc (x)\n\tff f (a) (b) tail\n\n", &o, &err);

	ASSERT_EQ_U64(err, 0);
	/* second line: last " (" before the last ')' splits symbol from module */
	ASSERT_STREQ(out, "pq;f ;c 1\n");
	free(out);
}

TEST(test_perf_script__truncated_and_empty)
{
	struct perf_script_opts o = { .jobs = 1 };
	int err;
	char *out = collapse("ab 1 1.0: 1 cpu-clock:\n\t1 f (/x)\n\nab 1 1.0: 1 cpu-clock:\n\t1 g (/x)\n",
			     &o, &err);

	ASSERT_EQ_U64(err, 0);
	ASSERT_STREQ(out, "ab;f 1\n");	/* the unfinished sample is dropped */
	free(out);
	collapse("", &o, &err);
	ASSERT(err == -EM_E_EMPTY_INPUT);
	collapse("\x7f" "ELF\x01\x02\x00\x00garbage\n\n", &o, &err);
	ASSERT(err == -EM_E_EMPTY_INPUT);
}

TEST(test_perf_script__threads_agree_with_one_thread)
{
	struct perf_script_opts o1 = { .jobs = 1 }, o2 = { .jobs = 2 };
	size_t cap = 0, len = 0, i;
	char *text = NULL, *a, *b;
	int err;

	/* ~12 MB so the input spans several chunks */
	for (i = 0; i < 60000; i++) {
		char s[256];
		int n = snprintf(s, sizeof(s), "w%zu %zu 1.0: %zu cpu-clock:\n\t1 leaf%zu (/x)\n\t2 mid (/x)\n"
					       "\t3 main (/x)\n%s\n", i % 7, i, i % 5 + 1, i % 13,
				 i % 1000 == 0 ? "  unrecognized\n" : "");
		if (len + n + 1 > cap) {
			cap = (cap + n + 1) * 2;
			text = realloc(text, cap);
		}
		memcpy(text + len, s, n);
		len += n;
	}
	text[len] = '\0';
	a = collapse(text, &o1, &err);
	ASSERT_EQ_U64(err, 0);
	b = collapse(text, &o2, &err);
	ASSERT_EQ_U64(err, 0);
	ASSERT_STREQ(a, b);
	free(a);
	free(b);
	free(text);
}

TEST(test_perf_script__event_of_a_header_line)
{
	char ev[64];

	ASSERT(ps_line_event("perf 12 [000] 1.5:     250000 cpu-clock: ", 41, ev, sizeof(ev)));
	ASSERT_STREQ(ev, "cpu-clock");
	ASSERT(ps_line_event("sh 9/9 2.0: sched:sched_switch:", 31, ev, sizeof(ev)));
	ASSERT_STREQ(ev, "sched:sched_switch");
	ASSERT(!ps_line_event("\t1 f (/x)", 9, ev, sizeof(ev)));
	ASSERT(!ps_line_event("sh 9 2.0: sched:sched_switch: prev_comm=sh", 42, ev, sizeof(ev)));
}
