/*
 * self_space.h - this process's own loaded ELF objects (dl_iterate_phdr),
 * for unwinding and naming its own stacks: the unwinder's find callback and
 * a symbol lookup. Used by the unwinder's self-tests and benchmark.
 */
#ifndef EMBER_SELF_SPACE_H
#define EMBER_SELF_SPACE_H

#include "base/compiler.h"
#include "symbols/elf_object.h"
#include "unwind/unwind.h"

struct self_object {
	u64 bias, lo, hi;	/* load bias; [lo, hi) runtime addresses of its PT_LOADs */
	struct elf_object *obj;
};

struct self_space {
	struct self_object *v;
	size_t n, cap;
};

/* Open every loaded object (the vDSO excepted). Returns 0, or -EM_E_EMPTY_INPUT when none opened. */
int self_space__load(struct self_space *s) __must_check;
void self_space__release(struct self_space *s);

/* unwind_find_fn over @ctx, a struct self_space. */
bool self_space__find(void *ctx, u64 pc, struct unwind_module *m);

/* The function symbol covering @pc, or "?". */
const char *self_space__name(struct self_space *s, u64 pc);

#endif
