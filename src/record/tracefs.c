/*
 * tracefs.c - finding (and if need be mounting) tracefs, reading its small
 * files with a size cap, and the `format` file parser. The parser is strict
 * about the header and field lines (they decide how a raw record is read)
 * and ignores everything from "print fmt:" on.
 */
#include "record/tracefs.h"
#include "base/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIELD_LINE_MAX 1024
#define RECORD_MAX 65536u	/* a raw tracepoint record is smaller than a perf sample */

static const char *const roots[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

void tracefs__set_root(struct tracefs *t, const char *root)
{
	snprintf(t->root, sizeof(t->root), "%s", root);
}

/* A mounted tracefs has an events/ directory. */
static bool has_events(const char *root)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/events", root);
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

int tracefs__find(struct tracefs *t, bool may_mount, struct em_diag *diag)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(roots); i++)
		if (has_events(roots[i])) {
			tracefs__set_root(t, roots[i]);
			return 0;
		}
	if (!may_mount) {
		em_diag__set(diag, NULL, 0, "tracefs is not mounted and only root can mount it: "
			     "run as root, or 'mount -t tracefs nodev /sys/kernel/tracing'");
		return -EACCES;
	}
	if (!mount("nodev", roots[0], "tracefs", 0, NULL) && has_events(roots[0])) {
		tracefs__set_root(t, roots[0]);
		return 0;
	}
	/* older kernels: tracefs appears under debugfs */
	if ((!mount("nodev", "/sys/kernel/debug", "debugfs", 0, NULL) || errno == EBUSY) &&
	    has_events(roots[1])) {
		tracefs__set_root(t, roots[1]);
		return 0;
	}
	em_diag__set(diag, NULL, 0, "cannot find or mount tracefs (tried %s and %s): this kernel "
		     "may lack CONFIG_TRACING", roots[0], roots[1]);
	return -ENOENT;
}

int tracefs__path(const struct tracefs *t, const char *rel, char *out, size_t size)
{
	int n = snprintf(out, size, "%s/%s", t->root, rel);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int tracefs__read_file(const char *path, char **buf, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *b;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	b = xmalloc(cap);
	for (;;) {
		ssize_t r;

		if (n + 1 >= cap) {
			if (cap > TRACEFS_FILE_MAX) {
				free(b);
				close(fd);
				return -EM_E_TOO_BIG;
			}
			XGROW(b, cap, cap * 2);
		}
		r = read(fd, b + n, cap - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int err = -errno;

			free(b);
			close(fd);
			return err;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}

static bool valid_name(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.')
			return false;
	return true;
}

/*
 * The path of events/@system/@event/@leaf in a per-thread buffer (em_diag
 * keeps a pointer to it, so it must outlive the call). Rejects names that
 * could leave events/.
 */
static int event_file(const struct tracefs *t, const char *system, const char *event,
		      const char *leaf, const char **out, struct em_diag *diag)
{
	static __thread char path[PATH_MAX];
	char rel[2 * TRACEFS_NAME_MAX + 16];

	if (!valid_name(system) || !valid_name(event) || strlen(system) >= TRACEFS_NAME_MAX ||
	    strlen(event) >= TRACEFS_NAME_MAX || !strcmp(system, "..") || !strcmp(event, "..")) {
		em_diag__set(diag, NULL, 0, "'%.64s:%.64s' is not a tracepoint name", system, event);
		return -EM_E_BAD_INPUT;
	}
	snprintf(rel, sizeof(rel), "events/%s/%s/%s", system, event, leaf);
	if (tracefs__path(t, rel, path, sizeof(path)))
		return -ENAMETOOLONG;
	*out = path;
	return 0;
}

int tracefs__event_id(const struct tracefs *t, const char *system, const char *event, u32 *id,
		      struct em_diag *diag)
{
	const char *path;
	char *buf, *end;
	size_t len;
	unsigned long v;
	int err = event_file(t, system, event, "id", &path, diag);

	if (err)
		return err;
	err = tracefs__read_file(path, &buf, &len);
	if (err) {
		em_diag__set(diag, path, 0, "cannot read the id of tracepoint %s:%s: %s", system, event,
			     em_strerror(err));
		return err;
	}
	errno = 0;
	v = strtoul(buf, &end, 10);
	while (*end == '\n' || *end == ' ')
		end++;
	if (errno || end == buf || *end || v == 0 || v > 0xffffffffUL) {
		em_diag__set(diag, path, 1, "expected a tracepoint id (a number)");
		free(buf);
		return -EM_E_BAD_INPUT;
	}
	free(buf);
	*id = (u32)v;
	return 0;
}

/* Copy [s, e) without surrounding blanks into @out (@size bytes); false when it does not fit. */
static bool copy_trimmed(char *out, size_t size, const char *s, const char *e)
{
	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if ((size_t)(e - s) >= size)
		return false;
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return true;
}

/* "offset:8;" style value after @key in @line; false when missing or not a number. */
static bool field_value(const char *line, const char *key, u64 *out)
{
	const char *p = strstr(line, key);
	char *end;

	if (!p)
		return false;
	p += strlen(key);
	if (!isdigit((unsigned char)*p))
		return false;
	errno = 0;
	*out = strtoull(p, &end, 10);
	return !errno && *end == ';';
}

/*
 * Split the declaration "char prev_comm[16]" or "__data_loc char[] name"
 * into name and type ("char[16]", "__data_loc char[]"). Returns NULL or a
 * message for the error.
 */
static const char *parse_decl(struct tracefs_field *fl, const char *decl)
{
	size_t n = strlen(decl), a, b;
	const char *name_end = decl + n, *name;

	fl->data_loc = !strncmp(decl, "__data_loc ", 11);
	fl->array_len = 0;
	if (n && decl[n - 1] == ']') {	/* "name[N]": the array is the name's */
		const char *open = memrchr(decl, '[', n);
		char *end;
		unsigned long v;

		if (!open)
			return "unbalanced ']' in the field declaration";
		if (open + 1 < decl + n - 1) {
			errno = 0;
			v = strtoul(open + 1, &end, 0);
			if (errno || end != decl + n - 1 || v > RECORD_MAX)
				return "array length is not a number";
			fl->array_len = (u32)v;
		}
		name_end = open;
	}
	name = name_end;
	while (name > decl && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
		name--;
	if (name == name_end)
		return "field declaration has no name";
	if ((size_t)(name_end - name) >= sizeof(fl->name))
		return "field name too long";
	if (name == decl || (!isspace((unsigned char)name[-1]) && name[-1] != '*'))
		return "field declaration has no type";
	memcpy(fl->name, name, (size_t)(name_end - name));
	fl->name[name_end - name] = '\0';
	/* the type: everything before the name, then the array suffix */
	a = (size_t)(name - decl);
	while (a && isspace((unsigned char)decl[a - 1]))
		a--;
	b = n - (size_t)(name_end - decl);
	if (a + b >= sizeof(fl->type))
		return "field type too long";
	memcpy(fl->type, decl, a);
	memcpy(fl->type + a, name_end, b);
	fl->type[a + b] = '\0';
	fl->common = !strncmp(fl->name, "common_", 7);
	return NULL;
}

/* One "field:..." line (NUL-terminated, leading blanks removed). */
static const char *parse_field(struct tracefs_field *fl, const char *line)
{
	char decl[FIELD_LINE_MAX];
	const char *semi = strchr(line, ';');
	u64 off, size, sign = 0;
	const char *msg;

	if (!semi)
		return "expected ';' after the field declaration";
	if (!copy_trimmed(decl, sizeof(decl), line + 6, semi) || !decl[0])
		return "empty field declaration";
	msg = parse_decl(fl, decl);
	if (msg)
		return msg;
	if (!field_value(semi, "offset:", &off))
		return "expected 'offset:N;'";
	if (!field_value(semi, "size:", &size))
		return "expected 'size:N;'";
	if (strstr(semi, "signed:") && !field_value(semi, "signed:", &sign))
		return "expected 'signed:0;' or 'signed:1;'";
	if (sign > 1)
		return "'signed:' is neither 0 nor 1";
	if (off > RECORD_MAX || size > RECORD_MAX || off + size > RECORD_MAX)
		return "field lies past the largest possible record";
	fl->offset = (u32)off;
	fl->size = (u32)size;
	fl->is_signed = sign;
	return NULL;
}

int tracefs_format__parse(struct tracefs_format *f, const char *text, size_t len, const char *path,
			  struct em_diag *diag)
{
	const char *p = text, *end = text + len;
	bool in_format = false;
	u64 lineno = 0;

	if (len > TRACEFS_FILE_MAX) {
		em_diag__set(diag, path, 0, "format file larger than %u bytes", TRACEFS_FILE_MAX);
		return -EM_E_TOO_BIG;
	}
	f->nfields = 0;
	f->name[0] = '\0';
	f->id = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *eol = nl ? nl : end;
		const char *s = p;
		char line[FIELD_LINE_MAX];
		const char *msg = NULL;

		lineno++;
		p = nl ? nl + 1 : end;
		while (s < eol && (*s == ' ' || *s == '\t'))
			s++;
		if (s == eol || (eol - s == 1 && *s == '\r'))
			continue;
		if ((size_t)(eol - s) >= 11 && !memcmp(s, "print fmt:", 10))
			break;
		if ((size_t)(eol - s) >= sizeof(line)) {
			em_diag__set(diag, path, lineno, "line longer than %zu bytes", sizeof(line) - 1);
			return -EM_E_BAD_INPUT;
		}
		if (memchr(s, '\0', (size_t)(eol - s))) {
			em_diag__set(diag, path, lineno, "NUL byte in a format file");
			return -EM_E_BAD_INPUT;
		}
		memcpy(line, s, (size_t)(eol - s));
		line[eol - s] = '\0';
		if (!strncmp(line, "name:", 5)) {
			if (!copy_trimmed(f->name, sizeof(f->name), line + 5, line + strlen(line)))
				msg = "event name too long";
		} else if (!strncmp(line, "ID:", 3)) {
			char *e;
			unsigned long v;

			errno = 0;
			v = strtoul(line + 3, &e, 10);
			while (isspace((unsigned char)*e))
				e++;
			if (errno || e == line + 3 || *e || v > 0xffffffffUL)
				msg = "expected 'ID: N'";
			else
				f->id = (u32)v;
		} else if (!strncmp(line, "format:", 7)) {
			in_format = true;
		} else if (!strncmp(line, "field:", 6)) {
			if (!in_format) {
				msg = "field line before 'format:'";
			} else if (f->nfields == TRACEFS_MAX_FIELDS) {
				msg = "too many fields";
			} else {
				if (f->nfields == f->cap)
					XGROW(f->fields, f->cap, f->nfields + 1);
				memset(&f->fields[f->nfields], 0, sizeof(f->fields[0]));
				msg = parse_field(&f->fields[f->nfields], line);
				if (!msg)
					f->nfields++;
			}
		} else {
			char q[64];

			q[0] = '\0';
			diag__quote(q, sizeof(q), line, strlen(line), 40);
			em_diag__set(diag, path, lineno, "unexpected line \"%s\"", q);
			return -EM_E_BAD_INPUT;
		}
		if (msg) {
			em_diag__set(diag, path, lineno, "%s", msg);
			return -EM_E_BAD_INPUT;
		}
	}
	if (!in_format) {
		em_diag__set(diag, path, 0, "no 'format:' section");
		return -EM_E_BAD_INPUT;
	}
	return 0;
}

int tracefs__read_format(const struct tracefs *t, const char *system, const char *event,
			 struct tracefs_format *f, struct em_diag *diag)
{
	const char *path;
	char *buf;
	size_t len;
	int err = event_file(t, system, event, "format", &path, diag);

	if (err)
		return err;
	err = tracefs__read_file(path, &buf, &len);
	if (err) {
		em_diag__set(diag, path, 0, "cannot read the format of tracepoint %s:%s: %s", system,
			     event, em_strerror(err));
		return err;
	}
	err = tracefs_format__parse(f, buf, len, path, diag);
	free(buf);
	return err;
}

const struct tracefs_field *tracefs_format__field(const struct tracefs_format *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->nfields; i++)
		if (!strcmp(f->fields[i].name, name))
			return &f->fields[i];
	return NULL;
}

bool tracefs_field__u64(const struct tracefs_field *f, const void *raw, size_t len, u64 *out)
{
	const u8 *p = (const u8 *)raw + f->offset;
	uint8_t v8;
	uint16_t v16;
	uint32_t v32;

	if (f->offset > len || f->size > len - f->offset)
		return false;
	switch (f->size) {
	case 1: memcpy(&v8, p, 1); *out = f->is_signed ? (u64)(int8_t)v8 : v8; return true;
	case 2: memcpy(&v16, p, 2); *out = f->is_signed ? (u64)(int16_t)v16 : v16; return true;
	case 4: memcpy(&v32, p, 4); *out = f->is_signed ? (u64)(int32_t)v32 : v32; return true;
	case 8: memcpy(out, p, 8); return true;
	default: return false;
	}
}

void tracefs_format__release(struct tracefs_format *f)
{
	free(f->fields);
	f->fields = NULL;
	f->nfields = f->cap = 0;
}
