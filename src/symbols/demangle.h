/*
 * demangle.h - C++ (Itanium ABI) and Rust (legacy and v0) symbol names made
 * readable: C++ through libstdc++'s __cxa_demangle, Rust through libiberty's
 * rust_demangle (the demangler of binutils and gdb). Rust names print as
 * rustc-demangle's "{:#}" does: no legacy ::h<hash>, no v0 crate hashes.
 */
#ifndef EMBER_DEMANGLE_H
#define EMBER_DEMANGLE_H

#include "base/compiler.h"

/*
 * The readable form of @name, malloc'd (caller frees; never empty), or NULL
 * when @name is not mangled or does not demangle. A Rust name's "." suffix (".cold",
 * ".0") is kept, LLVM's ".llvm.<hash>" is dropped, as rustc-demangle does.
 */
char *demangle(const char *name);

#endif
