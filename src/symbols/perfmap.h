/*
 * perfmap.h - JIT symbols from /tmp/perf-PID.map ("START SIZE name", hex),
 * the convention of perf, V8 (--perf-basic-prof), the JVM agents and
 * CPython 3.12's perf trampolines. The file is re-read when it has grown.
 */
#ifndef EMBER_PERFMAP_H
#define EMBER_PERFMAP_H

#include "base/compiler.h"
#include "base/err.h"

struct perfmap_entry {
	u64 start, size;
	u32 name;		/* offset into names */
};

struct perfmap {
	struct perfmap_entry *v;	/* sorted by start */
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	long long loaded_size;	/* file size when last read; -1 = never read */
};

void perfmap__init(struct perfmap *m);
void perfmap__release(struct perfmap *m);

/* Parse perf-map text into @m (replacing its contents). Bad lines count in *@bad. */
void perfmap__parse(struct perfmap *m, const char *text, size_t len, u64 *bad);

/* (Re)read @path if its size changed since the last read. Returns 0 or -errno. */
int perfmap__refresh(struct perfmap *m, const char *path) __must_check;

/* The entry covering @addr, or NULL. Its name is m->names + e->name. */
const struct perfmap_entry *perfmap__lookup(const struct perfmap *m, u64 addr);

#endif
