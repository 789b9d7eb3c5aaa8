#!/usr/bin/env bash
# t0502: `ember run --http 127.0.0.1:PORT`: the /debug/pprof endpoints
# answer on loopback (index, cmdline, heap, allocs, profile?seconds=1 through
# go tool pprof, -top and -http), bad requests get 4xx, and a busy port is reported while the
# program still runs to completion. Requests are bounded; the workload ends
# by itself.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
build_workload cpu

# a free port (the kernel picks one; bash cannot, so ask python3 or guess)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
	echo $((20000 + $$ % 20000)))

# request PATH-LINE: send one raw request, print the status line's code
request() {
	exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
	printf '%s' "$1" >&3
	timeout 10 cat <&3 >resp.bin
	exec 3<&-
	head -1 resp.bin | cut -d' ' -f2
}

timeout 60 "$EMBER" run --cpu --heap --http "127.0.0.1:$port" -- ./cpu 20 stop >run.out 2>run.err &
pid=$!
for i in $(seq 50); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done

[ "$(request $'GET /debug/pprof/ HTTP/1.1\r\nHost: x\r\n\r\n')" = 200 ] || fail "index: $(head -3 resp.bin)"
grep -q 'profile?seconds' resp.bin || fail "index does not list the profile endpoint"
[ "$(request $'GET /debug/pprof/cmdline HTTP/1.0\r\n\r\n')" = 200 ] || fail "cmdline"
grep -aq './cpu' resp.bin || fail "cmdline does not name the program"
[ "$(request $'GET /debug/pprof/threads HTTP/1.0\r\n\r\n')" = 200 ] || fail "threads"
grep -aq ' ember-http$' resp.bin && grep -aq ' ember-agg$' resp.bin && grep -aq ' cpu$' resp.bin ||
	fail "threads does not list the program's and ember's threads: $(cat resp.bin)"
[ "$(request $'GET /debug/pprof/heap HTTP/1.0\r\n\r\n')" = 200 ] || fail "heap"
[ "$(request $'GET /debug/pprof/allocs HTTP/1.0\r\n\r\n')" = 200 ] || fail "allocs"
[ "$(request $'GET /debug/pprof/nothing HTTP/1.0\r\n\r\n')" = 404 ] || fail "unknown path is not 404"
[ "$(request $'POST /debug/pprof/heap HTTP/1.0\r\n\r\n')" = 405 ] || fail "POST is not 405"
[ "$(request $'GET /debug/pprof/profile?seconds=x HTTP/1.0\r\n\r\n')" = 400 ] || fail "bad seconds is not 400"
[ "$(request $'garbage\r\n\r\n')" = 400 ] || fail "garbage is not 400"
big=$(head -c 9000 /dev/zero | tr '\0' a)
[ "$(request "GET /$big HTTP/1.0"$'\r\n\r\n')" = 431 ] || fail "an oversized request is not 431"

# a second program on the same port: reported, and it still runs
expect_status 0 "$EMBER" run --http "127.0.0.1:$port" -- ./cpu 10
expect_match "$T/err" "cannot serve /debug/pprof on '127.0.0.1:$port'"
expect_match "$T/out" '^thread spin_a'

if command -v go >/dev/null; then
	need_go
	go tool pprof -top "http://127.0.0.1:$port/debug/pprof/profile?seconds=1" >cpu.txt 2>&1 ||
		fail "go tool pprof over HTTP (profile): $(tail -3 cpu.txt)"
	expect_match cpu.txt '^Type: cpu'
	expect_match cpu.txt 'spin_'
	go tool pprof -top "http://127.0.0.1:$port/debug/pprof/heap" >heap.txt 2>&1 ||
		fail "go tool pprof over HTTP (heap): $(tail -3 heap.txt)"
	expect_match heap.txt '^Type: inuse_space'
	go tool pprof -top "http://127.0.0.1:$port/debug/pprof/allocs" >allocs.txt 2>&1 ||
		fail "go tool pprof over HTTP (allocs): $(tail -3 allocs.txt)"
	expect_match allocs.txt '^Type: alloc_space'
	# go tool pprof -http (its web UI; the graph view would need graphviz, /ui/top does not)
	ui=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((port + 1)))
	timeout 30 go tool pprof -no_browser -http="127.0.0.1:$ui" \
		"http://127.0.0.1:$port/debug/pprof/profile?seconds=1" >ui.log 2>&1 &
	uipid=$!
	for i in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$ui") 2>/dev/null && break
		sleep 0.1
	done
	exec 3<>"/dev/tcp/127.0.0.1/$ui" || fail "go tool pprof -http did not start: $(cat ui.log)"
	printf 'GET /ui/top HTTP/1.0\r\n\r\n' >&3
	timeout 10 cat <&3 >ui.html
	exec 3<&-
	kill $uipid 2>/dev/null
	wait $uipid 2>/dev/null
	grep -q 'spin_' ui.html || fail "go tool pprof -http shows no spin_ functions: $(head -c 300 ui.html)"
else
	echo "note: go missing, go tool pprof over HTTP not checked"
fi
touch stop
wait $pid || fail "the profiled program failed: $(cat run.err)"
expect_match run.err "wrote CPU profile"
