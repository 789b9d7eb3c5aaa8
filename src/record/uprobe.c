/*
 * uprobe.c - creating and removing user probes through tracefs
 * uprobe_events ("p:GROUP/EVENT PATH:0xOFFSET" and "-:GROUP/EVENT"), with
 * the offset from symbols/elf_object (read-only use of its symbol table).
 */
#include "record/uprobe.h"
#include "symbols/elf_object.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define GROUP_PREFIX "ember_"

int uprobe__offset(const char *path, const char *func, u64 *offset, struct em_diag *diag)
{
	struct elf_object *o;
	const struct elf_symbol *sym = NULL;
	size_t i, l;
	int err = elf_object__open(path, NULL, &o);

	if (err) {
		em_diag__set(diag, NULL, 0, "cannot open '%s' to find '%s': %s", path, func,
			     em_strerror(err));
		return err;
	}
	(void)elf_object__lookup(o, 0);	/* loads the symbol table */
	for (i = 0; i < o->nsyms && !sym; i++)
		if (!strcmp(o->names + o->syms[i].name, func))
			sym = &o->syms[i];
	if (!sym) {
		em_diag__set(diag, NULL, 0, "no function '%s' in '%s' (%zu functions in its symbol "
			     "tables)", func, path, o->nsyms);
		elf_object__free(o);
		return -ENOENT;
	}
	for (l = 0; l < o->nloads; l++) {
		const struct elf_load *ld = &o->loads[l];

		if (sym->addr >= ld->vaddr && sym->addr - ld->vaddr < ld->filesz) {
			*offset = sym->addr - ld->vaddr + ld->offset;
			elf_object__free(o);
			return 0;
		}
	}
	em_diag__set(diag, NULL, 0, "function '%s' of '%s' (0x%llx) is in no loaded segment", func,
		     path, (unsigned long long)sym->addr);
	elf_object__free(o);
	return -EM_E_BAD_INPUT;
}

/* @name (no '/') in a directory of $PATH, as execvp would find it. */
static bool search_path(const char *name, char *out, size_t size)
{
	const char *p = getenv("PATH");

	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (*p) {
		const char *e = strchr(p, ':');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n && (size_t)snprintf(out, size, "%.*s/%s", (int)n, p, name) < size &&
		    !access(out, X_OK))
			return true;
		p += n + (e != NULL);
	}
	return false;
}

/* Append @line to uprobe_events. Returns 0 or -errno. */
static int write_events(const struct tracefs *t, const char *line)
{
	char path[PATH_MAX];
	size_t len = strlen(line);
	ssize_t n;
	int fd, err = 0;

	if (tracefs__path(t, "uprobe_events", path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, line, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

/* "ember_PID/EVENT" event directory's id, as events/GROUP/EVENT/id. */
static int read_id(struct uprobe *u, struct em_diag *diag)
{
	return tracefs__event_id(&u->tfs, u->group, u->event, &u->id, diag);
}

int uprobe__create(struct uprobe *u, const struct tracefs *t, const char *path, const char *func,
		   struct em_diag *diag)
{
	char found[PATH_MAX], line[PATH_MAX + 256];
	size_t i, n;
	int err, attempt;

	memset(u, 0, sizeof(*u));
	u->tfs = *t;
	if (!strchr(path, '/') && search_path(path, found, sizeof(found)))
		path = found;
	if (!realpath(path, u->path)) {
		err = -errno;
		em_diag__set(diag, NULL, 0, "cannot probe '%s': %s", path, strerror(errno));
		return err;
	}
	err = uprobe__offset(u->path, func, &u->offset, diag);
	if (err)
		return err;
	(void)uprobe__remove_stale(t);
	snprintf(u->group, sizeof(u->group), GROUP_PREFIX "%d", (int)getpid());
	for (attempt = 1; attempt <= 16; attempt++) {
		n = (size_t)snprintf(u->event, sizeof(u->event), attempt == 1 ? "%.48s" : "%.48s_%d",
				     func, attempt);
		for (i = 0; i < n && i < sizeof(u->event); i++)
			if (!isalnum((unsigned char)u->event[i]) && u->event[i] != '_')
				u->event[i] = '_';
		snprintf(line, sizeof(line), "p:%s/%s %s:0x%llx\n", u->group, u->event, u->path,
			 (unsigned long long)u->offset);
		err = write_events(t, line);
		if (err != -EEXIST && err != -EBUSY)
			break;
	}
	if (err) {
		em_diag__set(diag, NULL, 0, "cannot create a uprobe on '%s' in '%s' through %s/uprobe_events: %s%s",
			     func, u->path, t->root, strerror(-err),
			     err == -ENOENT ? " (this kernel has no CONFIG_UPROBE_EVENTS)" :
			     err == -EACCES || err == -EPERM ? " (needs root)" : "");
		return err;
	}
	u->created = true;
	err = read_id(u, diag);
	if (err) {
		uprobe__remove(u);
		return err;
	}
	return 0;
}

int uprobe__remove(struct uprobe *u)
{
	char line[256];
	int err;

	if (!u->created)
		return 0;
	snprintf(line, sizeof(line), "-:%s/%s\n", u->group, u->event);
	err = write_events(&u->tfs, line);
	if (!err || err == -ENOENT)
		u->created = false;
	return err == -ENOENT ? 0 : err;
}

int uprobe__remove_stale(const struct tracefs *t)
{
	char path[PATH_MAX], *buf, *p, *nl;
	size_t len;
	int removed = 0;

	if (tracefs__path(t, "uprobe_events", path, sizeof(path)) || tracefs__read_file(path, &buf, &len))
		return 0;
	/* lines: "p:ember_123/func /path:0x..." */
	for (p = buf; *p; p = nl ? nl + 1 : p + strlen(p)) {
		char group[64], event[64], cmd[160];
		int pid;

		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (sscanf(p, "%*c:" GROUP_PREFIX "%d/%63s", &pid, event) != 2 || pid <= 0)
			continue;
		if (pid == getpid() || !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(group, sizeof(group), GROUP_PREFIX "%d", pid);
		snprintf(cmd, sizeof(cmd), "-:%s/%s\n", group, event);
		removed += !write_events(t, cmd);
	}
	free(buf);
	return removed;
}
