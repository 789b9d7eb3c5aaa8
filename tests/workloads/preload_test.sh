# tests/workloads/preload_test.sh - helpers shared by the `ember run` CLI
# tests (tests/cli/t05*-run-*.sh), sourced after tests/cli/lib.sh.
: "${EMBER_ROOT:?EMBER_ROOT must point at the repository}"
LIBEMBER="$(dirname "$EMBER")/libember.so"
[ -f "$LIBEMBER" ] || fail "no $LIBEMBER (make builds it)"

# build_workload NAME: compile tests/workloads/preload_NAME.c into ./NAME
build_workload() {
	gcc -std=gnu11 -O1 -g -fno-omit-frame-pointer -pthread -o "$1" \
		"$EMBER_ROOT/tests/workloads/preload_$1.c" || fail "cannot build workload $1"
}

# need_go: skip (exit 77) unless `go tool pprof` can run, offline, in $T
need_go() {
	command -v go >/dev/null || skip "go is not installed (scripts/setup installs golang-go)"
	export HOME="$T/home" GOCACHE="$T/gocache" GOFLAGS=-mod=mod GOTOOLCHAIN=local
	mkdir -p "$HOME"
	go tool pprof -h >/dev/null 2>&1 || skip "go tool pprof does not run here"
}

# pprof_leaf_sums FILE: "leaf-function v1 v2 ..." per leaf function, from -raw
pprof_leaf_sums() {
	go tool pprof -raw "$1" 2>/dev/null | awk '
		/^Samples:/ { s = 1; next }
		/^Locations/ { s = 0; l = 1; next }
		/^Mappings/ { l = 0 }
		s && /:/ { split($0, a, ":"); n = split(a[1], v, " "); split(a[2], locs, " ");
			   key = locs[1]; for (i = 1; i <= n; i++) sum[key, i] += v[i]; cols = n; keys[key] = 1 }
		l && /^ *[0-9]+:/ { id = $1; sub(":", "", id); name[id] = $4 }
		END { for (k in keys) { line = name[k]; for (i = 1; i <= cols; i++) line = line " " sum[k, i]; print line } }'
}

# exit_profiles_ok NAME: NAME.cpu.pb.gz has preload_exits' CPU in burn_before
# and NAME.heap.pb.gz its 64 kB still allocated at alloc_before (rate 1)
exit_profiles_ok() {
	go tool pprof -top "$1.cpu.pb.gz" >cpu.txt 2>&1 || fail "$1: go tool pprof: $(head -3 cpu.txt)"
	expect_match cpu.txt ' burn_before$'
	go tool pprof -sample_index=inuse_space -top "$1.heap.pb.gz" >heap.txt 2>&1 ||
		fail "$1: go tool pprof: $(head -3 heap.txt)"
	expect_match heap.txt '^ *64kB .* alloc_before$'
}
