#!/usr/bin/env bash
# t0511: a C++ program under `ember run --heap --heap-rate 1`: new/delete are
# seen through the interposed malloc/free with exact figures, and function
# names are demangled (the mangled name stays as pprof's system_name).
# Unsymbolized frames ("[libc.so.6+0x...]", which vary with libc builds) are
# left out of the comparisons.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
command -v g++ >/dev/null || skip "g++ is not installed"
need_go
g++ -O1 -g -fno-omit-frame-pointer -o cpp "$EMBER_ROOT/tests/workloads/preload_cpp.cc" || fail "cannot build"
expect_status 0 "$EMBER" run --heap --heap-rate 1 -o cpp.pb.gz -- ./cpp
expect_match "$T/out" '^circles 48 vector 4096'
# traces SAMPLE_INDEX: one line per stack, "VALUE leaf;caller;..." (bytes
# as plain numbers, unsymbolized frames dropped)
traces() {
	go tool pprof -sample_index="$1" -unit=B -traces cpp.pb.gz 2>/dev/null | awk '
		/^-----/ { if (line != "") print line; line = ""; next }
		line == "" && /^ +[0-9]/ { v = $1; sub(/B$/, "", v); sub(/^ +[^ ]+ +/, ""); line = v " " $0; next }
		line != "" { sub(/^ +/, ""); if ($0 !~ /^\[/) line = line ";" $0 }
		END { if (line != "") print line }'
}
traces alloc_objects >objects.txt
traces inuse_objects >inuse.txt
traces alloc_space >space.txt
new='operator new(unsigned long)'
grow='shapes::grow(std::vector<int, std::allocator<int> >&)'
grep -qxF "200 $new;main" objects.txt ||
	fail "new from main (Circle::make): $(cat objects.txt)"
grep -qxF "13 $new;$grow;main" objects.txt ||
	fail "vector growth in shapes::grow: $(cat objects.txt)"
grep -qxF "150 $new;main" inuse.txt || fail "150 circles still live: $(cat inuse.txt)"
grep -F "$grow" inuse.txt | grep -qv '^0 ' && fail "the vector's blocks are all freed: $(cat inuse.txt)"
grep -qxF "9600 $new;main" space.txt || fail "9600 bytes of circles: $(cat space.txt)"
go tool pprof -raw cpp.pb.gz | grep -q 's=0(_Znwm)' || fail "the mangled name is not kept as system_name"
