/*
 * tracefs.h - the kernel's tracing filesystem as ember's recorder uses it:
 * where it is (mounted on demand when root), small files read with a cap,
 * and an event's id and `format` file parsed into a field table. Owns no
 * probes (uprobe.c creates and removes those) and opens no perf events.
 */
#ifndef EMBER_TRACEFS_H
#define EMBER_TRACEFS_H

#include <limits.h>
#include "base/compiler.h"
#include "base/err.h"

#define TRACEFS_FILE_MAX (1u << 20)	/* a format file is a few KiB; refuse anything bigger */
#define TRACEFS_MAX_FIELDS 512
#define TRACEFS_NAME_MAX 128

struct tracefs {
	char root[PATH_MAX];	/* e.g. "/sys/kernel/tracing" (no trailing '/') */
};

/* One "field:TYPE NAME;	offset:N;	size:N;	signed:N;" line. */
struct tracefs_field {
	char name[TRACEFS_NAME_MAX];	/* "prev_comm" (array suffix and __data_loc stripped) */
	char type[TRACEFS_NAME_MAX];	/* "char[16]", "pid_t", "__data_loc char[]" */
	u32 offset, size;		/* bytes into the raw record */
	bool is_signed;
	bool common;			/* common_* header field */
	bool data_loc;			/* __data_loc: a u32 (len << 16 | offset) to the data */
	u32 array_len;			/* N of "name[N]"; 0 = not a fixed array */
};

struct tracefs_format {
	char name[TRACEFS_NAME_MAX];	/* from "name: ..." */
	u32 id;				/* from "ID: ..."; 0 = none given */
	struct tracefs_field *fields;	/* owned, file order */
	size_t nfields, cap;
};

/*
 * Find tracefs: /sys/kernel/tracing, else /sys/kernel/debug/tracing. When
 * neither is mounted and @may_mount (the caller is root), mount tracefs on
 * /sys/kernel/tracing (or debugfs on /sys/kernel/debug). Returns 0 with
 * @t->root set, or -ENOENT / -EACCES / -errno with @diag saying what to do.
 */
int tracefs__find(struct tracefs *t, bool may_mount, struct em_diag *diag) __must_check;

/* Use @root as the tracefs directory (tests point this at a fixture tree). */
void tracefs__set_root(struct tracefs *t, const char *root);

/*
 * "@root/@rel" into @out (@size bytes). Returns 0, or -ENAMETOOLONG.
 */
int tracefs__path(const struct tracefs *t, const char *rel, char *out, size_t size) __must_check;

/*
 * Read the whole file @path (at most TRACEFS_FILE_MAX bytes) into a
 * NUL-terminated malloc'd buffer (*@buf, caller frees; *@len its length).
 * Returns 0, -errno, or -EM_E_TOO_BIG.
 */
int tracefs__read_file(const char *path, char **buf, size_t *len) __must_check;

/*
 * The id of tracepoint @system:@event (events/SYSTEM/EVENT/id). Returns 0 with
 * *@id set; -ENOENT when there is no such event (@diag names the file),
 * -EM_E_BAD_INPUT when the id file does not hold a number, or -errno.
 */
int tracefs__event_id(const struct tracefs *t, const char *system, const char *event, u32 *id,
		      struct em_diag *diag) __must_check;

/*
 * Parse the text of a `format` file (@len bytes at @text, need not be
 * NUL-terminated) into @f, which must be initialised (zeroed). @path names
 * the input in errors. Returns 0, or -EM_E_BAD_INPUT with @diag giving the
 * line and the problem (a field line that does not parse, a field past
 * 64 KiB, too many fields, no "format:" section), or -EM_E_TOO_BIG.
 */
int tracefs_format__parse(struct tracefs_format *f, const char *text, size_t len, const char *path,
			  struct em_diag *diag) __must_check;

/* Read and parse events/@system/@event/format. Errors as above, or -errno. */
int tracefs__read_format(const struct tracefs *t, const char *system, const char *event,
			 struct tracefs_format *f, struct em_diag *diag) __must_check;

/* The field named @name, or NULL. */
const struct tracefs_field *tracefs_format__field(const struct tracefs_format *f, const char *name);

/*
 * Read field @f of the raw record @raw (@len bytes) as an integer of its
 * size (1, 2, 4 or 8 bytes; sign-extended when signed). Returns false when
 * the field lies outside the record or has another size.
 */
bool tracefs_field__u64(const struct tracefs_field *f, const void *raw, size_t len, u64 *out);

/* Free the field table; @f can be parsed into again. */
void tracefs_format__release(struct tracefs_format *f);

#endif
