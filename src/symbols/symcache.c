/*
 * symcache.c - the per-recording object cache: ELF files by build-id, the
 * vDSO image (ours: the kernel maps the same one into every process) and
 * /proc/kallsyms.
 */
#include "symbols/symcache.h"
#include "symbols/maps.h"
#include "base/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>

void symcache__init(struct symcache *c)
{
	memset(c, 0, sizeof(*c));
	strtab__init(&c->paths);
	strtab__init(&c->keys);
	kallsyms__init(&c->kernel);
}

/*
 * The background load: shared by the loader thread and the cache, freed by
 * whichever lets go last, so a short recording can end (and free its cache)
 * without waiting for /proc/kallsyms.
 */
struct kernel_load {
	struct kallsyms k;
	int state;		/* as symcache.kernel_state */
	int refs;		/* atomic */
};

static void kernel_load__put(struct kernel_load *kl)
{
	if (__atomic_sub_fetch(&kl->refs, 1, __ATOMIC_ACQ_REL) == 0) {
		kallsyms__release(&kl->k);
		free(kl);
	}
}

static void *load_kernel(void *arg)
{
	struct kernel_load *kl = arg;
	kl->state = kallsyms__load(&kl->k, "/proc/kallsyms") ? -1 : 1;
	kernel_load__put(kl);
	return NULL;
}

void symcache__prefetch_kernel(struct symcache *c)
{
	struct kernel_load *kl;

	if (c->kernel_state || c->kernel_load)
		return;
	kl = xcalloc(1, sizeof(*kl));
	kallsyms__init(&kl->k);
	kl->refs = 2;
	if (pthread_create(&c->kernel_loader, NULL, load_kernel, kl)) {
		kallsyms__release(&kl->k);
		free(kl);
		return;
	}
	c->kernel_load = kl;
}

void symcache__release(struct symcache *c)
{
	size_t i;

	if (c->kernel_load) {	/* never waited for: let the thread finish alone */
		pthread_detach(c->kernel_loader);
		kernel_load__put(c->kernel_load);
	}

	for (i = 0; i < strtab__count(&c->keys) && i < c->cap; i++)
		elf_object__free(c->objs[i]);
	free(c->objs);
	free(c->tried);
	elf_object__free(c->vdso);
	strtab__release(&c->paths);
	strtab__release(&c->keys);
	kallsyms__release(&c->kernel);
	memset(c, 0, sizeof(*c));
}

u32 symcache__path(struct symcache *c, const char *path, size_t len)
{
	return strtab__intern(&c->paths, path, len);
}

static struct elf_object *vdso_object(struct symcache *c)
{
	const void *image = (const void *)getauxval(AT_SYSINFO_EHDR);
	FILE *f;
	char line[512];
	unsigned long long start, end;

	if (c->vdso_tried)
		return c->vdso;
	c->vdso_tried = true;
	if (!image || !(f = fopen("/proc/self/maps", "r")))
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, "[vdso]") || sscanf(line, "%llx-%llx", &start, &end) != 2)
			continue;
		if ((uintptr_t)image == start && elf_object__open_memory(image, end - start, "[vdso]", &c->vdso))
			c->vdso = NULL;
		break;
	}
	fclose(f);
	return c->vdso;
}

static bool same_build_id(const struct elf_object *o, const u8 *bid, size_t len)
{
	return !len || (o->build_id_len == len && !memcmp(o->build_id, bid, len));
}

/* Whether process @pid sees another root directory than we do (a container). */
static bool other_root(int pid)
{
	char root[64];
	struct stat a, b;

	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	return !stat(root, &a) && !stat("/", &b) && (a.st_dev != b.st_dev || a.st_ino != b.st_ino);
}

static struct elf_object *open_for(struct symcache *c, const char *path, const struct map *m, int pid)
{
	struct elf_object *best = NULL, *o;
	char cand[3][4160];
	int n = 0, i;

	if (pid > 0 && other_root(pid))
		snprintf(cand[n++], sizeof(cand[0]), "/proc/%d/root%s", pid, path);
	snprintf(cand[n++], sizeof(cand[0]), "%s", path);
	if (pid > 0) {
		if (n == 1)
			snprintf(cand[n++], sizeof(cand[0]), "/proc/%d/root%s", pid, path);
		snprintf(cand[n++], sizeof(cand[0]), "/proc/%d/map_files/%llx-%llx", pid,
			 (unsigned long long)m->start, (unsigned long long)m->end);
	}
	for (i = 0; i < n; i++) {
		if (elf_object__open(cand[i], NULL, &o))
			continue;
		if (same_build_id(o, m->build_id, m->build_id_len)) {
			elf_object__free(best);
			return o;
		}
		if (!best)
			best = o;	/* another build-id: better than nothing, if nothing matches */
		else
			elf_object__free(o);
	}
	if (best)
		c->build_id_mismatches++;
	return best;
}

struct elf_object *symcache__object(struct symcache *c, const struct map *m, int pid)
{
	const u8 *bid = m->build_id;
	size_t plen, klen, bid_len = m->build_id_len;
	u32 path = m->path;
	const char *p = strtab__get(&c->paths, path, &plen);
	char key[4200], hex[41], file[4096];
	u32 id;

	if (!path || !plen)
		return NULL;
	if (p[0] == '[')
		return plen == 6 && !memcmp(p, "[vdso]", 6) ? vdso_object(c) : NULL;
	if (p[0] != '/' || plen >= sizeof(file))
		return NULL;
	memcpy(file, p, plen);
	file[plen] = 0;
	if (plen > 10 && !strcmp(file + plen - 10, " (deleted)"))
		file[plen - 10] = 0;
	if (bid_len) {
		elf_object__build_id_hex(bid, bid_len, hex);
		klen = (size_t)snprintf(key, sizeof(key), "b:%s", hex);
	} else {
		klen = (size_t)snprintf(key, sizeof(key), "p:%s", file);
	}
	id = strtab__intern(&c->keys, key, klen < sizeof(key) ? klen : sizeof(key) - 1);
	if (id >= c->cap) {
		size_t old = c->cap;

		XGROW(c->objs, c->cap, (size_t)id + 1);
		c->tried = xrealloc(c->tried, c->cap);
		memset(c->objs + old, 0, (c->cap - old) * sizeof(*c->objs));
		memset(c->tried + old, 0, c->cap - old);
	}
	if (!c->tried[id]) {
		c->tried[id] = 1;
		c->objs[id] = open_for(c, file, m, pid);
	}
	return c->objs[id];
}

const struct kallsyms *symcache__kernel(struct symcache *c)
{
	if (c->kernel_load) {
		pthread_join(c->kernel_loader, NULL);
		c->kernel = c->kernel_load->k;	/* take the tables over */
		c->kernel_state = c->kernel_load->state;
		kallsyms__init(&c->kernel_load->k);
		kernel_load__put(c->kernel_load);
		c->kernel_load = NULL;
	}
	if (!c->kernel_state)
		c->kernel_state = kallsyms__load(&c->kernel, "/proc/kallsyms") ? -1 : 1;
	return c->kernel_state > 0 ? &c->kernel : NULL;
}
