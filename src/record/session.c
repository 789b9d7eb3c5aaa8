/*
 * session.c - the record loop. One ring per CPU (further fds on the same CPU
 * redirect into it with PERF_EVENT_IOC_SET_OUTPUT). Each round notes the
 * clock, drains every ring into a queue, and hands the converter only the
 * records older than the previous round's start, sorted by time: a record
 * from any CPU older than that instant was already in its ring when this
 * round read it, so the merged order is exact (perf's "finished round").
 */
#include "record/session.h"
#include "record/events.h"
#include "record/perf_event.h"
#include "record/ring.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RING_PAGES 2048u	/* 8 MiB per CPU: > 200 ms of 999 Hz samples with 32 KiB stacks */
#define ROUND_MS 50
#define PROGRESS_EVERY 0.5
#define DRAIN_EVERY 32
#define QUEUE_MAX (256u << 20)	/* when unwinding falls this far behind, samples are dropped */

struct queued {
	u64 time, seq;
	struct perf_event_header *h;	/* owned copy */
};

struct session {
	const struct record_opts *o;
	int ncpus;
	int *ring_fd;			/* per CPU: the fd owning the ring, -1 = none */
	struct ring *rings;		/* per CPU */
	int *fds;			/* every fd opened */
	size_t nfds, fds_cap;
	struct queued *q;
	size_t nq, qcap;
	size_t qbytes;			/* bytes of the queued copies, capped at QUEUE_MAX */
	u64 dropped;			/* samples not queued because the queue was full */
	u64 seq;
	struct converter *conv;
	pid_t child;
	int go_fd, err_fd;		/* command: write end of the go pipe, read end of the exec-error pipe */
};

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* Open the event for (@pid, @cpu) and attach it to that CPU's ring. */
static int open_one(struct session *s, struct perf_event_attr *attr, pid_t pid, int cpu)
{
	int fd = perf_event__open(attr, pid, cpu), err;

	if (fd < 0)
		return fd;
	if (s->nfds == s->fds_cap)
		XGROW(s->fds, s->fds_cap, s->nfds + 1);
	s->fds[s->nfds++] = fd;
	if (s->ring_fd[cpu] < 0) {
		size_t pages = RING_PAGES;

		/* without CAP_IPC_LOCK, kernel.perf_event_mlock_kb caps the rings: shrink to fit */
		while ((err = ring__mmap(&s->rings[cpu], fd, pages)) == -EPERM && pages > 16)
			pages /= 2;
		if (err)
			return err;
		s->ring_fd[cpu] = fd;
		return 0;
	}
	if (ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, s->ring_fd[cpu]))
		return -errno;
	return 0;
}

/* Open on every online CPU; offline CPUs (ENODEV) are skipped. */
static int open_all_cpus(struct session *s, struct perf_event_attr *attr, pid_t pid)
{
	int cpu, opened = 0, err, last = -ENODEV;

	for (cpu = 0; cpu < s->ncpus; cpu++) {
		err = open_one(s, attr, pid, cpu);
		if (!err) {
			opened++;
			continue;
		}
		if (err == -ENODEV)
			continue;
		last = err;
		if (err != -ESRCH)
			return err;
	}
	return opened ? 0 : last;
}

static int queue_record(void *ctx, const struct perf_event_header *h)
{
	struct session *s = ctx;

	if (s->qbytes > QUEUE_MAX && h->type == PERF_RECORD_SAMPLE) {
		s->dropped++;	/* side-band records are always kept: they are small and needed */
		return 0;
	}
	if (s->nq == s->qcap)
		XGROW(s->q, s->qcap, s->nq + 1);
	s->q[s->nq].time = event__time(h);
	s->q[s->nq].seq = s->seq++;
	s->q[s->nq].h = event__copy_compact(h);
	s->qbytes += s->q[s->nq].h->size;
	s->nq++;
	return 0;
}

static int cmp_queued(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void drain_rings(struct session *s);

/*
 * Hand the converter every queued record with time < @limit (all when @limit
 * is ~0). Unwinding is the slow part, so the rings are drained again every
 * DRAIN_EVERY records: their new records are newer than @limit and only join
 * the queue.
 */
static void flush_queue(struct session *s, u64 limit)
{
	size_t i, j, n;

	qsort(s->q, s->nq, sizeof(*s->q), cmp_queued);
	for (i = 0, n = s->nq; i < n && s->q[i].time < limit; i++) {
		converter__record(s->conv, s->q[i].h);
		s->qbytes -= s->q[i].h->size;
		free(s->q[i].h);
		if (i % DRAIN_EVERY == DRAIN_EVERY - 1 && limit != ~0ull)
			drain_rings(s);
	}
	for (j = 0; i < s->nq; i++, j++)
		s->q[j] = s->q[i];
	s->nq = j;
}

static void drain_rings(struct session *s)
{
	int cpu;

	for (cpu = 0; cpu < s->ncpus; cpu++)
		if (s->ring_fd[cpu] >= 0)
			ring__read(&s->rings[cpu], queue_record, s);
}

/*
 * fork a child that waits for one byte on a pipe before exec'ing argv, so no
 * instruction of the command runs before its events exist.
 */
static int start_command(struct session *s, const char *const *argv)
{
	int go[2], errp[2];

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(errp, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	s->child = fork();
	if (s->child < 0) {
		int err = -errno;

		close(go[0]); close(go[1]); close(errp[0]); close(errp[1]);
		return err;
	}
	if (s->child == 0) {
		char c;
		int e;

		close(go[1]);
		close(errp[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		e = errno;
		if (write(errp[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(errp[1]);
	s->go_fd = go[1];
	s->err_fd = errp[0];
	return 0;
}

/* Let the child exec; returns -errno when exec failed. */
static int release_command(struct session *s)
{
	char c = 1;
	int e = 0;
	ssize_t n;

	n = write(s->go_fd, &c, 1);
	close(s->go_fd);
	s->go_fd = -1;
	if (n != 1)
		return -EPIPE;
	n = read(s->err_fd, &e, sizeof(e));	/* EOF = exec succeeded (CLOEXEC) */
	close(s->err_fd);
	s->err_fd = -1;
	return n == (ssize_t)sizeof(e) ? -e : 0;
}

static int attach_pid(struct session *s, struct perf_event_attr *attr, int pid, struct em_diag *diag)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int err = 0, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d) {
		em_diag__set(diag, NULL, 0, "no process with pid %d", pid);
		return -ENOENT;
	}
	while ((e = readdir(d))) {
		int tid = atoi(e->d_name);

		if (tid <= 0)
			continue;
		err = open_all_cpus(s, attr, tid);
		if (err == -ESRCH) {	/* the thread exited meanwhile */
			err = 0;
			continue;
		}
		if (err)
			break;
		n++;
	}
	closedir(d);
	if (!err && !n) {
		em_diag__set(diag, NULL, 0, "process %d has no threads left", pid);
		return -ESRCH;
	}
	if (!err && converter__load_proc(s->conv, pid))
		err = 0;	/* it may have exited: its samples are then unnamed */
	return err;
}

static void load_all_procs(struct session *s)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d))) {
		int pid = atoi(e->d_name);

		if (pid > 0 && converter__load_proc(s->conv, pid))
			continue;	/* gone, or a kernel thread without maps */
	}
	closedir(d);
}

static void stop_child(struct session *s, int *status)
{
	int i;

	if (s->child <= 0)
		return;
	kill(s->child, SIGTERM);
	for (i = 0; i < 40; i++) {
		if (waitpid(s->child, status, WNOHANG) == s->child) {
			s->child = 0;
			return;
		}
		usleep(50000);
	}
	kill(s->child, SIGKILL);
	waitpid(s->child, status, 0);
	s->child = 0;
}

static void session_release(struct session *s)
{
	size_t i;
	int cpu;

	for (cpu = 0; cpu < s->ncpus; cpu++)
		ring__unmap(&s->rings[cpu]);
	for (i = 0; i < s->nfds; i++)
		close(s->fds[i]);
	for (i = 0; i < s->nq; i++)
		free(s->q[i].h);
	if (s->go_fd >= 0)
		close(s->go_fd);
	if (s->err_fd >= 0)
		close(s->err_fd);
	if (s->child > 0) {
		kill(s->child, SIGKILL);
		waitpid(s->child, NULL, 0);
	}
	free(s->fds);
	free(s->q);
	free(s->rings);
	free(s->ring_fd);
	converter__free(s->conv);
}

static int open_events(struct session *s, struct em_diag *diag)
{
	const struct record_opts *o = s->o;
	struct perf_event_opts eo = { 0 };
	struct perf_event_attr attr;
	size_t i;
	int err;

	eo.freq = o->freq ? o->freq : 99;
	eo.stack_size = o->stack_size ? o->stack_size : PERF_EVENT_STACK_DEFAULT;
	eo.sideband = true;
	if (o->system_wide) {
		perf_event__attr(&attr, &eo);
		load_all_procs(s);
		return open_all_cpus(s, &attr, -1);
	}
	eo.inherit = true;
	if (o->npids) {
		perf_event__attr(&attr, &eo);
		for (i = 0; i < o->npids; i++) {
			err = attach_pid(s, &attr, o->pids[i], diag);
			if (err)
				return err;
		}
		return 0;
	}
	eo.enable_on_exec = true;
	perf_event__attr(&attr, &eo);
	err = start_command(s, o->argv);
	if (err)
		return err;
	return open_all_cpus(s, &attr, s->child);
}

int record_session__run(const struct record_opts *o, struct record_result *res, struct em_diag *diag)
{
	struct session s = { 0 };
	struct pollfd *pfd;
	double start, last_progress = 0;
	u64 prev_round = 0;
	int cpu, npfd = 0, err, status = -1;
	bool target_done = false;

	memset(res, 0, sizeof(*res));
	res->child_status = -1;
	err = perf_event__check_access(o->system_wide, diag);
	if (err)
		return err;
	s.o = o;
	s.go_fd = s.err_fd = -1;
	s.ncpus = perf_event__ncpus();
	s.ring_fd = xmalloc(s.ncpus * sizeof(*s.ring_fd));
	s.rings = xcalloc(s.ncpus, sizeof(*s.rings));
	for (cpu = 0; cpu < s.ncpus; cpu++)
		s.ring_fd[cpu] = -1;
	s.conv = converter__new(&o->conv);
	converter__prefetch(s.conv);
	err = open_events(&s, diag);
	if (err)
		goto out;
	if (s.child > 0) {
		err = release_command(&s);
		if (err) {
			em_diag__set(diag, NULL, 0, "cannot run '%s': %s", o->argv[0], strerror(-err));
			goto out;
		}
	}
	pfd = xcalloc(s.ncpus, sizeof(*pfd));
	for (cpu = 0; cpu < s.ncpus; cpu++) {
		if (s.ring_fd[cpu] < 0)
			continue;
		pfd[npfd].fd = s.ring_fd[cpu];
		pfd[npfd++].events = POLLIN;
		res->ncpus++;
	}
	start = now_sec();
	while (!target_done) {
		u64 round = now_ns();
		double t;

		if (poll(pfd, npfd, ROUND_MS) < 0 && errno != EINTR)
			break;
		drain_rings(&s);
		flush_queue(&s, prev_round);
		prev_round = round;
		t = now_sec() - start;
		if (s.child > 0 && waitpid(s.child, &status, WNOHANG) == s.child) {
			s.child = 0;
			target_done = true;
		}
		if ((o->stop && *o->stop) || (o->duration > 0 && t >= o->duration))
			target_done = true;
		if (!s.child && !o->system_wide && o->npids) {
			size_t i, alive = 0;

			for (i = 0; i < o->npids; i++)
				alive += !kill(o->pids[i], 0);
			target_done |= !alive;
		}
		if (o->progress && t - last_progress >= PROGRESS_EVERY) {
			const struct converter_stats *st = converter__stats(s.conv);
			struct record_progress p = { t, st->samples, st->lost + s.dropped, false };

			last_progress = t;
			o->progress(o->progress_ctx, &p);
		}
	}
	free(pfd);
	/*
	 * No PERF_EVENT_IOC_DISABLE per event: for -p that is one IPI per thread
	 * and CPU (seconds for a thousand threads). The rings are drained once
	 * more and closed; what the kernel writes meanwhile is not read.
	 */
	stop_child(&s, &status);
	drain_rings(&s);
	flush_queue(&s, ~0ull);
	res->elapsed = now_sec() - start;
	res->child_status = status;
	res->stats = *converter__stats(s.conv);
	res->stats.lost += s.dropped;
	res->profile = converter__take(s.conv);
	if (o->progress) {
		struct record_progress p = { res->elapsed, res->stats.samples, res->stats.lost, true };

		o->progress(o->progress_ctx, &p);
	}
out:
	session_release(&s);
	return err;
}
