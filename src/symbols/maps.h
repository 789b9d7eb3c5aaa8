/*
 * maps.h - a process's address space: sorted, non-overlapping mappings
 * built from /proc/PID/maps lines and MMAP2 records. A new mapping replaces
 * whatever it overlaps, as mmap(2) does. Mappings refer to ELF objects
 * owned by the symcache.
 */
#ifndef EMBER_MAPS_H
#define EMBER_MAPS_H

#include "base/compiler.h"
#include "base/err.h"

struct elf_object;

struct map {
	u64 start, end, pgoff;
	u32 path;		/* id in the symcache's path table; 0 = anonymous */
	u8 build_id[20];
	u8 build_id_len;
	bool exec;		/* mapped executable */
	bool resolved;		/* obj looked up (it may still be NULL) */
	struct elf_object *obj;	/* owned by the symcache */
};

struct maps {
	struct map *v;
	size_t n, cap;
};

void maps__init(struct maps *m);
void maps__release(struct maps *m);
void maps__clear(struct maps *m);

/* Insert @e, cutting or dropping the mappings it overlaps. */
void maps__insert(struct maps *m, const struct map *e);

/* The mapping containing @addr, or NULL. Valid until the next insert. */
struct map *maps__find(struct maps *m, u64 addr);

/* Replace @dst's contents with a copy of @src (fork). */
void maps__copy(struct maps *dst, const struct maps *src);

/* One parsed /proc/PID/maps line; path points into the line (not NUL-terminated). */
struct proc_maps_line {
	u64 start, end, pgoff;
	bool exec;
	const char *path;
	size_t path_len;	/* 0 = anonymous */
};

/* Parse one line (without its newline). Returns 0 or -EM_E_BAD_INPUT. */
int proc_maps__parse_line(const char *s, size_t n, struct proc_maps_line *out) __must_check;

#endif
