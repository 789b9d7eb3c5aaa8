/*
 * symcache.h - every ELF object of one recording, opened once per build-id
 * (or per path when the build-id is unknown) and shared by all processes
 * that map it, plus the kernel's symbols and the vDSO. The cache owns the
 * objects until symcache__release(); mappings hold plain pointers.
 */
#ifndef EMBER_SYMCACHE_H
#define EMBER_SYMCACHE_H

#include <pthread.h>
#include "base/compiler.h"
#include "profile/strtab.h"
#include "symbols/elf_object.h"
#include "symbols/kallsyms.h"

struct symcache {
	struct strtab paths;		/* mapping paths; id 0 = anonymous */
	struct strtab keys;		/* "b:<build-id>" or "p:<path>" */
	struct elf_object **objs;	/* per key id */
	u8 *tried;			/* per key id: open attempted */
	size_t cap;
	struct kallsyms kernel;
	int kernel_state;		/* 0 = not loaded, 1 = loaded, -1 = unavailable */
	pthread_t kernel_loader;	/* symcache__prefetch_kernel's thread... */
	struct kernel_load *kernel_load;	/* ...and what it fills in; NULL = none running */
	struct elf_object *vdso;
	bool vdso_tried;
	u64 build_id_mismatches;	/* files whose build-id differed from the record's */
};

void symcache__init(struct symcache *c);
void symcache__release(struct symcache *c);

/* Id of the mapping path @path (@len bytes) in c->paths. */
u32 symcache__path(struct symcache *c, const char *path, size_t len);

struct map;

/*
 * The object behind mapping @m (its path id, and build-id when the MMAP2
 * record had one) in process @pid. Tried in order, keeping the first file
 * whose build-id matches: the path inside the process's root when that is
 * not ours (containers), the path, /proc/PID/root/path, and
 * /proc/PID/map_files/START-END (binaries deleted or replaced since they
 * were mapped). NULL when none opens or @m is not a file ("[heap]",
 * "//anon"); "[vdso]" gives this kernel's vDSO.
 */
struct elf_object *symcache__object(struct symcache *c, const struct map *m, int pid);

/*
 * Start reading /proc/kallsyms in a thread (it takes 50-200 ms, which the
 * record loop cannot spend without its rings filling up). The first
 * symcache__kernel() call waits for it.
 */
void symcache__prefetch_kernel(struct symcache *c);

/* Kernel symbols (loaded on first use); NULL when /proc/kallsyms is unusable. */
const struct kallsyms *symcache__kernel(struct symcache *c);

#endif
