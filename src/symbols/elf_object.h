/*
 * elf_object.h - one ELF file as the symbolizer and unwinder see it: its
 * loadable segments (file offset → ELF address), build-id, function symbols
 * from .symtab/.dynsym (of the file or its separate debug file, found by
 * build-id or .gnu_debuglink), and the unwinder's CFI handle. Read with
 * libelf. Opened once per build-id by symcache.c, which owns every object.
 */
#ifndef EMBER_ELF_OBJECT_H
#define EMBER_ELF_OBJECT_H

#include "base/compiler.h"
#include "base/err.h"

#define ELF_OBJECT_MAX_LOADS 16

struct elf_symbol {
	u64 addr, size;		/* ELF (file) addresses */
	u32 name;		/* offset into names */
};

struct elf_load {
	u64 offset, vaddr, filesz;
};

struct elf_object {
	char *path;		/* as opened */
	char *debug_root;	/* prefix of /usr/lib/debug; NULL = none (the real one) */
	const char *base;	/* basename of path */
	u8 build_id[20];
	u8 build_id_len;
	int fd, dbg_fd;
	void *elf, *dbg_elf;	/* Elf *; dbg_elf is the separate debug file or NULL */
	u64 entry;		/* e_entry: where the kernel starts a program; 0 = none */
	struct elf_load loads[ELF_OBJECT_MAX_LOADS];
	unsigned nloads;
	bool syms_loaded;
	struct elf_symbol *syms;	/* sorted by addr */
	size_t nsyms;
	char *names;
	size_t names_len, names_cap;
	bool cfi_loaded;
	struct unwind_cfi *cfi;	/* NULL = none */
};

/*
 * Open @path (@debug_root: a directory prefixed to /usr/lib/debug when looking
 * for its debug file, NULL = none; used by
 * tests). Reads the program headers and build-id; symbols are read on first
 * lookup. Returns 0 with *@out owned by the caller, or -errno / -EM_E_BAD_INPUT.
 */
int elf_object__open(const char *path, const char *debug_root, struct elf_object **out) __must_check;

/* Same for an ELF image already in memory (the vDSO); @image must outlive the object. */
int elf_object__open_memory(const void *image, size_t len, const char *name,
			    struct elf_object **out) __must_check;
void elf_object__free(struct elf_object *o);

/* The PT_LOAD that maps file offset @off, or NULL. */
const struct elf_load *elf_object__load_at(const struct elf_object *o, u64 off);

/* ELF address of file offset @off, via the PT_LOAD that maps it; false when none does. */
bool elf_object__file_to_vaddr(const struct elf_object *o, u64 off, u64 *vaddr);

/*
 * The function symbol whose [addr, addr + size) covers @vaddr, or NULL -
 * never the nearest preceding symbol. The name is o->names + sym->name.
 */
const struct elf_symbol *elf_object__lookup(struct elf_object *o, u64 vaddr);

/* The CFI handle for the unwinder (loaded on first call); NULL when none. */
struct unwind_cfi *elf_object__cfi(struct elf_object *o);

/* Build-id as lower-case hex into @out (at least 41 bytes). */
void elf_object__build_id_hex(const u8 *id, size_t len, char *out);

#endif
