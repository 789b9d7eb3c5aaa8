/*
 * self_space.c - the objects of this process from dl_iterate_phdr, opened
 * with elf_object for their CFI and symbols.
 */
#include "symbols/self_space.h"
#include "base/xalloc.h"

#include <link.h>
#include <stdlib.h>
#include <string.h>

static int add_object(struct dl_phdr_info *info, size_t size, void *ctx)
{
	struct self_space *s = ctx;
	const char *path = info->dlpi_name && info->dlpi_name[0] ? info->dlpi_name : "/proc/self/exe";
	struct self_object o = { info->dlpi_addr, ~0ull, 0, NULL };
	int i;

	(void)size;
	if (strstr(path, "vdso") || elf_object__open(path, NULL, &o.obj))
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD)
			continue;
		if (o.bias + ph->p_vaddr < o.lo)
			o.lo = o.bias + ph->p_vaddr;
		if (o.bias + ph->p_vaddr + ph->p_memsz > o.hi)
			o.hi = o.bias + ph->p_vaddr + ph->p_memsz;
	}
	if (s->n == s->cap)
		XGROW(s->v, s->cap, s->n + 1);
	s->v[s->n++] = o;
	return 0;
}

int self_space__load(struct self_space *s)
{
	memset(s, 0, sizeof(*s));
	dl_iterate_phdr(add_object, s);
	return s->n ? 0 : -EM_E_EMPTY_INPUT;
}

void self_space__release(struct self_space *s)
{
	while (s->n)
		elf_object__free(s->v[--s->n].obj);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static struct self_object *object_at(struct self_space *s, u64 pc)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (pc >= s->v[i].lo && pc < s->v[i].hi)
			return &s->v[i];
	return NULL;
}

bool self_space__find(void *ctx, u64 pc, struct unwind_module *m)
{
	struct self_object *o = object_at(ctx, pc);

	if (!o)
		return false;
	m->cfi = elf_object__cfi(o->obj);
	m->bias = o->bias;
	m->entry = o->obj->entry;
	return true;
}

const char *self_space__name(struct self_space *s, u64 pc)
{
	struct self_object *o = object_at(s, pc);
	const struct elf_symbol *sym = o ? elf_object__lookup(o->obj, pc - o->bias) : NULL;

	return sym ? o->obj->names + sym->name : "?";
}
