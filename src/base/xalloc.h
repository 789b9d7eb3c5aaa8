/*
 * xalloc.h - allocation wrappers. ember treats running out of memory as
 * fatal (like git's xmalloc): callers never check for NULL. Input-driven
 * growth must still be capped by the caller; these only cover the OOM case.
 */
#ifndef EMBER_XALLOC_H
#define EMBER_XALLOC_H

#include "base/compiler.h"

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
void *xmemdup(const void *p, size_t len);

/*
 * Make room for at least @need elements of @elem bytes in the array @p whose
 * capacity (in elements) is *@cap. Grows geometrically; returns the (possibly
 * moved) array and updates *@cap.
 */
void *xgrow(void *p, size_t *cap, size_t need, size_t elem);

#define XGROW(ptr, cap, need) ((ptr) = xgrow((ptr), &(cap), (need), sizeof(*(ptr))))

#endif
