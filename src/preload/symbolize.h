/*
 * symbolize.h - in-process symbolization for libember.so: the executable
 * segments of every loaded object (with build-ids, for pprof mappings) and
 * their ELF function symbols, read lazily at profile-write time.
 */
#ifndef EMBER_PRELOAD_SYMBOLIZE_H
#define EMBER_PRELOAD_SYMBOLIZE_H

#include "base/compiler.h"

struct sym {
	u64 addr, size;		/* link-time address */
	const char *name;	/* points into the module's mapped file */
};

struct sym_module {
	u64 bias;		/* load bias: runtime address - link-time address */
	u64 lo, hi;		/* executable segment, runtime addresses */
	u64 file_off;		/* file offset of lo */
	char *path;		/* owned */
	char build_id[41];	/* hex, "" when none */
	struct sym *syms;	/* sorted by addr; owned */
	size_t nsyms;
	void *map;		/* the file, mmap'd read-only */
	size_t maplen;
	bool loaded;
};

struct symbolizer {
	struct sym_module *mods;
	size_t n, cap;
};

/* Snapshot the loaded objects (dl_iterate_phdr). Symbols load on first lookup. */
void symbolizer__init(struct symbolizer *s);
void symbolizer__release(struct symbolizer *s);

/* Index of the module whose executable segment holds @pc, or -1. */
int symbolizer__module(const struct symbolizer *s, u64 pc);

/*
 * Name of the function at @pc: a symbol name (valid until release), or
 * "[file+0xOFF]" / "0xADDR" formatted into @buf. *@module gets the module
 * index or -1.
 */
const char *symbolizer__lookup(struct symbolizer *s, u64 pc, int *module, char *buf, size_t bufsz);

#endif
