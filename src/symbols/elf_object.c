/*
 * elf_object.c - reading ELF files with libelf: PT_LOAD segments, the
 * NT_GNU_BUILD_ID note, .symtab/.dynsym function symbols and the separate
 * debug file (/usr/lib/debug/.build-id/xx/yyyy.debug, then .gnu_debuglink
 * next to the file, in .debug/ and under /usr/lib/debug).
 */
#include "symbols/elf_object.h"
#include "symbols/sorted.h"
#include "base/instream.h"
#include "base/xalloc.h"
#include "unwind/unwind.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_SYMBOLS (16u << 20)		/* a cap against corrupt section sizes */
#define MINIDEBUG_MAX (256u << 20)	/* decompressed .gnu_debugdata */

static bool elf_ready(void)
{
	static int ok = -1;

	if (ok < 0)
		ok = elf_version(EV_CURRENT) != EV_NONE;
	return ok;
}

void elf_object__build_id_hex(const u8 *id, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len && i < 20; i++) {
		out[2 * i] = hex[id[i] >> 4];
		out[2 * i + 1] = hex[id[i] & 15];
	}
	out[2 * i] = 0;
}

static void read_build_id(Elf *elf, u8 *id, u8 *len)
{
	size_t nphdr, i;

	*len = 0;
	if (elf_getphdrnum(elf, &nphdr))
		return;
	for (i = 0; i < nphdr; i++) {
		GElf_Phdr ph;
		Elf_Data *d;
		size_t off = 0, name_off, desc_off;
		GElf_Nhdr nh;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_NOTE)
			continue;
		d = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
		if (!d)
			continue;
		while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)d->d_buf + name_off, "GNU", 4) && nh.n_descsz) {
				*len = nh.n_descsz > 20 ? 20 : (u8)nh.n_descsz;
				memcpy(id, (char *)d->d_buf + desc_off, *len);
				return;
			}
		}
	}
}

static int init_from_elf(struct elf_object *o)
{
	GElf_Ehdr eh;
	size_t nphdr, i;

	if (!gelf_getehdr(o->elf, &eh) || elf_getphdrnum(o->elf, &nphdr))
		return -EM_E_BAD_INPUT;
	o->entry = eh.e_entry;
	for (i = 0; i < nphdr && o->nloads < ELF_OBJECT_MAX_LOADS; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(o->elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		o->loads[o->nloads++] = (struct elf_load){ ph.p_offset, ph.p_vaddr, ph.p_filesz };
	}
	read_build_id(o->elf, o->build_id, &o->build_id_len);
	return 0;
}

static struct elf_object *object_new(const char *path)
{
	struct elf_object *o = xcalloc(1, sizeof(*o));
	const char *slash;

	o->path = xstrdup(path);
	slash = strrchr(o->path, '/');
	o->base = slash ? slash + 1 : o->path;
	o->fd = o->dbg_fd = -1;
	return o;
}

int elf_object__open(const char *path, const char *debug_root, struct elf_object **out)
{
	struct elf_object *o;
	int err;

	*out = NULL;
	if (!elf_ready())
		return -EM_E_UNSUPPORTED;
	o = object_new(path);
	o->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (o->fd < 0) {
		err = -errno;
		goto fail;
	}
	o->elf = elf_begin(o->fd, ELF_C_READ_MMAP, NULL);
	if (!o->elf || elf_kind(o->elf) != ELF_K_ELF) {
		err = -EM_E_BAD_INPUT;
		goto fail;
	}
	err = init_from_elf(o);
	if (err)
		goto fail;
	if (debug_root)
		o->debug_root = xstrdup(debug_root);
	*out = o;
	return 0;
fail:
	elf_object__free(o);
	return err;
}

int elf_object__open_memory(const void *image, size_t len, const char *name, struct elf_object **out)
{
	struct elf_object *o;

	*out = NULL;
	if (!elf_ready())
		return -EM_E_UNSUPPORTED;
	o = object_new(name);
	o->elf = elf_memory((char *)image, len);
	if (!o->elf || elf_kind(o->elf) != ELF_K_ELF || init_from_elf(o)) {
		elf_object__free(o);
		return -EM_E_BAD_INPUT;
	}
	*out = o;
	return 0;
}

void elf_object__free(struct elf_object *o)
{
	if (!o)
		return;
	unwind_cfi__free(o->cfi);
	if (o->dbg_elf)
		elf_end(o->dbg_elf);
	if (o->dbg_fd >= 0)
		close(o->dbg_fd);
	if (o->elf)
		elf_end(o->elf);
	if (o->fd >= 0)
		close(o->fd);
	free(o->syms);
	free(o->names);
	free(o->debug_root);
	free(o->path);
	free(o);
}

const struct elf_load *elf_object__load_at(const struct elf_object *o, u64 off)
{
	unsigned i;

	for (i = 0; i < o->nloads; i++)
		if (off >= o->loads[i].offset && off - o->loads[i].offset < o->loads[i].filesz)
			return &o->loads[i];
	return NULL;
}

bool elf_object__file_to_vaddr(const struct elf_object *o, u64 off, u64 *vaddr)
{
	const struct elf_load *l = elf_object__load_at(o, off);

	if (l)
		*vaddr = off - l->offset + l->vaddr;
	return l != NULL;
}

/* Open @path as a debug file for @o; keep it when its build-id matches (or neither has one). */
static bool try_debug_file(struct elf_object *o, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf;
	u8 id[20], len = 0;

	if (fd < 0)
		return false;
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		goto no;
	read_build_id(elf, id, &len);
	if (o->build_id_len && len && (len != o->build_id_len || memcmp(id, o->build_id, len)))
		goto no;
	o->dbg_fd = fd;
	o->dbg_elf = elf;
	return true;
no:
	if (elf)
		elf_end(elf);
	close(fd);
	return false;
}

static Elf_Scn *section_named(Elf *elf, const char *want, GElf_Shdr *sh);

static const char *debuglink_name(Elf *elf)
{
	GElf_Shdr sh;
	Elf_Scn *scn = section_named(elf, ".gnu_debuglink", &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;

	if (!d || !d->d_size || !memchr(d->d_buf, 0, d->d_size))
		return NULL;
	return d->d_buf;
}

static void find_debug_file(struct elf_object *o)
{
	const char *root = o->debug_root ? o->debug_root : "";
	char hex[41], path[4096];
	const char *link;
	int dirlen;

	if (o->build_id_len >= 2) {
		elf_object__build_id_hex(o->build_id, o->build_id_len, hex);
		snprintf(path, sizeof(path), "%s/usr/lib/debug/.build-id/%.2s/%s.debug", root, hex, hex + 2);
		if (try_debug_file(o, path))
			return;
	}
	if (!o->elf || !(link = debuglink_name(o->elf)) || strchr(link, '/'))
		return;
	dirlen = (int)(o->base - o->path);
	snprintf(path, sizeof(path), "%.*s%s", dirlen, o->path, link);
	if (strcmp(path, o->path) && try_debug_file(o, path))
		return;
	snprintf(path, sizeof(path), "%.*s.debug/%s", dirlen, o->path, link);
	if (try_debug_file(o, path))
		return;
	snprintf(path, sizeof(path), "%s/usr/lib/debug%.*s%s", root, dirlen, o->path, link);
	try_debug_file(o, path);
}

static void push_symbol(struct elf_object *o, u64 addr, u64 size, const char *name, const char *suffix)
{
	size_t nlen = strlen(name), slen = strlen(suffix);

	if (o->names_len + nlen + slen + 1 > o->names_cap)
		XGROW(o->names, o->names_cap, o->names_len + nlen + slen + 1);
	memcpy(o->names + o->names_len, name, nlen);
	memcpy(o->names + o->names_len + nlen, suffix, slen + 1);
	if (o->nsyms % 1024 == 0)
		o->syms = xrealloc(o->syms, (o->nsyms + 1024) * sizeof(*o->syms));
	o->syms[o->nsyms++] = (struct elf_symbol){ addr, size, (u32)o->names_len };
	o->names_len += nlen + slen + 1;
}

static Elf_Scn *section_named(Elf *elf, const char *want, GElf_Shdr *sh)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (gelf_getshdr(scn, sh) && (name = elf_strptr(elf, shstrndx, sh->sh_name)) && !strcmp(name, want))
			return scn;
	}
	return NULL;
}

static void add_symbols(struct elf_object *o, Elf *elf, u32 want_type)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != want_type || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; i < n && o->nsyms < MAX_SYMBOLS; i++) {
			GElf_Sym s;
			const char *name;
			int type;

			if (!gelf_getsym(d, (int)i, &s))
				break;
			type = GELF_ST_TYPE(s.st_info);
			if ((type != STT_FUNC && type != STT_GNU_IFUNC) || !s.st_size ||
			    s.st_shndx == SHN_UNDEF)
				continue;
			name = elf_strptr(elf, sh.sh_link, s.st_name);
			if (!name || !*name)
				continue;
			push_symbol(o, s.st_value, s.st_size, name, "");
		}
	}
}

/*
 * PLT stubs have no symbols: name them "func@plt" from .rela.plt, as perf
 * does. Entry i is the i-th .plt.sec entry when the linker made one (IBT),
 * else the (i+1)-th .plt entry (after the resolver stub PLT0).
 */
static void add_plt_symbols(struct elf_object *o, Elf *elf)
{
	GElf_Shdr rela_sh, plt_sh, sec_sh, dyn_sh;
	Elf_Scn *rela = section_named(elf, ".rela.plt", &rela_sh);
	Elf_Scn *plt = section_named(elf, ".plt", &plt_sh);
	Elf_Scn *sec = section_named(elf, ".plt.sec", &sec_sh);
	Elf_Scn *dynsym;
	Elf_Data *rd, *dd;
	u64 base, step;
	size_t i, n;

	if (!rela || !plt || rela_sh.sh_type != SHT_RELA || !rela_sh.sh_entsize)
		return;
	dynsym = elf_getscn(elf, rela_sh.sh_link);
	if (!dynsym || !gelf_getshdr(dynsym, &dyn_sh) || !(rd = elf_getdata(rela, NULL)) ||
	    !(dd = elf_getdata(dynsym, NULL)))
		return;
	step = sec ? (sec_sh.sh_entsize ? sec_sh.sh_entsize : 16) : (plt_sh.sh_entsize ? plt_sh.sh_entsize : 16);
	base = sec ? sec_sh.sh_addr : plt_sh.sh_addr + step;
	n = rela_sh.sh_size / rela_sh.sh_entsize;
	for (i = 0; i < n && i < MAX_SYMBOLS; i++) {
		GElf_Rela r;
		GElf_Sym s;
		const char *name;

		if (!gelf_getrela(rd, (int)i, &r) || !GELF_R_SYM(r.r_info) ||
		    !gelf_getsym(dd, (int)GELF_R_SYM(r.r_info), &s) ||
		    !(name = elf_strptr(elf, dyn_sh.sh_link, s.st_name)) || !*name)
			continue;
		push_symbol(o, base + i * step, step, name, "@plt");
	}
}

/*
 * MiniDebugInfo (Fedora's .gnu_debugdata): an xz-compressed ELF file holding
 * the .symtab that stripping removed. Decompressed with the instream xz
 * decoder, read with elf_memory, its names copied.
 */
static void add_minidebug_symbols(struct elf_object *o, Elf *elf)
{
	GElf_Shdr sh;
	Elf_Scn *scn = section_named(elf, ".gnu_debugdata", &sh);
	Elf_Data *d = scn ? elf_getdata(scn, NULL) : NULL;
	struct instream *in;
	struct em_diag diag;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	Elf *mini;

	if (!d || !d->d_size)
		return;
	in = instream__from_memory(d->d_buf, d->d_size, ".gnu_debugdata");
	do {
		if (cap - len < 65536)
			XGROW(buf, cap, len + 65536);
		n = instream__read(in, buf + len, cap - len, &diag);
		len += n > 0 ? (size_t)n : 0;
	} while (n > 0 && len <= MINIDEBUG_MAX);
	instream__free(in);
	mini = n == 0 ? elf_memory(buf, len) : NULL;
	if (mini && elf_kind(mini) == ELF_K_ELF)
		add_symbols(o, mini, SHT_SYMTAB);
	if (mini)
		elf_end(mini);
	free(buf);
}

static int cmp_sym(const void *a, const void *b)
{
	const struct elf_symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* larger first, so that the dedup below keeps the widest symbol */
	return x->size == y->size ? 0 : x->size > y->size ? -1 : 1;
}

static void load_symbols(struct elf_object *o)
{
	size_t i, j;

	o->syms_loaded = true;
	if (o->elf && o->fd >= 0 && !o->dbg_elf)
		find_debug_file(o);
	if (o->dbg_elf)
		add_symbols(o, o->dbg_elf, SHT_SYMTAB);
	if (o->elf) {
		add_symbols(o, o->elf, SHT_SYMTAB);
		add_symbols(o, o->elf, SHT_DYNSYM);
		add_plt_symbols(o, o->elf);
		add_minidebug_symbols(o, o->elf);
	}
	if (!o->nsyms)
		return;
	qsort(o->syms, o->nsyms, sizeof(*o->syms), cmp_sym);
	for (i = 1, j = 1; i < o->nsyms; i++)
		if (o->syms[i].addr != o->syms[j - 1].addr)
			o->syms[j++] = o->syms[i];
	o->nsyms = j;
}

const struct elf_symbol *elf_object__lookup(struct elf_object *o, u64 vaddr)
{
	size_t lo, k;

	if (!o->syms_loaded)
		load_symbols(o);
	lo = SORTED_UPPER(o->syms, o->nsyms, addr, vaddr);
	/* a few symbols back, in case a small one sits inside a big one */
	for (k = 0; k < 4 && lo > k; k++) {
		const struct elf_symbol *s = &o->syms[lo - 1 - k];

		if (vaddr - s->addr < s->size)
			return s;
	}
	return NULL;
}

struct unwind_cfi *elf_object__cfi(struct elf_object *o)
{
	if (!o->cfi_loaded) {
		o->cfi_loaded = true;
		if (!o->syms_loaded)
			load_symbols(o);	/* finds the debug file, for .debug_frame */
		o->cfi = unwind_cfi__new(o->elf, o->dbg_elf);
	}
	return o->cfi;
}
