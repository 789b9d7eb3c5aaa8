#!/usr/bin/env bash
# t0508: libember.so linked into a program and driven only through
# include/ember/ember.h: start/stop CPU, heap rate 1, write both profiles,
# serve HTTP (a second serve on the same port is -EADDRINUSE).
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
libdir=$(dirname "$LIBEMBER")
gcc -std=gnu11 -O1 -g -fno-omit-frame-pointer -I"$EMBER_ROOT/include" -o api \
	"$EMBER_ROOT/tests/workloads/preload_api.c" -L"$libdir" -lember -Wl,-rpath,"$libdir" ||
	fail "cannot build against libember.so"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
	echo $((20000 + $$ % 20000)))
expect_status 0 ./api "$T" "$port"
expect_match "$T/out" '^second serve: Device or resource busy|^second serve: Address already in use'
expect_match "$T/out" '^cpu_start again: Device or resource busy'
expect_match "$T/out" '^write bad kind: Invalid argument'
expect_match "$T/out" '^lost 0$'
[ -s api.cpu.pb.gz ] && [ -s api.heap.pb.gz ] || fail "profiles not written"
need_go
go tool pprof -sample_index=samples -top api.cpu.pb.gz >cpu.txt 2>&1 || fail "cpu: $(head -3 cpu.txt)"
awk '$NF == "spin_api" && $4 >= 25 { ok = 1 } END { exit !ok }' cpu.txt || fail "spin_api missing: $(head -12 cpu.txt)"
pprof_leaf_sums api.heap.pb.gz >heap.txt
grep -qx 'api_alloc 64 64000 48 48000' heap.txt || fail "api_alloc figures: $(cat heap.txt)"
