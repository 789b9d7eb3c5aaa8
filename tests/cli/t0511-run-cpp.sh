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
make='shapes::Circle::make(int)'
# has FILE "VALUE STACK": a line that is VALUE STACK, or VALUE STACK;callers
has() { awk -v w="$2" '$0 == w || index($0, w ";") == 1 { f = 1 } END { exit !f }' "$1"; }
has objects.txt "200 $new;$make;main" || fail "new from main via Circle::make: $(cat objects.txt)"
grep -F "$grow;main" objects.txt | grep -q '^13 ' || fail "vector growth in shapes::grow: $(cat objects.txt)"
has inuse.txt "150 $new;$make;main" || fail "150 circles still live: $(cat inuse.txt)"
grep -F "$grow" inuse.txt | grep -qv '^0 ' && fail "the vector's blocks are all freed: $(cat inuse.txt)"
has space.txt "9600 $new;$make;main" || fail "9600 bytes of circles: $(cat space.txt)"
go tool pprof -raw cpp.pb.gz | grep -q 's=0(_Znwm)' || fail "the mangled name is not kept as system_name"
