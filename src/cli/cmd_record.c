/*
 * cmd_record.c - `ember record`: sample a command, processes (-p) or every
 * CPU (-a) and write a flame graph (.svg, through src/render) or folded
 * stacks (.folded). Recording lives in src/record; this file turns argv into
 * options, handles Ctrl-C/SIGTERM and the live status, and reports.
 */
#include "cli/cmd.h"
#include "cli/opt.h"
#include "cli/report.h"
#include "formats/folded.h"
#include "formats/pprof.h"
#include "record/event_spec.h"
#include "record/offcpu.h"
#include "record/perf_event.h"
#include "record/tracefs.h"
#include "record/session.h"
#include "render/color.h"
#include "render/layout.h"
#include "render/svg.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIDS 1024

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static const struct opt_usage record_usage = {
	.synopsis = "ember record [OPTIONS] -- CMD [ARGS...]\n"
		    "   or: ember record [OPTIONS] -p PID[,PID...]\n"
		    "   or: ember record [OPTIONS] -a",
	.summary =
		"Sample a command, running processes (every thread) or the whole machine with the\n"
		"cpu-clock software event, unwind each sample's user stack from a copy of its\n"
		"registers and stack with the binaries' DWARF CFI (no frame pointers needed), add\n"
		"the kernel's call chain, and write a flame graph (-o NAME.svg, the default:\n"
		"CMD.svg) or folded stacks (-o NAME.folded: \"comm;outer;...;leaf count\").\n"
		"Ctrl-C or SIGTERM stops the recording and still writes the output. Needs root,\n"
		"CAP_PERFMON or a low kernel.perf_event_paranoid.",
	.footer =
		"examples:\n"
		"  ember record -- ./app --flag                 (writes app.svg)\n"
		"  ember record -o app.folded -- ./app --flag\n"
		"  ember record -F 999 --duration 10 -p 1234 -o db.folded\n"
		"  ember record -a --pid --duration 5 -o system.svg\n"
		"  ember record --off-cpu -o blocked.folded -- ./app   (ns blocked, by stack and state)\n"
		"  ember record --hot-cold -- ./app                    (on- and off-CPU ns in one graph)\n"
		"  ember record -e page-faults -- make                 (see ember record -l)\n"
		"  ember record -e page-faults -e sched:sched_process_exec -o ev.folded -- make\n",
};

struct status_ctx {
	bool tty;
	bool printed;
};

static void show_progress(void *ctx, const struct record_progress *p)
{
	struct status_ctx *s = ctx;

	if (!s->tty)
		return;
	if (p->final) {
		if (s->printed)
			fputs("\r\033[K", stderr);
		return;
	}
	fprintf(stderr, "\r\033[Kember record: %.1f s, %llu samples, %llu lost", p->elapsed,
		(unsigned long long)p->samples, (unsigned long long)p->lost);
	s->printed = true;
}

/* "12,34" → pids; returns the count or -1 after printing the error. */
static int parse_pids(const char *s, int *pids, int max)
{
	int n = 0;

	while (*s) {
		char *end;
		long v;

		errno = 0;
		v = strtol(s, &end, 10);
		if (errno || end == s || v <= 0 || v > 0x3fffffff || (*end && *end != ',')) {
			report_error("option '-p' expects PID[,PID...], got '%s'", s);
			return -1;
		}
		if (n == max) {
			report_error("option '-p': at most %d processes", max);
			return -1;
		}
		pids[n++] = (int)v;
		s = *end ? end + 1 : end;
	}
	if (!n)
		report_error("option '-p' expects PID[,PID...]");
	return n ? n : -1;
}

/* "32768", "32k", "64K" → bytes. */
static int parse_size(const char *s, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || s[0] == '-')
		return -1;
	if (*end == 'k' || *end == 'K') {
		v *= 1024;
		end++;
		if (*end == 'i' || *end == 'B')
			end += *end == 'i' ? (end[1] == 'B' ? 2 : 1) : 1;
	}
	if (*end || v > 0xffffffffUL)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && !strcmp(s + n - m, suf);
}

static void print_summary(const struct record_result *r, const char *out_name, bool verbose)
{
	const struct converter_stats *st = &r->stats;
	double inc = st->user_samples ? 100.0 * st->incomplete / st->user_samples : 0;
	double unn = st->frames ? 100.0 * st->unnamed / st->frames : 0;

	fprintf(stderr, "ember record: %llu samples in %.2f s on %u CPUs, %llu lost; "
			"%.1f%% incomplete stacks, %.1f%% unnamed frames; wrote %s\n",
		(unsigned long long)st->samples, r->elapsed, r->ncpus, (unsigned long long)st->lost,
		inc, unn, out_name);
	if (st->incomplete)
		fprintf(stderr, "ember record: incomplete: %llu outside the copied stack (try "
				"--stack-size 64K), %llu outside any mapping, %llu without CFI, "
				"%llu bad CFI, %llu too deep\n",
			(unsigned long long)st->end_stack, (unsigned long long)st->end_no_map,
			(unsigned long long)st->end_no_cfi, (unsigned long long)st->end_bad,
			(unsigned long long)st->end_depth);
	if (verbose && st->user_samples)
		fprintf(stderr, "ember record: unwound %llu user stacks (%.1f frames each) in %.1f ms: "
				"%.0f stacks/s, %.0f ns per frame; %llu bad records\n",
			(unsigned long long)st->user_samples, (double)st->user_frames / st->user_samples,
			st->unwind_ns / 1e6, st->unwind_ns ? st->user_samples * 1e9 / st->unwind_ns : 0.0,
			st->user_frames ? (double)st->unwind_ns / st->user_frames : 0.0,
			(unsigned long long)st->bad_records);
	if (verbose && r->oncpu_bpf)
		fprintf(stderr, "ember record: samples taken in the kernel (BPF): %llu, %llu copying the stack only "
				"up to the thread's top, %.1f KiB of stack each on average; %llu lost (ring full)\n",
			(unsigned long long)r->oncpu.samples, (unsigned long long)r->oncpu.learned,
			r->oncpu.samples ? r->oncpu.ustack_bytes / 1024.0 / r->oncpu.samples : 0.0,
			(unsigned long long)r->oncpu.rb_full);
	else if (verbose && r->oncpu_note[0])
		fprintf(stderr, "ember record: samples from perf (a fixed stack copy each); BPF not used: %s\n",
			r->oncpu_note);
	if (st->oracle_checked)
		fprintf(stderr, "ember record: libdwfl check: %llu of %llu stacks differ (%.3f%%)\n",
			(unsigned long long)st->oracle_differ, (unsigned long long)st->oracle_checked,
			100.0 * st->oracle_differ / st->oracle_checked);
}

/*
 * BPF off-CPU: the exact totals the kernel counted stand in for the state
 * machine's (which saw only the sampled blocks), so the first summary line
 * reads as on the perf path; the second says how much was sampled and how
 * the estimate in the profile compares with the exact total.
 */
static void bpf_exact_stats(const struct record_result *r, struct offcpu_stats *o)
{
	const struct offcpu_abi_counters *c = &r->bpf;
	unsigned i;

	o->blocks = o->blocked_ns = 0;
	for (i = 0; i < OFFCPU_ABI_NSTATES; i++) {
		o->blocks += c->blocks[i];
		o->blocked_ns += c->ns[i];
	}
	o->switches_out = c->switches_out;
	o->state_filtered = c->state_filtered;
	o->state_filtered_ns = c->state_filtered_ns;
	o->too_short = c->too_short;
	o->too_short_ns = c->too_short_ns;
	o->too_long = c->too_long;
	o->too_long_ns = c->too_long_ns;
	o->no_stack = c->rb_full + r->bpf_bad;
	/* a sampled block whose switch-in the kernel did not see is not a lost record */
	o->double_out -= o->double_out < c->missed_in ? o->double_out : c->missed_in;
	o->lost_records += c->rb_full_in;
}

static void print_offcpu_path(const struct record_result *r, const struct offcpu_stats *exact)
{
	const struct offcpu_stats *est = &r->offcpu;

	if (!r->offcpu_bpf) {
		if (r->offcpu_note[0])
			fprintf(stderr, "ember record: off-CPU from perf sched_switch samples; BPF not used: %s\n",
				r->offcpu_note);
		else
			fputs("ember record: off-CPU from perf sched_switch samples (--no-bpf)\n", stderr);
		return;
	}
	fprintf(stderr, "ember record: off-CPU in the kernel (BPF): ");
	if (est->blocks == exact->blocks)
		fprintf(stderr, "all %llu blocks sampled", (unsigned long long)exact->blocks);
	else
		fprintf(stderr, "%llu of %llu blocks sampled", (unsigned long long)est->blocks,
			(unsigned long long)exact->blocks);
	fprintf(stderr, "; the 1/p estimate %.3f s against %.3f s exact (%+.2f %%), the profile scaled to the "
			"exact time per state; %llu stacks and %llu switch-ins lost (ring full), %llu switch-ins "
			"unseen, %llu user stacks unreadable\n",
		est->blocked_ns / 1e9, exact->blocked_ns / 1e9,
		exact->blocked_ns ? ((double)est->blocked_ns - (double)exact->blocked_ns) * 100 / exact->blocked_ns : 0.0,
		(unsigned long long)r->bpf.rb_full, (unsigned long long)r->bpf.rb_full_in,
		(unsigned long long)r->bpf.missed_in, (unsigned long long)r->bpf.ustack_empty);
}

static void print_offcpu_summary(const struct record_result *r)
{
	struct offcpu_stats exact = r->offcpu;
	const struct offcpu_stats *o = &exact;

	if (!r->has_offcpu)
		return;
	if (r->offcpu_bpf)
		bpf_exact_stats(r, &exact);
	if (r->oncpu_ns)
		fprintf(stderr, "ember record: on-CPU %.3f s (sample periods scaled by %.3f, from switch "
				"times); ", r->oncpu_ns / 1e9,
			o->oncpu_sampled_ns ? (double)o->oncpu_measured_ns / o->oncpu_sampled_ns : 1.0);
	else
		fputs("ember record: ", stderr);
	fprintf(stderr, "off-CPU %.3f s in %llu blocks (%llu switches out); not counted: "
			"%llu filtered by state (%.3f s), %llu below --min-block (%.3f s), %llu above "
			"--max-block (%.3f s), %llu without a stack, %llu still blocked at the end, "
			"%llu lost with %llu lost records, %llu switch-ins unmatched\n",
		o->blocked_ns / 1e9, (unsigned long long)o->blocks, (unsigned long long)o->switches_out,
		(unsigned long long)o->state_filtered, o->state_filtered_ns / 1e9,
		(unsigned long long)o->too_short, o->too_short_ns / 1e9,
		(unsigned long long)o->too_long, o->too_long_ns / 1e9,
		(unsigned long long)o->no_stack, (unsigned long long)o->never_in,
		(unsigned long long)(o->lost_pending + o->double_out), (unsigned long long)o->lost_records,
		(unsigned long long)(o->in_without_out + o->time_backwards));
	if (!r->oncpu_ns)
		print_offcpu_path(r, &exact);
}

/* `ember record -l`: software events, this machine's tracepoints, the uprobe syntax. */
static int list_events(void)
{
	struct tracefs t;
	struct em_diag d = { 0 };
	bool have = !tracefs__find(&t, geteuid() == 0, &d);

	return event_list__write(stdout, have ? &t : NULL, have ? NULL : d.msg) ? EXIT_FAILURE_RUNTIME : EXIT_OK;
}

/*
 * "-e a,b -e c": every -e, each a comma list, into up to RECORD_MAX_EVENTS
 * specs, at most one of them a software event.
 */
static bool parse_events(struct record_opts *o, struct event_spec *specs, const struct opt_strings *lists)
{
	struct em_diag d = { 0 };
	size_t n = 0, nsw = 0, before;
	unsigned i;
	bool ok = true;

	for (i = 0; ok && i < lists->n; i++) {
		char *copy = strdup(lists->v[i]), *save = NULL, *tok;

		ok = copy != NULL;
		before = n;
		for (tok = ok ? strtok_r(copy, ",", &save) : NULL; ok && tok; tok = strtok_r(NULL, ",", &save)) {
			if (n == RECORD_MAX_EVENTS) {
				report_error("-e: at most %d events per recording", RECORD_MAX_EVENTS);
				ok = false;
			} else if (event_spec__parse(tok, &specs[n], &d)) {
				report_error("%s", d.msg);
				ok = false;
			} else if (specs[n].kind == EVENT_SPEC__SOFTWARE && ++nsw > 1) {
				report_error("-e: one software event per recording (their samples cannot be told "
					     "apart); tracepoints and uprobes can be added");
				ok = false;
			} else {
				n++;
			}
		}
		free(copy);
		if (ok && n == before) {
			report_error("-e expects EVENT[,EVENT...]; 'ember record -l' lists them");
			ok = false;
		}
	}
	o->events = specs;
	o->nevents = n;
	return ok;
}

/* -e, --min-block, --max-block, --state into @o; false after printing the error. */
static bool parse_event_options(struct record_opts *o, struct event_spec *specs, const struct opt_strings *events,
				const char *min_block, const char *max_block, const char *states)
{
	if (events->n && !parse_events(o, specs, events))
		return false;
	if (o->nevents && (o->off_cpu || o->hot_cold)) {
		report_error("-e cannot be combined with --off-cpu or --hot-cold");
		return false;
	}
	if ((min_block || max_block || states) && !o->off_cpu && !o->hot_cold) {
		report_error("--min-block, --max-block and --state need --off-cpu or --hot-cold");
		return false;
	}
	if (min_block && offcpu__parse_duration(min_block, &o->offcpu.min_block_ns)) {
		report_error("option '--min-block' expects a duration such as 100us, 2ms or 1s, got '%s'", min_block);
		return false;
	}
	if (max_block && offcpu__parse_duration(max_block, &o->offcpu.max_block_ns)) {
		report_error("option '--max-block' expects a duration such as 100us, 2ms or 1s, got '%s'", max_block);
		return false;
	}
	if (states && offcpu__parse_states(states, &o->offcpu.states)) {
		report_error("option '--state' expects letters of RSDO (R runnable, S sleeping, "
			     "D uninterruptible, O other) or 'all', got '%s'", states);
		return false;
	}
	return true;
}

/* -p opens one event per thread and CPU: allow as many descriptors as the hard limit does. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The SVG's subtitle: what was recorded. */
static void describe_target(char *out, size_t n, const struct record_opts *o)
{
	size_t len;
	int i;

	if (o->system_wide) {
		snprintf(out, n, "ember record -a");
		return;
	}
	if (o->npids) {
		len = (size_t)snprintf(out, n, "ember record -p %d", o->pids[0]);
		for (i = 1; i < (int)o->npids && len < n; i++)
			len += (size_t)snprintf(out + len, n - len, ",%d", o->pids[i]);
		return;
	}
	len = (size_t)snprintf(out, n, "ember record --");
	for (i = 0; o->argv[i] && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, " %s", o->argv[i]);
}

/* The subtitle's note of the mode and of what off-CPU accounting dropped. */
static void describe_offcpu(char *out, size_t n, const struct record_opts *o, const struct record_result *r)
{
	const struct offcpu_stats *st = &r->offcpu;
	size_t len = strlen(out);

	if (!r->has_offcpu || len >= n)
		return;
	snprintf(out + len, n - len, " (%s: %llu blocks; not counted: %llu lost, %llu without a stack, "
		 "%llu still blocked at the end)", o->hot_cold ? "--hot-cold" : "--off-cpu",
		 (unsigned long long)st->blocks, (unsigned long long)(st->lost_pending + st->double_out),
		 (unsigned long long)st->no_stack, (unsigned long long)st->never_in);
}

/*
 * A flamegraph.pl-style SVG of @p (src/render's layout, hot palette, SVG
 * writer); off-CPU graphs in flamegraph.pl's io (blue) palette, counted in ns.
 */
static int write_svg(FILE *out, const struct profile *p, const char *subtitle, const struct record_opts *o,
		     struct em_diag *diag)
{
	struct flame_layout_opts lo = { 0 };
	struct flame_svg_opts so;
	struct flame_color color;
	struct flame_layout l;
	int err;

	lo.minwidth = 0.1;
	lo.image_width = 1200;
	flame_svg_opts__init(&so);
	so.title = o->off_cpu ? "Off-CPU Time Flame Graph" : o->hot_cold ? "Hot/Cold Flame Graph"
		   : o->nevents == 1 ? o->events[0].name : o->nevents ? "Event Flame Graph" : "CPU Flame Graph";
	so.subtitle = subtitle;
	if (o->off_cpu || o->hot_cold)
		so.countname = "ns";
	else if (o->nevents)
		so.countname = "events";
	flame_color__init(&color, o->off_cpu ? FLAME_PALETTE__IO : FLAME_PALETTE__HOT, false, false, 0);
	err = flame_layout__build(&l, p, NULL, &lo, diag);
	if (!err) {
		err = flame_svg__write(out, &l, &color, &so);
		flame_layout__release(&l);
	} else if (err == -EM_E_EMPTY_INPUT) {
		err = flame_svg__write_error(out, &so, "ERROR: no samples were recorded");
	}
	flame_color__release(&color);
	return err;
}

/*
 * A pprof profile (gzip'd protobuf) of @p for `go tool pprof`. CPU samples
 * get Go's two sample types, samples/count and cpu/nanoseconds (each sample
 * worth the nominal period 1/F); off-CPU and hot/cold profiles are already
 * in nanoseconds; -e profiles count events (named after the event when
 * there is one).
 */
static int write_pprof(FILE *out, struct profile *p, const char *comment, const struct record_opts *o,
		       const struct record_result *r)
{
	struct pprof_write_opts po = { .default_col = 0, .comment = comment };
	struct profile *cpu = NULL;
	struct timespec now;
	s64 period = 1000000000ll / (o->freq ? o->freq : 99);
	size_t i;
	int err;

	clock_gettime(CLOCK_REALTIME, &now);
	po.duration_nanos = (s64)(r->elapsed * 1e9);
	po.time_nanos = (s64)now.tv_sec * 1000000000ll + now.tv_nsec - po.duration_nanos;
	if (o->off_cpu || o->hot_cold) {
		po.period_type = o->hot_cold ? "wall" : "off-cpu";
		po.period_unit = "nanoseconds";
		po.period = 1;
	} else if (o->nevents) {
		po.period_type = o->nevents == 1 ? o->events[0].name : "events";
		profile__set_value_type(p, 0, po.period_type, "count");
		po.period_unit = "count";
		po.period = 1;
	} else {
		cpu = profile__new(2);
		profile__merge(cpu, p);
		for (i = 0; i < cpu->vcap; i++)
			if (cpu->present[i])
				cpu->values[i * 2 + 1] = cpu->values[i * 2] * (u64)period;
		profile__set_value_type(cpu, 0, "samples", "count");
		profile__set_value_type(cpu, 1, "cpu", "nanoseconds");
		po.period_type = "cpu";
		po.period_unit = "nanoseconds";
		po.period = period;
		po.default_col = 1;
		p = cpu;
	}
	err = pprof_write(out, p, &po);
	profile__free(cpu);
	return err;
}

int cmd_record(int argc, const char **argv)
{
	const char *output = NULL, *pid_list = NULL, *stack_arg = NULL;
	const char *min_block = NULL, *max_block = NULL, *states = NULL;
	struct event_spec specs[RECORD_MAX_EVENTS];
	struct opt_strings events = { 0 };	/* each -e */
	bool list = false;
	struct record_opts o = { 0 };
	struct record_result res = { 0 };
	struct status_ctx status = { 0 };
	struct em_diag diag = { 0 };
	struct sigaction sa;
	bool quiet = false, verbose = false, no_bpf = false;
	int pids[MAX_PIDS];
	const struct opt options[] = {
		{ "freq", 'F', OPT_UINT, &o.freq, "HZ", "samples per second per CPU (default 99)" },
		{ "output", 'o', OPT_STRING, &output, "FILE", "FILE.svg: flame graph (default CMD.svg), FILE.folded: folded stacks, FILE.pb.gz: pprof" },
		{ "duration", 0, OPT_DOUBLE, &o.duration, "SEC", "stop after SEC seconds (the command is then terminated)" },
		{ "pids", 'p', OPT_STRING, &pid_list, "PID,...", "record these running processes, every thread" },
		{ "all-cpus", 'a', OPT_FLAG, &o.system_wide, NULL, "record every process on every CPU" },
		{ "stack-size", 0, OPT_STRING, &stack_arg, "N", "user stack bytes copied per sample at most: default 32K, at most 64K (with BPF, only the part in use)" },
		{ "pid", 0, OPT_FLAG, &o.conv.include_pid, NULL, "include the PID in process names (comm-PID)" },
		{ "tid", 0, OPT_FLAG, &o.conv.include_tid, NULL, "include PID and TID in process names (comm-PID/TID)" },
		{ "quiet", 'q', OPT_FLAG, &quiet, NULL, "no status line and no summary" },
		{ "verbose", 'v', OPT_FLAG, &verbose, NULL, "also print unwinding statistics" },
		{ "check-unwind", 0, OPT_FLAG, &o.conv.check_unwind, NULL, "also unwind every sample with elfutils' libdwfl and count disagreements (slow; for tests)" },
		{ "event", 'e', OPT_STRINGS, &events, "EVENT", "sample EVENT instead of cpu-clock: a software event, SYSTEM:TRACEPOINT or u:PATH:FUNCTION; counts per stack. Several: -e A -e B or -e A,B (a base frame names each)" },
		{ "list", 'l', OPT_FLAG, &list, NULL, "list the events -e accepts on this machine" },
		{ "off-cpu", 0, OPT_FLAG, &o.off_cpu, NULL, "record blocked time instead: stacks as threads leave the CPU, weighted in ns until they run again" },
		{ "hot-cold", 0, OPT_FLAG, &o.hot_cold, NULL, "on-CPU and off-CPU time in ns in one profile; off-CPU frames end in _[o]" },
		{ "min-block", 0, OPT_STRING, &min_block, "TIME", "off-CPU: drop blocks shorter than TIME (e.g. 100us; bare numbers are us)" },
		{ "max-block", 0, OPT_STRING, &max_block, "TIME", "off-CPU: drop blocks longer than TIME" },
		{ "state", 0, OPT_STRING, &states, "RSDO", "off-CPU: task states kept (default SD: sleeping and uninterruptible; R = preempted)" },
		{ "no-bpf", 0, OPT_FLAG, &no_bpf, NULL, "perf alone, no BPF program: cpu-clock samples copy --stack-size bytes each (not only the stack in use); off-CPU takes a perf sample per switch" },
		{ "stack-rate", 0, OPT_UINT, &o.offcpu_rate, "N", "off-CPU in the kernel: stacks per second to aim at when switches are more frequent (default 1000)" },
		{ NULL, 0, OPT_END, NULL, NULL, NULL },
	};
	char default_out[256], title[256];
	FILE *out;
	int nargs, npids = 0, code, err;
	bool svg, pprof;

	nargs = opt_parse(argc, argv, options, &record_usage);
	if (nargs < 0)
		return nargs == -2 ? EXIT_OK : EXIT_USAGE;
	if (list)
		return list_events();
	if (!parse_event_options(&o, specs, &events, min_block, max_block, states))
		return EXIT_USAGE;
	if ((nargs > 0) + (pid_list != NULL) + o.system_wide > 1 ||
	    (nargs == 0 && !pid_list && !o.system_wide)) {
		report_error("give exactly one of: -- CMD [ARGS], -p PID[,PID...], -a (see --help)");
		return EXIT_USAGE;
	}
	if (pid_list) {
		npids = parse_pids(pid_list, pids, MAX_PIDS);
		if (npids < 0)
			return EXIT_USAGE;
		o.pids = pids;
		o.npids = (size_t)npids;
	}
	o.stack_size = PERF_EVENT_STACK_DEFAULT;
	if (stack_arg && (parse_size(stack_arg, &o.stack_size) || o.stack_size < 8 ||
			  o.stack_size > 64 * 1024)) {
		report_error("option '--stack-size' expects 8 to 64K bytes (e.g. 65536 or 64K), got '%s'",
			     stack_arg);
		return EXIT_USAGE;
	}
	if (o.stack_size > PERF_EVENT_STACK_MAX)
		o.stack_size = PERF_EVENT_STACK_MAX;
	if (o.freq > 100000 || o.duration < 0) {
		report_error("-F expects 1..100000 Hz and --duration a positive number of seconds");
		return EXIT_USAGE;
	}
	if (!output) {
		const char *base = nargs ? strrchr(argv[1], '/') : NULL;

		base = base ? base + 1 : nargs ? argv[1] : o.system_wide ? "system" : "record";
		snprintf(default_out, sizeof(default_out), "%s.svg", base);
		output = default_out;
	}
	svg = has_suffix(output, ".svg");
	pprof = has_suffix(output, ".pb.gz") || has_suffix(output, ".pprof") || has_suffix(output, ".pb");
	if (strcmp(output, "-") && !svg && !pprof && !has_suffix(output, ".folded") && !has_suffix(output, ".txt")) {
		report_error("cannot write '%s': the output name must end in .svg, .folded or .pb.gz (pprof)",
			     output);
		return EXIT_USAGE;
	}
	if (o.offcpu_rate && !o.off_cpu && !o.hot_cold) {
		report_error("--stack-rate needs --off-cpu");
		return EXIT_USAGE;
	}
	o.no_bpf = no_bpf;
	o.argv = nargs ? argv + 1 : NULL;
	o.stop = &stop_requested;
	status.tty = !quiet && isatty(STDERR_FILENO);
	o.progress = show_progress;
	o.progress_ctx = &status;
	o.conv.kernel = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	raise_fd_limit();

	/* permission, then the output: neither should fail after a whole recording */
	err = perf_event__check_access(o.system_wide, &diag);
	if (err)
		return report_exit(err, &diag);
	out = output_open(output);
	if (!out)
		return EXIT_FAILURE_RUNTIME;
	err = record_session__run(&o, &res, &diag);
	if (err) {
		if (out != stdout) {
			fclose(out);
			unlink(output);
		}
		if ((err == -EACCES || err == -EPERM) && !diag.msg[0])
			em_diag__set(&diag, NULL, 0, "perf_event_open: %s; run as root or lower "
				     "kernel.perf_event_paranoid (sysctl kernel.perf_event_paranoid=1)",
				     strerror(-err));
		else if (err == -ENOENT && !diag.msg[0])
			em_diag__set(&diag, NULL, 0, "cannot run '%s': %s", nargs ? argv[1] : "?", strerror(-err));
		return report_exit(err, &diag);
	}
	/* the SVG's subtitle, the pprof's comment */
	describe_target(title, sizeof(title), &o);
	describe_offcpu(title, sizeof(title), &o, &res);
	if (svg) {
		err = write_svg(out, res.profile, title, &o, &diag);
	} else if (pprof) {
		err = write_pprof(out, res.profile, title, &o, &res);
		if (err)
			em_diag__set(&diag, output, 0, "cannot write pprof: %s", strerror(-err));
	} else {
		err = folded_write(out, res.profile);
	}
	code = output_close(out, output);
	if (err && !code)
		code = report_exit(err, &diag);
	if (!code && !quiet) {
		print_summary(&res, strcmp(output, "-") ? output : "stdout", verbose);
		print_offcpu_summary(&res);
	}
	if (!quiet && res.child_status > 0 && WIFEXITED(res.child_status) && WEXITSTATUS(res.child_status))
		fprintf(stderr, "ember record: the command exited with status %d\n",
			WEXITSTATUS(res.child_status));
	profile__free(res.profile);
	return code;
}
