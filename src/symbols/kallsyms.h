/*
 * kallsyms.h - kernel symbols from /proc/kallsyms ("addr type name [module]"),
 * text symbols only, sorted for lookup. A kernel address is named after the
 * closest text symbol at or below it (kallsyms has no sizes; this is the
 * kernel's own rule), but never past the end of kernel text or a module.
 */
#ifndef EMBER_KALLSYMS_H
#define EMBER_KALLSYMS_H

#include "base/compiler.h"
#include "base/err.h"

struct ksym {
	u64 addr;
	u32 name;		/* offset into names */
};

struct kallsyms {
	struct ksym *syms;	/* sorted by addr */
	size_t n, cap;
	char *names;
	size_t names_len, names_cap;
	u64 end;		/* highest address a symbol may cover */
};

void kallsyms__init(struct kallsyms *k);
void kallsyms__release(struct kallsyms *k);

/*
 * Parse kallsyms text (@len bytes at @text, need not be NUL-terminated) into
 * @k. Malformed lines are skipped and counted in *@bad (may be NULL). Returns
 * 0, or -EM_E_EMPTY_INPUT when no symbol had a nonzero address (kptr_restrict).
 */
int kallsyms__parse(struct kallsyms *k, const char *text, size_t len, u64 *bad) __must_check;

/* Read @path (normally /proc/kallsyms). Returns 0, -errno or -EM_E_EMPTY_INPUT. */
int kallsyms__load(struct kallsyms *k, const char *path) __must_check;

/* The name covering @addr, or NULL. */
const char *kallsyms__lookup(const struct kallsyms *k, u64 addr);

#endif
