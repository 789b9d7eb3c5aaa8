/*
 * event_spec.h - what `ember record -e EVENT` accepts and `ember record -l`
 * lists: software events (cpu-clock, task-clock, page-faults, ...),
 * tracepoints (SYSTEM:EVENT, ids from tracefs) and user probes
 * (u:PATH:FUNCTION, created by uprobe.c). A spec becomes the type, config
 * and period of a perf_event_attr; the rest of the attr is perf_event.c's.
 */
#ifndef EMBER_EVENT_SPEC_H
#define EMBER_EVENT_SPEC_H

#include <limits.h>
#include <stdio.h>
#include <linux/perf_event.h>
#include "base/compiler.h"
#include "base/err.h"
#include "record/tracefs.h"

#define EVENT_SPEC_FUNC_MAX 256

enum event_spec_kind {
	EVENT_SPEC__SOFTWARE,
	EVENT_SPEC__TRACEPOINT,
	EVENT_SPEC__UPROBE,
};

struct event_spec {
	enum event_spec_kind kind;
	char name[PATH_MAX + EVENT_SPEC_FUNC_MAX + 4];	/* canonical: "page-faults", "sched:sched_switch", "u:/bin/x:f" */
	u32 type;		/* PERF_TYPE_SOFTWARE or PERF_TYPE_TRACEPOINT */
	u64 config;		/* PERF_COUNT_SW_*, or the tracepoint id (0 until resolved) */
	u64 sample_period;	/* 1: a sample per event; 0: sampled at the -F frequency (clocks) */
	char system[TRACEFS_NAME_MAX];	/* tracepoint: "sched"; uprobe: the probe's group once created */
	char event[TRACEFS_NAME_MAX];	/* tracepoint: "sched_switch" */
	char path[PATH_MAX];		/* uprobe: the ELF file as given */
	char func[EVENT_SPEC_FUNC_MAX];	/* uprobe: the function */
};

/*
 * Parse one -e argument @s into @out (syntax only: tracepoint ids are looked
 * up by event_spec__resolve, uprobes created by uprobe.c). Aliases become the
 * canonical name ("faults" -> "page-faults", "cs" -> "context-switches").
 * Returns 0, or -EM_E_USAGE with @diag saying what is wrong, with a "did you
 * mean" for near misses, and pointing at `ember record -l`.
 */
int event_spec__parse(const char *s, struct event_spec *out, struct em_diag *diag) __must_check;

/*
 * For a tracepoint, read its id from tracefs @t into out->config. Software
 * events need nothing (returns 0); uprobes are resolved by uprobe__create.
 * Returns 0, -ENOENT (no such tracepoint on this machine: @diag says so and
 * names `ember record -l`), or -errno.
 */
int event_spec__resolve(struct event_spec *e, const struct tracefs *t, struct em_diag *diag) __must_check;

/*
 * Set type, config and the sampling period of @attr (built by
 * perf_event__attr) for @e: sample_period = 1 for tracepoints, uprobes and
 * counted software events, frequency @freq Hz for cpu-clock and task-clock.
 */
void event_spec__attr(const struct event_spec *e, unsigned freq, struct perf_event_attr *attr);

/*
 * Write what `ember record -l` prints to @out: the software events with their
 * aliases, every tracepoint under @t's events/ grouped by system (or why they
 * cannot be listed, when @t is NULL or unreadable), and the uprobe syntax.
 * Returns 0 or -errno from writing.
 */
int event_list__write(FILE *out, const struct tracefs *t, const char *why_no_tracefs);

#endif
