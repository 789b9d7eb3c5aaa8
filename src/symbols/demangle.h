/*
 * demangle.h - C++ (Itanium ABI) and Rust (legacy) symbol names made
 * readable, through libstdc++'s C-callable __cxa_demangle. Rust legacy
 * names lose their ::h<hash> suffix and $..$ escapes; Rust v0 (_R) names
 * are left as they are.
 */
#ifndef EMBER_DEMANGLE_H
#define EMBER_DEMANGLE_H

#include "base/compiler.h"

/*
 * The readable form of @name, malloc'd (caller frees), or NULL when @name is
 * not mangled or does not demangle.
 */
char *demangle(const char *name);

#endif
