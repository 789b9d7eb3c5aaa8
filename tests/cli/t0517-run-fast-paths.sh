#!/usr/bin/env bash
# t0517: the interposed malloc, calloc, realloc and free stay what
# docs/internals/PRELOAD.md says they are - no stack frame, no call: a few
# instructions and tail jumps (to the real allocator or to a slow path) - so
# the cost of the malloc layer does not creep back (figures: bench/heap.sh).
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
command -v objdump >/dev/null || skip "objdump is not installed (binutils)"
# (the optimized build's property: sibling calls need -O2; make asan builds -O1)
producer=$(readelf --debug-dump=info "$LIBEMBER" 2>/dev/null | grep -m1 DW_AT_producer)
echo "$producer" | grep -qE ' -O[23s]( |$)' || skip "libember.so is not an -O2 build: ${producer##*: }"
objdump -d --no-show-raw-insn "$LIBEMBER" >dis.txt || fail "objdump cannot read $LIBEMBER"
for fn in malloc calloc realloc free; do
	awk -v f="<$fn>:" '$2 == f { p = 1; next } p && /^$/ { exit } p' dis.txt >"$fn.s"
	[ -s "$fn.s" ] || fail "no $fn in libember.so"
	n=$(grep -cE '^ +[0-9a-f]+:	[a-z]' "$fn.s")
	grep -qE '	(push|call|sub +\$0x[0-9a-f]+,%rsp)' "$fn.s" &&
		fail "$fn has a stack frame or a call: $(grep -E '	(push|call|sub)' "$fn.s" | head -3)"
	grep -qE '	jmp +\*' "$fn.s" || fail "$fn never tail-jumps to the real function"
	[ "$n" -le 40 ] || fail "$fn is $n instructions"
done
# heap profiling off: malloc's first four instructions end in the jump to the real one
head -4 malloc.s | tail -1 | grep -qE '	jmp +\*' || fail "malloc's fast path is longer: $(head -4 malloc.s)"
