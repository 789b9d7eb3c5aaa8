/*
 * event_spec.c - -e EVENT parsing (software events and their aliases,
 * SYSTEM:EVENT tracepoints, u:PATH:FUNCTION user probes), their perf attr
 * fields, and the `ember record -l` listing read from tracefs/events.
 */
#include "record/event_spec.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define LIST_HINT "'ember record -l' lists the events of this machine"

struct sw_event {
	const char *name, *alias;
	u64 config;
	bool clock;		/* sampled by frequency, not per event */
	const char *help;
};

static const struct sw_event sw_events[] = {
	{ "cpu-clock", NULL, PERF_COUNT_SW_CPU_CLOCK, true, "on-CPU time, sampled at -F HZ (the default)" },
	{ "task-clock", NULL, PERF_COUNT_SW_TASK_CLOCK, true, "on-CPU time of the traced tasks, sampled at -F HZ" },
	{ "page-faults", "faults", PERF_COUNT_SW_PAGE_FAULTS, false, "every page fault" },
	{ "minor-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MIN, false, "every minor page fault" },
	{ "major-faults", NULL, PERF_COUNT_SW_PAGE_FAULTS_MAJ, false, "every major page fault (I/O)" },
	{ "context-switches", "cs", PERF_COUNT_SW_CONTEXT_SWITCHES, false, "every context switch" },
	{ "cpu-migrations", "migrations", PERF_COUNT_SW_CPU_MIGRATIONS, false, "every move to another CPU" },
};

/* Levenshtein distance, capped: only small names are compared. */
static unsigned edit_distance(const char *a, const char *b)
{
	unsigned row[64], i, j, la = (unsigned)strlen(a), lb = (unsigned)strlen(b);

	if (la >= 63 || lb >= 63)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		unsigned diag = row[0], tmp;

		row[0] = i;
		for (j = 1; j <= lb; j++) {
			unsigned best = diag + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			diag = tmp;
		}
	}
	return row[lb];
}

static const struct sw_event *sw_lookup(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sw_events); i++)
		if (!strcmp(s, sw_events[i].name) || (sw_events[i].alias && !strcmp(s, sw_events[i].alias)))
			return &sw_events[i];
	return NULL;
}

/* The software event nearest to @s (at most 3 edits away), or NULL. */
static const char *sw_suggest(const char *s)
{
	const char *best = NULL;
	unsigned d, best_d = 4;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sw_events); i++) {
		d = edit_distance(s, sw_events[i].name);
		if (d < best_d) {
			best_d = d;
			best = sw_events[i].name;
		}
	}
	return best;
}

static bool ident_chars(const char *s, size_t n, const char *extra)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && !strchr(extra, s[i]))
			return false;
	return true;
}

static int parse_uprobe(const char *s, struct event_spec *out, struct em_diag *diag)
{
	const char *body = s + 2, *colon = strrchr(body, ':');
	size_t plen, flen;

	if (!colon || colon == body || !colon[1]) {
		em_diag__set(diag, NULL, 0, "user probe '%.200s' must be u:PATH:FUNCTION, "
			     "e.g. u:/usr/bin/bash:readline", s);
		return -EM_E_USAGE;
	}
	plen = (size_t)(colon - body);
	flen = strlen(colon + 1);
	if (plen >= sizeof(out->path) || flen >= sizeof(out->func)) {
		em_diag__set(diag, NULL, 0, "user probe '%.200s': path or function name too long", s);
		return -EM_E_USAGE;
	}
	if (!ident_chars(colon + 1, flen, ".$@")) {
		em_diag__set(diag, NULL, 0, "user probe '%.200s': '%.200s' is not a function name "
			     "(offsets and arguments are not supported)", s, colon + 1);
		return -EM_E_USAGE;
	}
	out->kind = EVENT_SPEC__UPROBE;
	out->type = 0;		/* the tracepoint type once uprobe.c has made the probe */
	out->sample_period = 1;
	memcpy(out->path, body, plen);
	out->path[plen] = '\0';
	memcpy(out->func, colon + 1, flen + 1);
	snprintf(out->name, sizeof(out->name), "u:%s:%s", out->path, out->func);
	return 0;
}

int event_spec__parse(const char *s, struct event_spec *out, struct em_diag *diag)
{
	const struct sw_event *sw;
	const char *colon;
	size_t slen, elen;

	memset(out, 0, sizeof(*out));
	if (!s || !*s) {
		em_diag__set(diag, NULL, 0, "empty event name; " LIST_HINT);
		return -EM_E_USAGE;
	}
	if (!strncmp(s, "u:", 2))
		return parse_uprobe(s, out, diag);
	colon = strchr(s, ':');
	if (!colon) {
		const char *near;

		sw = sw_lookup(s);
		if (sw) {
			out->kind = EVENT_SPEC__SOFTWARE;
			out->type = PERF_TYPE_SOFTWARE;
			out->config = sw->config;
			out->sample_period = sw->clock ? 0 : 1;
			snprintf(out->name, sizeof(out->name), "%s", sw->name);
			return 0;
		}
		near = sw_suggest(s);
		if (near)
			em_diag__set(diag, NULL, 0, "unknown event '%.200s'; did you mean '%s'? " LIST_HINT, s, near);
		else
			em_diag__set(diag, NULL, 0, "unknown event '%.200s': expected a software event, "
				     "SYSTEM:TRACEPOINT or u:PATH:FUNCTION; " LIST_HINT, s);
		return -EM_E_USAGE;
	}
	slen = (size_t)(colon - s);
	elen = strlen(colon + 1);
	{
		char sys[TRACEFS_NAME_MAX];

		if (slen < sizeof(sys)) {
			memcpy(sys, s, slen);
			sys[slen] = '\0';
			if (sw_lookup(sys)) {
				em_diag__set(diag, NULL, 0, "event '%.200s': modifiers such as ':u' or ':k' "
					     "are not supported; use '%s'", s, sys);
				return -EM_E_USAGE;
			}
		}
	}
	if (!ident_chars(s, slen, "-.") || !ident_chars(colon + 1, elen, "-.") ||
	    slen >= sizeof(out->system) || elen >= sizeof(out->event)) {
		em_diag__set(diag, NULL, 0, "'%.200s' is not a tracepoint name: expected SYSTEM:EVENT "
			     "(letters, digits, '_'), e.g. sched:sched_switch; " LIST_HINT, s);
		return -EM_E_USAGE;
	}
	out->kind = EVENT_SPEC__TRACEPOINT;
	out->type = PERF_TYPE_TRACEPOINT;
	out->sample_period = 1;
	memcpy(out->system, s, slen);
	out->system[slen] = '\0';
	memcpy(out->event, colon + 1, elen + 1);
	snprintf(out->name, sizeof(out->name), "%s:%s", out->system, out->event);
	return 0;
}

int event_spec__resolve(struct event_spec *e, const struct tracefs *t, struct em_diag *diag)
{
	u32 id;
	int err;

	if (e->kind != EVENT_SPEC__TRACEPOINT)
		return 0;
	err = tracefs__event_id(t, e->system, e->event, &id, diag);
	if (err == -ENOENT)
		em_diag__set(diag, NULL, 0, "no tracepoint '%s' on this machine (%s/events/%s/%s is "
			     "missing); " LIST_HINT, e->name, t->root, e->system, e->event);
	if (err)
		return err;
	e->config = id;
	return 0;
}

void event_spec__attr(const struct event_spec *e, unsigned freq, struct perf_event_attr *attr)
{
	attr->type = e->type;
	attr->config = e->config;
	if (e->sample_period) {
		attr->freq = 0;
		attr->sample_period = e->sample_period;
	} else {
		attr->freq = 1;
		attr->sample_freq = freq ? freq : 99;
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the subdirectories of @path (caller frees each and the array). */
static size_t list_dirs(const char *path, char ***out)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((de = readdir(d)) && n < 100000) {
		char sub[PATH_MAX];
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >= sizeof(sub) ||
		    stat(sub, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (n == cap)
			XGROW(v, cap, n + 1);
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static void free_names(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void list_tracepoints(FILE *out, const struct tracefs *t, const char *why)
{
	char events[PATH_MAX];
	char **sys = NULL;
	size_t nsys = 0, i, total = 0;

	if (t && !tracefs__path(t, "events", events, sizeof(events)))
		nsys = list_dirs(events, &sys);
	if (!nsys) {
		fprintf(out, "\ntracepoints: cannot list them (%s)\n",
			why ? why : t ? "tracefs has no events directory" : "tracefs not found");
		free_names(sys, nsys);
		return;
	}
	fprintf(out, "\ntracepoints (SYSTEM:EVENT, from %s):\n", events);
	for (i = 0; i < nsys; i++) {
		char dir[PATH_MAX];
		char **ev;
		size_t nev, j, col;

		if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", events, sys[i]) >= sizeof(dir))
			continue;
		nev = list_dirs(dir, &ev);
		if (!nev)
			continue;
		fprintf(out, "  %s (%zu):\n   ", sys[i], nev);
		for (j = 0, col = 3; j < nev; j++) {
			size_t w = strlen(sys[i]) + 1 + strlen(ev[j]) + 1;

			if (col + w > 100 && col > 3) {
				fputs("\n   ", out);
				col = 3;
			}
			fprintf(out, " %s:%s", sys[i], ev[j]);
			col += w;
		}
		fputc('\n', out);
		total += nev;
		free_names(ev, nev);
	}
	fprintf(out, "  %zu tracepoints in %zu systems\n", total, nsys);
	free_names(sys, nsys);
}

int event_list__write(FILE *out, const struct tracefs *t, const char *why_no_tracefs)
{
	size_t i;

	fputs("software events:\n", out);
	for (i = 0; i < ARRAY_SIZE(sw_events); i++) {
		char names[64];

		snprintf(names, sizeof(names), "%s%s%s", sw_events[i].name, sw_events[i].alias ? ", " : "",
			 sw_events[i].alias ? sw_events[i].alias : "");
		fprintf(out, "  %-28s %s\n", names, sw_events[i].help);
	}
	list_tracepoints(out, t, why_no_tracefs);
	fputs("\nuser probes:\n"
	      "  u:PATH:FUNCTION              every call of FUNCTION in the ELF file PATH\n"
	      "                               (e.g. u:/usr/bin/bash:readline; needs root)\n", out);
	fflush(out);
	return ferror(out) ? -EIO : 0;
}
