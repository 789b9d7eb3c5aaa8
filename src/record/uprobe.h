/*
 * uprobe.h - user probes for `ember record -e u:PATH:FUNCTION`: FUNCTION's
 * file offset in PATH from its ELF symbols (symbols/elf_object), a probe
 * created through tracefs uprobe_events in a group of this process
 * ("ember_PID/FUNCTION"), its tracepoint id for perf_event_open, and its
 * removal. Probes left behind by ember processes that died are removed too.
 */
#ifndef EMBER_UPROBE_H
#define EMBER_UPROBE_H

#include <limits.h>
#include "base/compiler.h"
#include "base/err.h"
#include "record/tracefs.h"

struct uprobe {
	struct tracefs tfs;		/* where the probe was created */
	char path[PATH_MAX];		/* the ELF file, absolute */
	char group[64];			/* "ember_PID" */
	char event[64];			/* FUNCTION, with characters tracefs refuses as '_' */
	u64 offset;			/* file offset of FUNCTION in path */
	u32 id;				/* tracepoint id: perf attr type TRACEPOINT, config id */
	bool created;			/* in uprobe_events: uprobe__remove must run */
};

/*
 * The file offset of function @func in the ELF file @path (its .symtab or
 * .dynsym, or its debug file's). Returns 0 with *@offset set; -ENOENT when
 * the file or the function does not exist, -EM_E_BAD_INPUT when @path is not
 * ELF or the symbol is not in a loaded segment; @diag says which.
 */
int uprobe__offset(const char *path, const char *func, u64 *offset, struct em_diag *diag) __must_check;

/*
 * Create a probe on @func of @path (a bare name is looked up in $PATH) in
 * tracefs @t and read its id. Returns 0 with @u filled (the caller must call
 * uprobe__remove, also on its own error paths), or a negative code with
 * @diag filled; on failure nothing is left in uprobe_events.
 */
int uprobe__create(struct uprobe *u, const struct tracefs *t, const char *path, const char *func,
		   struct em_diag *diag) __must_check;

/*
 * Remove the probe (no perf event may still be open on it: -EBUSY). Safe to
 * call on a probe never created or already removed. Returns 0 or -errno.
 */
int uprobe__remove(struct uprobe *u);

/* Remove probes of ember processes that no longer exist. Returns how many. */
int uprobe__remove_stale(const struct tracefs *t);

#endif
