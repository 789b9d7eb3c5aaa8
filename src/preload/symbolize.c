/*
 * symbolize.c - pc → function name at profile-write time, inside the
 * profiled process: the loaded objects come from dl_iterate_phdr (which also
 * gives build-ids and the pprof mappings) and names from each file's ELF
 * .symtab, or .dynsym when stripped. Hand-written and small because it runs
 * in someone else's process (no libelf dependency); src/symbols is the
 * offline symbolizer. Never used from the signal handler.
 */
#include "preload/preload.h"
#include "preload/symbolize.h"
#include "base/xalloc.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static void module_build_id(struct sym_module *m, const struct dl_phdr_info *info, const ElfW(Phdr) *ph)
{
	const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;

	while (p + sizeof(ElfW(Nhdr)) <= end) {
		const ElfW(Nhdr) *n = (const ElfW(Nhdr) *)p;
		const u8 *desc = (const u8 *)p + sizeof(*n) + ((n->n_namesz + 3) & ~3u);
		size_t i;

		if ((const char *)desc + n->n_descsz > end)
			return;
		if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && !memcmp(n + 1, "GNU", 4)) {
			for (i = 0; i < n->n_descsz && i < 20; i++)
				snprintf(m->build_id + 2 * i, 3, "%02x", desc[i]);
			return;
		}
		p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
	}
}

static int add_module(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct symbolizer *s = arg;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		struct sym_module *m;
		int j;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		XGROW(s->mods, s->cap, s->n + 1);
		m = &s->mods[s->n++];
		memset(m, 0, sizeof(*m));
		m->bias = info->dlpi_addr;
		m->lo = info->dlpi_addr + ph->p_vaddr;
		m->hi = m->lo + ph->p_memsz;
		m->file_off = ph->p_offset;
		if (info->dlpi_name && info->dlpi_name[0]) {
			m->path = xstrdup(info->dlpi_name);
		} else if (s->n == 1) {
			char buf[4096];
			ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

			buf[n > 0 ? n : 0] = 0;
			m->path = xstrdup(buf);
		} else {
			m->path = xstrdup("[unknown]");
		}
		for (j = 0; j < info->dlpi_phnum; j++)
			if (info->dlpi_phdr[j].p_type == PT_NOTE)
				module_build_id(m, info, &info->dlpi_phdr[j]);
	}
	return 0;
}

void symbolizer__init(struct symbolizer *s)
{
	memset(s, 0, sizeof(*s));
	preload_loader_enter();
	dl_iterate_phdr(add_module, s);
	preload_loader_leave();
}

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Read the function symbols of @m's file (once). Failures leave it without symbols. */
static void module_load(struct sym_module *m)
{
	const ElfW(Ehdr) *eh;
	const ElfW(Shdr) *sh;
	const u8 *base;
	struct stat st;
	size_t i, pick = 0;
	int fd;

	m->loaded = true;
	fd = open(m->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) || st.st_size < (off_t)sizeof(*eh)) {
		close(fd);
		return;
	}
	base = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (base == MAP_FAILED)
		return;
	m->map = (void *)base;
	m->maplen = st.st_size;
	eh = (const ElfW(Ehdr) *)base;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_shentsize != sizeof(*sh) || eh->e_shoff > m->maplen ||
	    (m->maplen - eh->e_shoff) / sizeof(*sh) < eh->e_shnum)
		return;
	sh = (const ElfW(Shdr) *)(base + eh->e_shoff);
	for (i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_SYMTAB || (sh[i].sh_type == SHT_DYNSYM && !pick))
			pick = i;
	if (!pick || sh[pick].sh_link >= eh->e_shnum)
		return;
	{
		const ElfW(Shdr) *ss = &sh[pick], *strs = &sh[ss->sh_link];
		const ElfW(Sym) *syms;
		size_t n;

		if (ss->sh_offset > m->maplen || ss->sh_size > m->maplen - ss->sh_offset ||
		    strs->sh_offset > m->maplen || strs->sh_size > m->maplen - strs->sh_offset ||
		    ss->sh_entsize != sizeof(*syms))
			return;
		syms = (const ElfW(Sym) *)(base + ss->sh_offset);
		n = ss->sh_size / sizeof(*syms);
		m->syms = xcalloc(n ? n : 1, sizeof(*m->syms));
		for (i = 0; i < n; i++) {
			unsigned type = ELF64_ST_TYPE(syms[i].st_info);

			if ((type != STT_FUNC && type != STT_GNU_IFUNC) || !syms[i].st_value ||
			    syms[i].st_shndx == SHN_UNDEF || syms[i].st_name >= strs->sh_size)
				continue;
			/* names must end inside the string table */
			if (!memchr(base + strs->sh_offset + syms[i].st_name, 0,
				    strs->sh_size - syms[i].st_name))
				continue;
			m->syms[m->nsyms].addr = syms[i].st_value;
			m->syms[m->nsyms].size = syms[i].st_size;
			m->syms[m->nsyms].name = (const char *)base + strs->sh_offset + syms[i].st_name;
			m->nsyms++;
		}
		qsort(m->syms, m->nsyms, sizeof(*m->syms), sym_cmp);
	}
}

int symbolizer__module(const struct symbolizer *s, u64 pc)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (pc >= s->mods[i].lo && pc < s->mods[i].hi)
			return i;
	return -1;
}

const char *symbolizer__lookup(struct symbolizer *s, u64 pc, int *module, char *buf, size_t bufsz)
{
	int mi = symbolizer__module(s, pc);
	struct sym_module *m;
	size_t lo = 0, hi;
	u64 va;

	*module = mi;
	if (mi < 0) {
		snprintf(buf, bufsz, "0x%llx", (unsigned long long)pc);
		return buf;
	}
	m = &s->mods[mi];
	if (!m->loaded)
		module_load(m);
	va = pc - m->bias;
	hi = m->nsyms;
	while (lo < hi) {	/* last symbol with addr <= va */
		size_t mid = lo + (hi - lo) / 2;

		if (m->syms[mid].addr <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && (!m->syms[lo - 1].size || va < m->syms[lo - 1].addr + m->syms[lo - 1].size))
		return m->syms[lo - 1].name;
	{
		const char *slash = strrchr(m->path, '/');

		snprintf(buf, bufsz, "[%s+0x%llx]", slash ? slash + 1 : m->path,
			 (unsigned long long)(pc - m->lo + m->file_off));
	}
	return buf;
}

void symbolizer__release(struct symbolizer *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->mods[i].path);
		free(s->mods[i].syms);
		if (s->mods[i].map)
			munmap(s->mods[i].map, s->mods[i].maplen);
	}
	free(s->mods);
	memset(s, 0, sizeof(*s));
}
