/*
 * test_event_spec.c - -e EVENT parsing: software events and aliases,
 * tracepoints resolved against a fixture tracefs tree, uprobe syntax, the
 * error messages (what is wrong, a near name, `ember record -l`), the attr
 * fields, and the -l listing grouped by system.
 */
#include "../lib/test.h"
#include "record/event_spec.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

TEST(test_event_spec__software_events_and_aliases)
{
	static const struct { const char *in, *name; u64 config, period; } cases[] = {
		{ "page-faults", "page-faults", PERF_COUNT_SW_PAGE_FAULTS, 1 },
		{ "faults", "page-faults", PERF_COUNT_SW_PAGE_FAULTS, 1 },
		{ "context-switches", "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES, 1 },
		{ "cs", "context-switches", PERF_COUNT_SW_CONTEXT_SWITCHES, 1 },
		{ "cpu-migrations", "cpu-migrations", PERF_COUNT_SW_CPU_MIGRATIONS, 1 },
		{ "cpu-clock", "cpu-clock", PERF_COUNT_SW_CPU_CLOCK, 0 },
		{ "task-clock", "task-clock", PERF_COUNT_SW_TASK_CLOCK, 0 },
	};
	struct event_spec e;
	struct em_diag d = { 0 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		ASSERT(event_spec__parse(cases[i].in, &e, &d) == 0);
		ASSERT(e.kind == EVENT_SPEC__SOFTWARE);
		ASSERT_EQ_U64(e.type, PERF_TYPE_SOFTWARE);
		ASSERT_STREQ(e.name, cases[i].name);
		ASSERT_EQ_U64(e.config, cases[i].config);
		ASSERT_EQ_U64(e.sample_period, cases[i].period);
	}
}

TEST(test_event_spec__attr_period_and_frequency)
{
	struct event_spec e;
	struct em_diag d = { 0 };
	struct perf_event_attr a = { 0 };

	ASSERT(event_spec__parse("cs", &e, &d) == 0);
	a.freq = 1;
	a.sample_freq = 99;
	event_spec__attr(&e, 999, &a);
	ASSERT(a.freq == 0 && a.sample_period == 1);
	ASSERT_EQ_U64(a.config, PERF_COUNT_SW_CONTEXT_SWITCHES);
	ASSERT(event_spec__parse("cpu-clock", &e, &d) == 0);
	event_spec__attr(&e, 999, &a);
	ASSERT(a.freq == 1 && a.sample_freq == 999);
	ASSERT(event_spec__parse("sched:sched_switch", &e, &d) == 0);
	e.config = 372;
	event_spec__attr(&e, 999, &a);
	ASSERT(a.type == PERF_TYPE_TRACEPOINT && a.config == 372 && a.freq == 0 && a.sample_period == 1);
}

TEST(test_event_spec__errors_say_what_and_suggest)
{
	struct event_spec e;
	struct em_diag d = { 0 };

	ASSERT(event_spec__parse("page-fault", &e, &d) == -EM_E_USAGE);
	ASSERT(strstr(d.msg, "unknown event 'page-fault'"));
	ASSERT(strstr(d.msg, "did you mean 'page-faults'"));
	ASSERT(strstr(d.msg, "ember record -l"));
	ASSERT(event_spec__parse("xyzzyplugh", &e, &d) == -EM_E_USAGE);
	ASSERT(!strstr(d.msg, "did you mean"));
	ASSERT(strstr(d.msg, "ember record -l"));
	ASSERT(event_spec__parse("", &e, &d) == -EM_E_USAGE);
	ASSERT(event_spec__parse("sched:", &e, &d) == -EM_E_USAGE);
	ASSERT(strstr(d.msg, "not a tracepoint name"));
	ASSERT(event_spec__parse(":x", &e, &d) == -EM_E_USAGE);
	ASSERT(event_spec__parse("a:b:c", &e, &d) == -EM_E_USAGE);
	ASSERT(event_spec__parse("sched/../x:y", &e, &d) == -EM_E_USAGE);
	ASSERT(event_spec__parse("page-faults:u", &e, &d) == -EM_E_USAGE);
	ASSERT(strstr(d.msg, "modifiers"));
	ASSERT(event_spec__parse("u:/bin/true", &e, &d) == -EM_E_USAGE);
	ASSERT(strstr(d.msg, "u:PATH:FUNCTION"));
	ASSERT(event_spec__parse("u::main", &e, &d) == -EM_E_USAGE);
	ASSERT(event_spec__parse("u:/bin/true:main+4", &e, &d) == -EM_E_USAGE);
	ASSERT(strstr(d.msg, "not a function name"));
}

TEST(test_event_spec__uprobe_syntax)
{
	struct event_spec e;
	struct em_diag d = { 0 };

	ASSERT(event_spec__parse("u:/usr/bin/bash:readline", &e, &d) == 0);
	ASSERT(e.kind == EVENT_SPEC__UPROBE);
	ASSERT_STREQ(e.path, "/usr/bin/bash");
	ASSERT_STREQ(e.func, "readline");
	ASSERT_STREQ(e.name, "u:/usr/bin/bash:readline");
	ASSERT_EQ_U64(e.sample_period, 1);
	/* the last ':' separates the function: paths may hold ':' */
	ASSERT(event_spec__parse("u:/tmp/a:b/lib.so:_ZN3foo3barEv", &e, &d) == 0);
	ASSERT_STREQ(e.path, "/tmp/a:b/lib.so");
	ASSERT_STREQ(e.func, "_ZN3foo3barEv");
}

static void mkfile(const char *root, const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void mkdirs(const char *root, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mkdir(p, 0755);
}

/* events/{sched/{sched_switch,sched_wakeup},syscalls/sys_enter_openat} + a plain file */
static void make_tree(char *root)
{
	mkdirs(root, "events");
	mkfile(root, "events/enable", "0\n");
	mkdirs(root, "events/sched");
	mkdirs(root, "events/sched/sched_wakeup");
	mkfile(root, "events/sched/sched_wakeup/id", "371\n");
	mkdirs(root, "events/sched/sched_switch");
	mkfile(root, "events/sched/sched_switch/id", "372\n");
	mkdirs(root, "events/syscalls");
	mkdirs(root, "events/syscalls/sys_enter_openat");
	mkfile(root, "events/syscalls/sys_enter_openat/id", "782\n");
}

static void remove_tree(const char *root)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		return;
}

TEST(test_event_spec__tracepoint_resolved_from_tracefs)
{
	char root[] = "/tmp/ember-evspec-XXXXXX";
	struct tracefs t;
	struct event_spec e;
	struct em_diag d = { 0 };

	ASSERT(mkdtemp(root));
	make_tree(root);
	tracefs__set_root(&t, root);
	ASSERT(event_spec__parse("sched:sched_switch", &e, &d) == 0);
	ASSERT(e.kind == EVENT_SPEC__TRACEPOINT);
	ASSERT_STREQ(e.system, "sched");
	ASSERT_STREQ(e.event, "sched_switch");
	ASSERT(event_spec__resolve(&e, &t, &d) == 0);
	ASSERT_EQ_U64(e.config, 372);
	ASSERT(event_spec__parse("sched:sched_swtch", &e, &d) == 0);
	ASSERT(event_spec__resolve(&e, &t, &d) == -ENOENT);
	ASSERT(strstr(d.msg, "no tracepoint 'sched:sched_swtch'"));
	ASSERT(strstr(d.msg, "ember record -l"));
	/* software events need no tracefs */
	ASSERT(event_spec__parse("cs", &e, &d) == 0);
	ASSERT(event_spec__resolve(&e, &t, &d) == 0);
	remove_tree(root);
}

TEST(test_event_spec__list_groups_tracepoints)
{
	char root[] = "/tmp/ember-evlist-XXXXXX", *buf = NULL;
	size_t len = 0;
	struct tracefs t;
	FILE *f;

	ASSERT(mkdtemp(root));
	make_tree(root);
	tracefs__set_root(&t, root);
	f = open_memstream(&buf, &len);
	ASSERT(f);
	ASSERT(event_list__write(f, &t, NULL) == 0);
	fclose(f);
	ASSERT(strstr(buf, "software events:"));
	ASSERT(strstr(buf, "page-faults, faults"));
	ASSERT(strstr(buf, "context-switches, cs"));
	ASSERT(strstr(buf, "cpu-migrations"));
	ASSERT(strstr(buf, "  sched (2):\n    sched:sched_switch sched:sched_wakeup\n"));
	ASSERT(strstr(buf, "  syscalls (1):\n    syscalls:sys_enter_openat\n"));
	ASSERT(strstr(buf, "3 tracepoints in 2 systems"));
	ASSERT(strstr(buf, "u:PATH:FUNCTION"));
	ASSERT(strstr(buf, "enable") == NULL);	/* files are not events */
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	ASSERT(f);
	ASSERT(event_list__write(f, NULL, "not root") == 0);
	fclose(f);
	ASSERT(strstr(buf, "tracepoints: cannot list them (not root)"));
	ASSERT(strstr(buf, "u:PATH:FUNCTION"));
	free(buf);
	remove_tree(root);
}
