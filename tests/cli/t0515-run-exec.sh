#!/usr/bin/env bash
# t0515: a profiled program that execs writes its profiles first, as
# OUT.execN (N = 1 for the process's first exec), and the new image, which
# profiles too (same pid, same EMBER_* variables), writes OUT at its exit
# without overwriting them - for every exec function. An exec that fails
# leaves no OUT.execN and profiling goes on; vfork and posix_spawn children
# that exec do not disturb the parent's profile.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
need_go
build_workload exits

# top FILE FUNCTION: FILE is readable and its CPU is in FUNCTION only
top() {
	go tool pprof -top "$1" >top.txt 2>&1 || fail "$1: go tool pprof: $(head -3 top.txt)"
	expect_match top.txt " $2\$"
	grep -q " burn_" top.txt && ! grep -v " $2\$" top.txt | grep -q ' burn_' ||
		fail "$1: CPU outside $2: $(cat top.txt)"
}

for m in execve execv execvp execvpe execl execlp execle fexecve execveat; do
	[ $m = execvpe ] && continue	# execvpe: glibc's own, the same path as execvp
	expect_status 0 "$EMBER" run --cpu --heap --heap-rate 1 -o "$m.pb.gz" -- ./exits $m 150
	for f in "$m.cpu.pb.gz.exec1" "$m.cpu.pb.gz" "$m.heap.pb.gz.exec1" "$m.heap.pb.gz"; do
		[ -s "$f" ] || fail "$m: no $f ($(ls))"
	done
	top "$m.cpu.pb.gz.exec1" burn_before
	top "$m.cpu.pb.gz" burn_after
	go tool pprof -sample_index=inuse_space -top "$m.heap.pb.gz.exec1" >heap.txt 2>&1 || fail "$m: heap"
	expect_match heap.txt '^ *64kB .* alloc_before$'
done

# three images: OUT.exec1, OUT.exec2, OUT
expect_status 0 "$EMBER" run --cpu -o two.pb.gz -- ./exits exec2 150
top two.pb.gz.exec1 burn_before
top two.pb.gz.exec2 burn_before
top two.pb.gz burn_after

# a failed exec (missing file: nothing written; no known format: written,
# then removed): one profile with both phases
expect_status 0 "$EMBER" run --cpu -o fail.pb.gz -- ./exits execfail 150
[ "$(ls fail.pb.gz* | tr '\n' ' ')" = "fail.pb.gz " ] || fail "execfail: files left: $(ls fail.pb.gz*)"
go tool pprof -top fail.pb.gz >top.txt 2>&1 || fail "execfail: go tool pprof"
expect_match top.txt ' burn_before$'
expect_match top.txt ' burn_after$'

for m in vfork spawn; do
	expect_status 0 "$EMBER" run --cpu -o "$m.pb.gz" -- ./exits $m 100
	[ "$(ls "$m".pb.gz* | tr '\n' ' ')" = "$m.pb.gz " ] || fail "$m: unexpected files: $(ls "$m".pb.gz*)"
	go tool pprof -top "$m.pb.gz" >top.txt 2>&1 || fail "$m: go tool pprof"
	expect_match top.txt ' burn_after$'
done
