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
#include "record/tracefs.h"
#include "record/uprobe.h"
#include "base/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/*
 * 16 MiB per CPU on up to 16 CPUs (~0.5 s of 999 Hz samples with 32 KiB
 * stacks), less on bigger machines: 256 MiB in all, at least 4 MiB each.
 */
#define RING_BYTES_TOTAL (256u << 20)
#define RING_BYTES_MAX (16u << 20)
#define RING_BYTES_MIN (4u << 20)
#define NICE_UNCHANGED 100
#define ROUND_MS 50
#define PROGRESS_EVERY 0.5
#define DRAIN_EVERY 32
#define QUEUE_MAX (256u << 20)	/* when unwinding falls this far behind, samples are dropped */
#define QUEUE_TAKEN (-2)	/* enqueue()'s ring for a record already the queue's (no copy) */

struct queued {
	u64 time, seq;
	struct perf_event_header *h;	/* in a ring (ring >= 0, !owned) or an owned copy */
	u64 pos;			/* ring >= 0: the record's position in that ring */
	int ring;			/* the CPU whose ring it came from, -1 = none */
	bool owned;
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
	u64 *release_to;		/* per CPU, scratch for release_rings() */
	size_t qbytes;			/* bytes of the queued copies, capped at QUEUE_MAX */
	u64 dropped;			/* samples not queued because the queue was full */
	int nice;			/* the priority we started with, for the command */
	u64 seq;
	struct converter *conv;
	pid_t child;
	int go_fd, err_fd;		/* command: write end of the go pipe, read end of the exec-error pipe */
	struct tracefs tfs;		/* found when a tracepoint or uprobe is needed */
	struct event_spec events[RECORD_MAX_EVENTS];	/* -e, resolved (uprobes' ids filled in) */
	struct uprobe uprobes[RECORD_MAX_EVENTS];	/* -e u:PATH:FUNCTION; removed at the end */
	char event_names[RECORD_MAX_EVENTS][TRACEFS_NAME_MAX + 8];	/* "[sched:sched_switch]" */
	struct offcpu *oc;		/* --off-cpu / --hot-cold */
	u32 switch_id;			/* sched:sched_switch's tracepoint id */
	struct tracefs_field prev_state;	/* its prev_state field */
	char switch_filter[32];		/* its tracepoint filter; "" = none */
	struct offcpu_bpf *ob;		/* --off-cpu in the kernel (BPF); NULL = the perf path */
	char offcpu_note[320];		/* why BPF was not used, when it was tried */
	struct oncpu_bpf *onb;		/* cpu-clock samples taken in the kernel (BPF); NULL = perf's */
	u64 direct_before;		/* BPF samples older than this are handled in place (see take_bpf_sample) */
	size_t qhead;			/* queue records before this one are handled (take_bpf_sample) */
	bool in_flush;			/* flush_queue is walking the queue */
	u64 bpf_bad;			/* BPF sample records that did not decode */
	char oncpu_note[320];		/* why not, when it was tried */
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
	if (s->onb && (err = oncpu_bpf__attach(s->onb, fd)))
		return err;
	if (s->ring_fd[cpu] < 0) {
		size_t bytes = RING_BYTES_TOTAL / (s->ncpus > 0 ? s->ncpus : 1), pages;

		bytes = bytes > RING_BYTES_MAX ? RING_BYTES_MAX : bytes < RING_BYTES_MIN ? RING_BYTES_MIN : bytes;
		pages = bytes / (size_t)sysconf(_SC_PAGESIZE);
		pages = (size_t)1 << (63 - __builtin_clzll(pages));	/* a power of two */

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

/*
 * Queue @h until its time comes. Records of the mmap rings stay where the
 * kernel wrote them (the ring is released only up to the oldest record still
 * queued) instead of each 32 KiB sample being copied out. Other records
 * (wrapped ones, BPF's, and all once the held ones fill half their ring)
 * are copied.
 */
static void enqueue(struct session *s, const struct perf_event_header *h, int ring, u64 pos, bool copy)
{
	struct queued *q;

	if (s->qbytes > QUEUE_MAX && h->type == PERF_RECORD_SAMPLE) {
		s->dropped++;	/* side-band records are always kept: they are small and needed */
		if (ring == QUEUE_TAKEN)
			free((void *)h);
		return;
	}
	if (s->nq == s->qcap)
		XGROW(s->q, s->qcap, s->nq + 1);
	q = &s->q[s->nq++];
	q->time = event__time(h);
	q->seq = s->seq++;
	q->owned = copy || ring < 0;
	q->ring = q->owned ? -1 : ring;	/* a copy does not pin its ring */
	q->pos = pos;
	if (ring == QUEUE_TAKEN)
		q->h = (struct perf_event_header *)h;
	else
		q->h = q->owned ? event__copy_compact(h) : (struct perf_event_header *)h;
	s->qbytes += q->h->size;
}

static int queue_record(void *ctx, const struct perf_event_header *h)
{
	enqueue(ctx, h, -1, 0, true);
	return 0;
}

struct ring_ctx {
	struct session *s;
	int cpu;
};

static int queue_ring_record(void *ctx, const struct perf_event_header *h, u64 pos, bool copy)
{
	struct ring_ctx *rc = ctx;
	const struct ring *r = &rc->s->rings[rc->cpu];

	/* falling behind: copy out, so that held records never fill more than half the ring */
	if (pos - r->meta->data_tail > r->size / 2)
		copy = true;
	enqueue(rc->s, h, rc->cpu, pos, copy);
	return 0;
}

static int cmp_queued(const void *a, const void *b)
{
	const struct queued *x = a, *y = b;

	if (x->time != y->time)
		return x->time < y->time ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * The converter's unwound hook: teach the on-CPU BPF program the thread's
 * stack top (oncpu_bpf__next_top), so that its next samples copy only the
 * stack in use. A system call only when the top changes.
 */
static void sample_unwound(void *ctx, const struct event *ev, bool complete, bool ran_off_stack, u64 outer_sp)
{
	struct session *s = ctx;
	u64 known, top;

	if (!s->onb)
		return;
	known = oncpu_bpf__top(s->onb, ev->tid);
	top = oncpu_bpf__next_top(known, ev->sample.regs[7], s->o->stack_size ? s->o->stack_size : PERF_EVENT_STACK_DEFAULT,
				  complete, outer_sp, ran_off_stack && known);
	if (top != known)
		oncpu_bpf__set_top(s->onb, ev->tid, top);
}

/*
 * The converter's weight hook. A sched:sched_switch sample (its raw data
 * starts with the tracepoint id) is the task leaving the CPU: its stack goes
 * to the off-CPU state machine, weighted later by the time until the task
 * comes back. Hot/cold on-CPU samples go there too, weighted at the end.
 */
static u64 sample_weight(void *ctx, const struct event *ev, u32 stack)
{
	struct session *s = ctx;
	const struct event_sample *smp = &ev->sample;

	if (s->ob) {	/* a switch-out sampled in the kernel, with probability thresh / 2^32 */
		enum offcpu_state st;
		u64 thresh;

		if (offcpu_bpf__sample_info(smp, &st, &thresh))
			offcpu__switch_out_sampled(s->oc, ev->tid, ev->time, st, stack, thresh);
		return 0;
	}
	if (s->oc && smp->raw && smp->raw_size >= 2) {
		uint16_t type;
		u64 state = 0;

		memcpy(&type, smp->raw, 2);
		if (type == s->switch_id) {
			if (!tracefs_field__u64(&s->prev_state, smp->raw, smp->raw_size, &state))
				state = 0;
			offcpu__switch_out(s->oc, ev->tid, ev->time, state, stack);
			return 0;
		}
	}
	if (s->oc && s->o->hot_cold) {
		offcpu__oncpu_sample(s->oc, ev->tid, stack, smp->period);
		return 0;	/* weighted at the end, with the thread's measured on-CPU time */
	}
	return 1;
}

/*
 * Several -e: the event of a sample, as a base frame. Tracepoint and uprobe
 * samples carry their id in the raw data's first field; the one software
 * event (cmd_record allows one) has no raw data.
 */
static const char *sample_base(void *ctx, const struct event *ev)
{
	struct session *s = ctx;
	const struct event_sample *smp = &ev->sample;
	uint16_t type = 0;
	size_t i;

	if (smp->raw && smp->raw_size >= 8)
		memcpy(&type, smp->raw, 2);
	for (i = 0; i < s->o->nevents; i++) {
		bool tp = s->events[i].type == PERF_TYPE_TRACEPOINT;

		if (tp ? type && s->events[i].config == type : !type)
			return s->event_names[i];
	}
	return "[unknown event]";
}

/*
 * A switch-in to the off-CPU state machine. On the BPF path it ends a
 * sampled block, and carries the task's exact blocked time, noted against
 * the task's estimate as of this block.
 */
static void switch_in(struct session *s, const struct perf_event_header *h, const struct event *ev)
{
	struct offcpu_bpf_in in;
	unsigned st;

	offcpu__switch_in(s->oc, ev->tid, ev->time);
	if (!s->ob || !offcpu_bpf__switch_info(h, &in))
		return;
	for (st = 0; st < OFFCPU_ABI_NSTATES && st < OFFCPU_STATE__COUNT; st++)
		if (in.task_ns[st])
			offcpu__task_exact(s->oc, ev->tid, st, in.task_ns[st]);
}

/* One record, in time order: switch-ins and losses to the off-CPU state machine, all to the converter. */
static void handle_record(struct session *s, const struct perf_event_header *h)
{
	struct event ev;

	if (s->oc && (h->type == PERF_RECORD_SWITCH || h->type == PERF_RECORD_SWITCH_CPU_WIDE ||
		      h->type == PERF_RECORD_LOST || h->type == PERF_RECORD_LOST_SAMPLES) &&
	    !event__decode(h, &ev)) {
		if (ev.kind == EVENT_KIND__SWITCH && !ev.sw.out)
			switch_in(s, h, &ev);
		else if (ev.kind == EVENT_KIND__SWITCH)
			offcpu__run_end(s->oc, ev.tid, ev.time);
		else if (ev.kind == EVENT_KIND__LOST)
			offcpu__lost(s->oc, ev.lost);
	}
	converter__record(s->conv, h);
}

static void drain_rings(struct session *s);

static void handle_queued(struct session *s, struct queued *q)
{
	handle_record(s, q->h);
	s->qbytes -= q->h->size;
	if (q->owned)
		free(q->h);
}

/*
 * An on-CPU BPF sample. Its ring record is only valid during this call, and
 * copying 10-30 KiB of stack out of it (cold: another CPU wrote it) was
 * ember's largest cost a sample. So a sample older than direct_before (set
 * before the perf rings were drained: every side-band record it may depend
 * on, an mmap or exec of its process, is in the sorted queue by then) is
 * handled in place, once the queued records up to its time are. Younger
 * ones, and all during flush_queue's walk, are copied into the queue.
 */
static int take_bpf_sample(void *ctx, const void *rec, size_t size)
{
	struct session *s = ctx;
	struct perf_event_header *h;
	struct event ev;

	if (offcpu_bpf__decode_oncpu(rec, size, &ev)) {
		s->bpf_bad++;
		return 0;
	}
	if (ev.time < s->direct_before) {
		while (s->qhead < s->nq && s->q[s->qhead].time <= ev.time)
			handle_queued(s, &s->q[s->qhead++]);
		converter__sample(s->conv, &ev);
		return 0;
	}
	h = offcpu_bpf__synth_alloc(rec, size);
	if (h)
		enqueue(s, h, QUEUE_TAKEN, 0, true);
	else
		s->bpf_bad++;
	return 0;
}

/* Give each ring back up to its oldest record still queued (all it handed out when none is). */
static void release_rings(struct session *s)
{
	int cpu;
	size_t i;

	for (cpu = 0; cpu < s->ncpus; cpu++)
		if (s->ring_fd[cpu] >= 0)
			s->release_to[cpu] = ring__held_end(&s->rings[cpu]);
	for (i = 0; i < s->nq; i++) {
		const struct queued *q = &s->q[i];

		if (q->ring >= 0 && q->pos < s->release_to[q->ring])
			s->release_to[q->ring] = q->pos;
	}
	for (cpu = 0; cpu < s->ncpus; cpu++)
		if (s->ring_fd[cpu] >= 0)
			ring__release(&s->rings[cpu], s->release_to[cpu]);
}

/*
 * Hand the converter every queued record with time < @limit (all when @limit
 * is ~0). Unwinding is the slow part, so the rings are drained again every
 * DRAIN_EVERY records: their new records are newer than @limit and only join
 * the queue.
 */
static void flush_queue(struct session *s, u64 limit)
{
	size_t i, j, n;

	if (s->nq)	/* qsort(NULL, 0) is undefined */
		qsort(s->q, s->nq, sizeof(*s->q), cmp_queued);
	s->in_flush = true;
	for (i = 0, n = s->nq; i < n && s->q[i].time < limit; i++) {
		handle_queued(s, &s->q[i]);
		if (i % DRAIN_EVERY == DRAIN_EVERY - 1 && limit != ~0ull)
			drain_rings(s);
	}
	s->in_flush = false;
	for (j = 0; i < s->nq; i++, j++)
		s->q[j] = s->q[i];
	s->nq = j;
	release_rings(s);
}

static void drain_rings(struct session *s)
{
	/* a side-band record is written within microseconds of its time stamp: 1 ms of margin */
	u64 before = now_ns() - 1000000;
	int cpu;

	for (cpu = 0; cpu < s->ncpus; cpu++) {
		struct ring_ctx rc = { s, cpu };

		if (s->ring_fd[cpu] >= 0)
			ring__read_held(&s->rings[cpu], queue_ring_record, &rc);
	}
	if (s->ob)
		offcpu_bpf__drain(s->ob, queue_record, s);
	if (s->onb) {
		size_t i, j;

		s->direct_before = s->in_flush ? 0 : before;
		s->qhead = 0;
		if (s->direct_before && s->nq)
			qsort(s->q, s->nq, sizeof(*s->q), cmp_queued);
		oncpu_bpf__drain(s->onb, take_bpf_sample, s);
		if (s->qhead) {	/* drop the records handled meanwhile */
			for (i = s->qhead, j = 0; i < s->nq; i++, j++)
				s->q[j] = s->q[i];
			s->nq = j;
			s->qhead = 0;
			release_rings(s);
		}
	}
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
		if (s->nice != NICE_UNCHANGED && setpriority(PRIO_PROCESS, 0, s->nice))
			_exit(127);
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
	for (i = 0; i < RECORD_MAX_EVENTS; i++)
		uprobe__remove(&s->uprobes[i]);	/* after the last fd on it is closed */
	offcpu__free(s->oc);
	offcpu_bpf__free(s->ob);
	oncpu_bpf__free(s->onb);
	for (i = 0; i < s->nq; i++)
		if (s->q[i].owned)
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
	free(s->release_to);
	free(s->ring_fd);
	converter__free(s->conv);
}

/*
 * --off-cpu in the kernel: load the BPF program (tracking starts in
 * open_events). When it cannot load, the reason is kept for the summary and
 * the perf path is used.
 */
static void start_offcpu_bpf(struct session *s)
{
	const struct record_opts *o = s->o;
	struct offcpu_bpf_opts bo = { 0 };
	struct em_diag d = { 0 };

	if (!o->off_cpu || o->hot_cold || o->no_bpf)
		return;
	bo.system_wide = o->system_wide;
	bo.states = o->offcpu.states;
	bo.min_block_ns = o->offcpu.min_block_ns;
	bo.max_block_ns = o->offcpu.max_block_ns;
	bo.stack_size = o->stack_size ? o->stack_size : PERF_EVENT_STACK_DEFAULT;
	bo.max_rate = o->offcpu_rate;
	bo.ncpus = s->ncpus;
	if (offcpu_bpf__open(&s->ob, &bo, &d)) {
		snprintf(s->offcpu_note, sizeof(s->offcpu_note), "%s", d.msg);
		return;
	}
	{
		struct offcpu_opts oo = o->offcpu;

		oo.per_task = true;
		s->oc = offcpu__new(&oo);
	}
}

/*
 * cpu-clock samples in the kernel: the BPF program copies only the stack a
 * thread uses (oncpu.bpf.c). Tried for plain on-CPU recording; it must also
 * attach to a sampling event here (a throwaway one on this process), so
 * that a kernel refusing it leaves ember on perf's own samples before any
 * real event is open. The reason is kept for the verbose summary.
 */
static void start_oncpu_bpf(struct session *s)
{
	const struct record_opts *o = s->o;
	struct oncpu_bpf_opts bo = { 0 };
	struct perf_event_opts eo = { 0 };
	struct perf_event_attr attr;
	struct em_diag d = { 0 };
	int fd, err;

	if (o->off_cpu || o->hot_cold || o->nevents || o->no_bpf)
		return;
	bo.stack_size = o->stack_size ? o->stack_size : PERF_EVENT_STACK_DEFAULT;
	bo.ncpus = s->ncpus;
	if (oncpu_bpf__open(&s->onb, &bo, &d)) {
		snprintf(s->oncpu_note, sizeof(s->oncpu_note), "%s", d.msg);
		return;
	}
	eo.freq = 1;
	eo.disabled = true;
	perf_event__attr(&attr, &eo);
	fd = perf_event__open(&attr, 0, -1);
	err = fd < 0 ? fd : oncpu_bpf__attach(s->onb, fd);
	oncpu_bpf__detach(s->onb);
	if (fd >= 0)
		close(fd);
	if (err) {
		snprintf(s->oncpu_note, sizeof(s->oncpu_note), "cannot attach the BPF program to a cpu-clock event: %s",
			 strerror(-err));
		oncpu_bpf__free(s->onb);
		s->onb = NULL;
	}
}

/*
 * Tracefs, the -e event's id (creating its uprobe) and, for off-CPU, the
 * sched_switch id and prev_state field. Nothing to do for cpu-clock alone.
 */
static int prepare_events(struct session *s, struct em_diag *diag)
{
	const struct record_opts *o = s->o;
	bool need_tfs;
	size_t i;
	int err;

	start_offcpu_bpf(s);
	start_oncpu_bpf(s);
	need_tfs = (o->off_cpu && !s->ob) || o->hot_cold;

	for (i = 0; i < o->nevents && i < RECORD_MAX_EVENTS; i++) {
		s->events[i] = o->events[i];
		need_tfs |= o->events[i].kind != EVENT_SPEC__SOFTWARE;
		snprintf(s->event_names[i], sizeof(s->event_names[i]), "[%.*s]", TRACEFS_NAME_MAX,
			 o->events[i].kind == EVENT_SPEC__UPROBE ? o->events[i].func : o->events[i].name);
	}
	if (!need_tfs)
		return 0;
	err = tracefs__find(&s->tfs, geteuid() == 0, diag);
	if (err)
		return err;
	for (i = 0; i < o->nevents && i < RECORD_MAX_EVENTS; i++) {
		struct event_spec *e = &s->events[i];

		if (e->kind == EVENT_SPEC__UPROBE) {
			err = uprobe__create(&s->uprobes[i], &s->tfs, e->path, e->func, diag);
			if (err)
				return err;
			e->type = PERF_TYPE_TRACEPOINT;
			e->config = s->uprobes[i].id;
		} else {
			err = event_spec__resolve(e, &s->tfs, diag);
			if (err)
				return err;
		}
	}
	if ((o->off_cpu || o->hot_cold) && !s->ob) {
		struct tracefs_format f = { 0 };
		const struct tracefs_field *fl;

		err = tracefs__read_format(&s->tfs, "sched", "sched_switch", &f, diag);
		if (!err && !(fl = tracefs_format__field(&f, "prev_state"))) {
			em_diag__set(diag, NULL, 0, "sched:sched_switch has no prev_state field");
			err = -EM_E_UNSUPPORTED;
		}
		if (!err)
			err = tracefs__event_id(&s->tfs, "sched", "sched_switch", &s->switch_id, diag);
		if (!err)
			s->prev_state = *fl;
		tracefs_format__release(&f);
		if (err)
			return err;
		{
			struct offcpu_opts oo = o->offcpu;

			/* switch-outs in states not kept never leave the kernel */
			oo.kernel_filtered = offcpu__kernel_filter(oo.states ? oo.states : OFFCPU_STATES_BLOCKED,
								   s->switch_filter, sizeof(s->switch_filter));
			if (!oo.kernel_filtered)
				s->switch_filter[0] = '\0';
			s->oc = offcpu__new(&oo);
		}
	}
	return 0;
}

/*
 * The attrs to open on every CPU (and task): the -e event, or for off-CPU
 * sched:sched_switch with raw data and switch records (plus cpu-clock for
 * hot/cold), or cpu-clock. Only the first carries side-band records.
 */
static size_t build_attrs(struct session *s, struct perf_event_opts *eo, struct perf_event_attr *attrs)
{
	const struct record_opts *o = s->o;
	size_t n = 0, i;

	perf_event__attr(&attrs[n], eo);
	if (s->ob) {	/* BPF does the switches: perf only brings side-band (mmaps, comms, forks) */
		attrs[n].config = PERF_COUNT_SW_DUMMY;
		attrs[n].freq = 0;
		attrs[n].sample_period = 1;
		return 1;
	}
	if (o->off_cpu || o->hot_cold) {
		attrs[n].type = PERF_TYPE_TRACEPOINT;
		attrs[n].config = s->switch_id;
		attrs[n].freq = 0;
		attrs[n].sample_period = 1;
		attrs[n].sample_type |= PERF_SAMPLE_RAW;
		attrs[n].context_switch = 1;
		n++;
		if (o->hot_cold) {
			eo->sideband = false;
			perf_event__attr(&attrs[n], eo);
			attrs[n].sample_type |= PERF_SAMPLE_RAW;	/* one sample layout in the ring */
			n++;
		}
		return n;
	}
	if (s->onb) {	/* the BPF program writes the samples: perf copies nothing for them */
		attrs[n].sample_type &= ~(u64)(PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER);
		attrs[n].sample_regs_user = 0;
		attrs[n].sample_stack_user = 0;
		return 1;
	}
	for (i = 0; i < o->nevents && i < RECORD_MAX_EVENTS; i++) {
		if (i) {
			eo->sideband = false;
			perf_event__attr(&attrs[i], eo);
		}
		event_spec__attr(&s->events[i], eo->freq, &attrs[i]);
		attrs[i].sample_type |= PERF_SAMPLE_RAW;	/* tells the events apart */
	}
	return o->nevents ? o->nevents : 1;
}

/* The sched_switch filter on the fds opened since index @from (attr 0 of off-CPU). */
static int filter_switch_fds(struct session *s, size_t from, size_t k)
{
	size_t i;

	if (k || !s->oc || !s->switch_filter[0])
		return 0;
	for (i = from; i < s->nfds; i++)
		if (ioctl(s->fds[i], PERF_EVENT_IOC_SET_FILTER, s->switch_filter))
			return -errno;
	return 0;
}

/*
 * BPF off-CPU: the program follows the target (its tgids, children by its
 * fork hook); perf only brings side-band (mmaps, comms, forks), from every
 * CPU. A per-task event, even one that never samples, would make every
 * context switch of the target switch perf contexts too: +20 % on two
 * threads ping-ponging. Records of other processes only fill the
 * converter's tables.
 */
static int open_events_bpf(struct session *s, struct perf_event_opts *eo, struct em_diag *diag)
{
	const struct record_opts *o = s->o;
	struct perf_event_attr attr;
	size_t i;
	int err = 0;

	build_attrs(s, eo, &attr);
	if (o->system_wide) {
		load_all_procs(s);
	} else if (o->npids) {
		for (i = 0; i < o->npids && !err; i++) {
			if (converter__load_proc(s->conv, o->pids[i])) {
				em_diag__set(diag, NULL, 0, "no process with pid %d", o->pids[i]);
				return -ENOENT;
			}
			err = offcpu_bpf__track(s->ob, o->pids[i], false);
		}
	} else {
		err = start_command(s, o->argv);
		if (!err)
			err = offcpu_bpf__track(s->ob, s->child, true);	/* from its exec on */
	}
	if (!err)
		err = open_all_cpus(s, &attr, -1);
	return err ? err : offcpu_bpf__attach(s->ob, diag);
}

static int open_events(struct session *s, struct em_diag *diag)
{
	const struct record_opts *o = s->o;
	struct perf_event_opts eo = { 0 };
	struct perf_event_attr attrs[RECORD_MAX_EVENTS];
	size_t i, k, n;
	int err;

	err = prepare_events(s, diag);
	if (err)
		return err;
	eo.freq = o->freq ? o->freq : 99;
	eo.stack_size = o->stack_size ? o->stack_size : PERF_EVENT_STACK_DEFAULT;
	eo.sideband = true;
	if (s->ob)
		return open_events_bpf(s, &eo, diag);
	if (o->system_wide) {
		n = build_attrs(s, &eo, attrs);
		load_all_procs(s);
		for (k = 0; k < n; k++) {
			size_t from = s->nfds;

			if ((err = open_all_cpus(s, &attrs[k], -1)) || (err = filter_switch_fds(s, from, k)))
				return err;
		}
		return 0;
	}
	eo.inherit = true;
	if (o->npids) {
		n = build_attrs(s, &eo, attrs);
		for (i = 0; i < o->npids; i++)
			for (k = 0; k < n; k++) {
				size_t from = s->nfds;

				err = attach_pid(s, &attrs[k], o->pids[i], diag);
				if (!err)
					err = filter_switch_fds(s, from, k);
				if (err)
					return err;
			}
		return 0;
	}
	eo.enable_on_exec = true;
	n = build_attrs(s, &eo, attrs);
	err = start_command(s, o->argv);
	if (err)
		return err;
	for (k = 0; k < n; k++) {
		size_t from = s->nfds;

		if ((err = open_all_cpus(s, &attrs[k], s->child)) || (err = filter_switch_fds(s, from, k)))
			return err;
	}
	return 0;
}

/*
 * Off-CPU results into the profile: blocked ns per stack (with [S]/[D]
 * frames), and for hot/cold the on-CPU samples already weighted in ns next
 * to off-CPU stacks whose frames carry "_[o]".
 */
static struct profile *offcpu_profile(struct session *s, struct profile *p, struct record_result *res)
{
	const struct record_opts *o = s->o;
	struct profile *q = profile__new(1);
	struct offcpu_emit_opts eo = { .state_frame = true, .suffix = o->hot_cold ? OFFCPU_SUFFIX : NULL };
	const struct offcpu_total *tot;
	size_t nt;

	offcpu__finish(s->oc);
	if (o->hot_cold) {
		offcpu__emit_oncpu(s->oc, p, q, 0);
		res->oncpu_ns = profile__total(q, 0);
	}
	if (s->ob) {
		res->offcpu_bpf = true;
		offcpu_bpf__counters(s->ob, &res->bpf, &res->bpf_bad);
		tot = offcpu__totals(s->oc, &nt);
		offcpu_bpf__scale(&res->bpf, tot, nt, offcpu__task_weight, s->oc, res->bpf_scale);
		eo.scale = res->bpf_scale;
		eo.weight = offcpu__task_weight;
		eo.weight_ctx = s->oc;
	}
	offcpu__emit(s->oc, p, q, 0, &eo);
	profile__set_value_type(q, 0, o->hot_cold ? "wall" : "off-cpu", "nanoseconds");
	res->has_offcpu = true;
	res->offcpu = *offcpu__stats(s->oc);
	profile__free(p);
	return q;
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
	s.release_to = xcalloc(s.ncpus, sizeof(*s.release_to));
	for (cpu = 0; cpu < s.ncpus; cpu++)
		s.ring_fd[cpu] = -1;
	{
		struct converter_opts co = o->conv;

		co.sample_weight = sample_weight;
		co.unwound = sample_unwound;
		co.sample_base = o->nevents > 1 ? sample_base : NULL;
		co.hook_ctx = &s;
		/* off-CPU keeps stack ids across the end: name kernel frames as they come */
		co.defer_kernel_names = !(o->off_cpu || o->hot_cold);
		s.conv = converter__new(&co);
	}
	/*
	 * The recorder's work is small (a few µs a sample) but it must not queue
	 * behind a loaded machine's runnable tasks for long, or the rings fill
	 * and samples are lost: nice -10 where allowed (root, CAP_SYS_NICE), for
	 * this thread and the kallsyms loader it starts. The command gets its
	 * own priority back before exec.
	 */
	errno = 0;
	s.nice = getpriority(PRIO_PROCESS, 0);
	if (errno || setpriority(PRIO_PROCESS, 0, -10))
		s.nice = NICE_UNCHANGED;
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
	pfd = xcalloc(s.ncpus + 1, sizeof(*pfd));
	if (s.onb) {	/* the BPF ring asks for a drain when a quarter full */
		pfd[npfd].fd = oncpu_bpf__poll_fd(s.onb);
		pfd[npfd++].events = POLLIN;
	}
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
	memcpy(res->offcpu_note, s.offcpu_note, sizeof(res->offcpu_note));
	memcpy(res->oncpu_note, s.oncpu_note, sizeof(res->oncpu_note));
	if (s.onb) {
		res->oncpu_bpf = true;
		oncpu_bpf__counters(s.onb, &res->oncpu);
		s.dropped += res->oncpu.rb_full + s.bpf_bad;
	}
	res->profile = converter__take(s.conv);	/* first: it may still name kernel frames */
	res->stats = *converter__stats(s.conv);
	res->stats.lost += s.dropped;
	if (s.oc)
		res->profile = offcpu_profile(&s, res->profile, res);
	if (o->progress) {
		struct record_progress p = { res->elapsed, res->stats.samples, res->stats.lost, true };

		o->progress(o->progress_ctx, &p);
	}
out:
	session_release(&s);
	return err;
}
