/*
 * test_uprobe.c - user probes: a function of this test binary resolved to
 * its file offset, and (as root) a probe on it counted with a plain
 * perf_event_open counter while the test calls it exactly N times; the
 * probe is gone from uprobe_events afterwards, and a failed create leaves
 * nothing behind. Without root the live part prints why and checks nothing.
 */
#include "../lib/test.h"
#include "record/tracefs.h"
#include "record/uprobe.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CALLS 1234

int ember_test_uprobe_target(int x);

__attribute__((noinline)) int ember_test_uprobe_target(int x)
{
	__asm__ volatile("" ::: "memory");
	return x * 3 + 1;
}

static bool events_mention(const struct tracefs *t, const char *what)
{
	char path[PATH_MAX], *buf;
	size_t len;
	bool found;

	if (tracefs__path(t, "uprobe_events", path, sizeof(path)) || tracefs__read_file(path, &buf, &len))
		return false;
	found = strstr(buf, what) != NULL;
	free(buf);
	return found;
}

TEST(test_uprobe__offset_of_a_function_here)
{
	struct em_diag d = { 0 };
	u64 off = 0, off2 = 0;

	ASSERT(uprobe__offset("/proc/self/exe", "ember_test_uprobe_target", &off, &d) == 0);
	ASSERT(off > 0);
	ASSERT(uprobe__offset("/proc/self/exe", "test_register", &off2, &d) == 0);
	ASSERT(off2 != off);
	ASSERT(uprobe__offset("/proc/self/exe", "no_such_function_here", &off, &d) == -ENOENT);
	ASSERT(strstr(d.msg, "no function 'no_such_function_here'"));
	ASSERT(uprobe__offset("/nonexistent/bin", "main", &off, &d) < 0);
	ASSERT(strstr(d.msg, "/nonexistent/bin"));
}

TEST(test_uprobe__counts_exactly_n_calls)
{
	struct tracefs t;
	struct uprobe u;
	struct em_diag d = { 0 };
	struct perf_event_attr attr;
	char marker[160];
	u64 count = 0;
	long fd;
	int i, sum = 0;

	if (geteuid() != 0 || tracefs__find(&t, true, &d)) {
		printf("skip test_uprobe__counts_exactly_n_calls: needs root and tracefs (%s)\n",
		       geteuid() ? "not root" : d.msg);
		return;
	}
	if (uprobe__create(&u, &t, "/proc/self/exe", "ember_test_uprobe_target", &d)) {
		test_fail(__FILE__, __LINE__, "uprobe__create: %s", d.msg);
		return;
	}
	snprintf(marker, sizeof(marker), "%s/%s ", u.group, u.event);
	ASSERT(events_mention(&t, marker));
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_TRACEPOINT;
	attr.config = u.id;
	attr.disabled = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		int e = errno;

		uprobe__remove(&u);
		test_fail(__FILE__, __LINE__, "perf_event_open on uprobe %u: %s", u.id, strerror(e));
		return;
	}
	ioctl((int)fd, PERF_EVENT_IOC_ENABLE, 0);
	for (i = 0; i < CALLS; i++)
		sum += ember_test_uprobe_target(i);
	ioctl((int)fd, PERF_EVENT_IOC_DISABLE, 0);
	if (read((int)fd, &count, sizeof(count)) != sizeof(count))
		count = ~0ull;
	close((int)fd);
	ASSERT(uprobe__remove(&u) == 0);
	ASSERT(!u.created);
	ASSERT(!events_mention(&t, marker));
	ASSERT(uprobe__remove(&u) == 0);	/* twice is harmless */
	ASSERT(sum != 0);
	ASSERT_EQ_U64(count, CALLS);
}

TEST(test_uprobe__failed_create_leaves_nothing)
{
	struct tracefs t;
	struct uprobe u;
	struct em_diag d = { 0 };
	char marker[64];

	if (geteuid() != 0 || tracefs__find(&t, true, &d)) {
		printf("skip test_uprobe__failed_create_leaves_nothing: needs root and tracefs\n");
		return;
	}
	ASSERT(uprobe__create(&u, &t, "/proc/self/exe", "no_such_function_here", &d) == -ENOENT);
	ASSERT(!u.created);
	snprintf(marker, sizeof(marker), "ember_%d/", (int)getpid());
	ASSERT(!events_mention(&t, marker));
	ASSERT(uprobe__create(&u, &t, "/no/such/binary", "main", &d) == -ENOENT);
	ASSERT(strstr(d.msg, "/no/such/binary"));
}

TEST(test_uprobe__bare_name_found_in_path)
{
	struct tracefs t;
	struct uprobe u;
	struct em_diag d = { 0 };

	if (geteuid() != 0 || tracefs__find(&t, true, &d) || access("/usr/bin/bash", X_OK)) {
		printf("skip test_uprobe__bare_name_found_in_path: needs root, tracefs and bash\n");
		return;
	}
	/* bash exports its functions in .dynsym */
	ASSERT(uprobe__create(&u, &t, "bash", "main", &d) == 0);
	ASSERT(strstr(u.path, "/bash"));
	ASSERT(u.id > 0);
	ASSERT(uprobe__remove(&u) == 0);
}
