/*
 * perf_event.c - the cpu-clock sampling attr, perf_event_open(2) and the
 * permission check. Only the software clock is used: this code must work
 * on machines (VMs, containers) without a hardware PMU.
 */
#include "record/perf_event.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

void perf_event__attr(struct perf_event_attr *attr, const struct perf_event_opts *o)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = PERF_TYPE_SOFTWARE;
	attr->config = PERF_COUNT_SW_CPU_CLOCK;
	attr->freq = 1;
	attr->sample_freq = o->freq ? o->freq : 99;
	attr->sample_type = PERF_EVENT_SAMPLE_TYPE;
	attr->sample_regs_user = PERF_EVENT_REGS_MASK;
	attr->sample_stack_user = o->stack_size & ~7u;
	attr->exclude_callchain_user = 1;	/* user stacks come from the DWARF unwinder */
	attr->exclude_hv = 1;
	attr->exclude_guest = 1;
	attr->inherit = o->inherit;
	attr->disabled = o->disabled || o->enable_on_exec;
	attr->enable_on_exec = o->enable_on_exec;
	attr->sample_id_all = 1;
	attr->use_clockid = 1;
	attr->clockid = CLOCK_MONOTONIC;
	attr->watermark = 1;
	/* a wake-up every ~30 samples of 32 KiB: each one preempts the program being recorded */
	attr->wakeup_watermark = 1024 * 1024;
	if (o->sideband) {
		attr->mmap = 1;
		attr->mmap2 = 1;
		attr->comm = 1;
		attr->comm_exec = 1;
		attr->task = 1;
		attr->build_id = 1;
	}
}

int perf_event__open(struct perf_event_attr *attr, pid_t pid, int cpu)
{
	long fd = syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);

	if (fd < 0 && errno == EINVAL && attr->build_id) {
		attr->build_id = 0;
		fd = syscall(SYS_perf_event_open, attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	}
	return fd < 0 ? -errno : (int)fd;
}

static int read_int_file(const char *path, int *out)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -errno;
	ok = fscanf(f, "%d", out) == 1;
	fclose(f);
	return ok ? 0 : -EM_E_BAD_INPUT;
}

/* CAP_PERFMON (38) or CAP_SYS_ADMIN in the effective set, read from /proc. */
static bool has_perf_capability(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long eff = 0;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &eff) == 1)
			break;
	fclose(f);
	return (eff >> 38 & 1) || (eff >> 21 & 1);
}

int perf_event__check_access(bool system_wide, struct em_diag *diag)
{
	int paranoid = 2;

	if (access("/proc/sys/kernel/perf_event_paranoid", F_OK)) {
		em_diag__set(diag, NULL, 0, "this kernel has no perf_event support "
			     "(/proc/sys/kernel/perf_event_paranoid is missing)");
		return -EM_E_UNSUPPORTED;
	}
	if (geteuid() == 0 || has_perf_capability())
		return 0;
	if (read_int_file("/proc/sys/kernel/perf_event_paranoid", &paranoid))
		paranoid = 2;
	if (paranoid <= (system_wide ? 0 : 1))
		return 0;
	em_diag__set(diag, NULL, 0,
		     "not allowed to sample %s: kernel.perf_event_paranoid is %d; run as root, or "
		     "'sysctl kernel.perf_event_paranoid=%d', or give ember CAP_PERFMON",
		     system_wide ? "every CPU" : "processes", paranoid, system_wide ? 0 : 1);
	return -EACCES;
}

int perf_event__ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_CONF);

	return n > 0 ? (int)n : 1;
}
