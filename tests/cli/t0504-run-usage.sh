#!/usr/bin/env bash
# t0504: `ember run` usage errors and exit codes, and libember.so's exported
# symbols: only ember_* plus the libc functions it interposes.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
expect_status 0 "$EMBER" run --help
expect_match "$T/out" '^usage: ember run'
expect_status 2 "$EMBER" run
expect_match "$T/err" 'no command given'
expect_status 2 "$EMBER" run --signal 9 -- true
expect_status 2 "$EMBER" run --bogus -- true
expect_status 2 "$EMBER" run --unwind lbr -- true
expect_match "$T/err" "--unwind 'lbr': not dwarf or fp"
expect_status 3 "$EMBER" run -- ./does-not-exist
expect_match "$T/err" "cannot run './does-not-exist'"
expect_status 4 "$EMBER" run --lib "$T/none.so" -- true
expect_match "$T/err" "cannot read '$T/none.so'"
# a static program cannot take LD_PRELOAD: said, exit 4 (static-pie is ET_DYN with
# no interpreter too, but gcc -static gives ET_EXEC here)
printf 'int main(void) { return 0; }\n' >static.c
if gcc -static -o static static.c 2>/dev/null; then
	expect_status 4 "$EMBER" run -- ./static
	expect_match "$T/err" "'./static' is statically linked"
fi
# the command's exit status is ember's
expect_status 7 "$EMBER" run -- sh -c 'exit 7'

command -v nm >/dev/null || skip "nm is not installed"
nm -D --defined-only "$LIBEMBER" | awk '{ print $3 }' | sort >exports.txt
grep -v '^ember_' exports.txt >others.txt
printf '%s\n' aligned_alloc calloc free malloc memalign posix_memalign pthread_create realloc valloc \
	_exit _Exit quick_exit execl execle execlp execv execve execveat execvp execvpe fexecve | sort >want.txt
diff -u want.txt others.txt || fail "libember.so exports more than ember_* and the interposed functions"
grep -q '^ember_cpu_start$' exports.txt || fail "ember_cpu_start is not exported"
