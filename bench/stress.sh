#!/usr/bin/env bash
# bench/stress.sh - issue 5's stress bar for libember.so: THREADS worker
# threads doing malloc/calloc/realloc/free and starting threads, while the
# main thread forks (children allocate and exit, every other one execs
# /bin/true) and dlopens, for SECONDS under CPU (100 Hz) and heap profiling
# (HEAP_RATE bytes, 1 KiB by default: far more samples than the 512 KiB
# default), with the /debug/pprof endpoint fetched every few seconds.
# tests/workloads/preload_churn.c is the program; t0510 runs 4 s of it.
# Reports: crash (exit status), deadlock (no end within 2 x SECONDS + 60 s),
# the process's VmRSS every SAMPLE seconds (first/last/max, and the same
# program without ember for comparison: a leak is RSS that keeps growing),
# HTTP answers, and both profiles read back by `go tool pprof -top`.
#
#   make && bench/stress.sh     (STRESS_SECONDS=60 THREADS=32 HEAP_RATE=1024 SAMPLE=5 PLAIN=1)
set -uo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
EMBER=${EMBER:-$REPO/build/ember}
SECONDS_RUN=${STRESS_SECONDS:-60}
THREADS=${THREADS:-32}
HEAP_RATE=${HEAP_RATE:-1024}
SAMPLE=${SAMPLE:-5}
PORT=${PORT:-16060}
PLAIN=${PLAIN:-1}		# 0: skip the run without ember
DIR=${EMBER_BENCH_DIR:-/tmp/ember-bench/stress}
[ -x "$EMBER" ] && [ -f "$(dirname "$EMBER")/libember.so" ] || { echo "build first: make" >&2; exit 2; }
mkdir -p "$DIR"
cd "$DIR" || exit 2
rm -f ./*.pb.gz* ./*.txt
gcc -std=gnu11 -O1 -g -fno-omit-frame-pointer -pthread -o churn "$REPO/tests/workloads/preload_churn.c" || exit 2

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# fetch PATH PID: one HTTP request, "ok" or "fail" into http.txt (not
# counted when the process ended meanwhile)
fetch() {
	if curl -sf -m 10 -o f.pb.gz "http://127.0.0.1:$PORT$1" && gzip -t f.pb.gz 2>/dev/null; then
		echo ok >>http.txt
	elif kill -0 "$2" 2>/dev/null; then
		echo "fail $1" >>http.txt
	fi
}

# watch NAME PID: VmRSS every SAMPLE s into NAME.rss.txt ("seconds kB"); with
# NAME = ember also fetches the heap profile and a 1 s CPU profile over HTTP
watch() {
	local name=$1 pid=$2 t=0 kb start
	start=$(date +%s)
	while kill -0 "$pid" 2>/dev/null; do
		t=$(($(date +%s) - start))
		kb=$(rss_kb "$pid")
		[ -n "$kb" ] && echo "$t $kb" >>"$name.rss.txt"
		# (not in the last seconds: the server stops when the program ends)
		if [ "$name" = ember ] && [ $((t + 3)) -lt "$SECONDS_RUN" ] && command -v curl >/dev/null; then
			fetch "/debug/pprof/heap" "$pid"
			fetch "/debug/pprof/profile?seconds=1" "$pid"
		fi
		sleep "$SAMPLE"
	done
}

# run NAME CMD...: runs CMD with the deadlock limit, watches it, prints a summary line
run() {
	local name=$1 pid st t0 t1 what
	shift
	t0=$(date +%s%N)
	timeout -s KILL $((SECONDS_RUN * 2 + 60)) "$@" >"$name.out.txt" 2>"$name.err.txt" &
	pid=$!
	sleep 0.2
	# timeout forks the command: watch the child
	watch "$name" "$(pgrep -P "$pid" | head -1)"
	wait "$pid"
	st=$?
	t1=$(date +%s%N)
	case $st in
	0) what=ok ;;
	124 | 137) what="KILLED at the deadlock limit" ;;
	*) if [ "$st" -gt 128 ]; then what="CRASH: signal $((st - 128))"; else what=FAILED; fi ;;
	esac
	awk -v n="$name" -v st="$st ($what)" -v ms=$(((t1 - t0) / 1000000)) '
		{ v[NR] = $2; if ($2 > max) max = $2 }
		END { printf "%-6s exit %s, %.1f s; VmRSS MB first %.1f last %.1f max %.1f (%d samples)\n",
			n, st, ms / 1000, v[1] / 1024, v[NR] / 1024, max / 1024, NR }' "$name.rss.txt"
	sed 's/^/       /' "$name.out.txt"
	return "$st"
}

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "churn $SECONDS_RUN s, $THREADS threads; ember run --cpu --heap --heap-rate $HEAP_RATE --http 127.0.0.1:$PORT"
status=0
run ember "$EMBER" run --cpu --heap --heap-rate "$HEAP_RATE" --http "127.0.0.1:$PORT" -o s.pb.gz \
	-- ./churn "$SECONDS_RUN" "$THREADS" || status=1
echo "       VmRSS over time (s:MB): $(awk '{ printf "%s:%.0f ", $1, $2 / 1024 }' ember.rss.txt)"
grep '^ember:' ember.err.txt | sed 's/^/       /'
[ -f http.txt ] && echo "       HTTP: $(grep -c ok http.txt) answers ok, $(grep -c fail http.txt) failed"
if [ "$PLAIN" = 1 ]; then
	run plain ./churn "$SECONDS_RUN" "$THREADS"
	echo "       VmRSS over time (s:MB): $(awk '{ printf "%s:%.0f ", $1, $2 / 1024 }' plain.rss.txt)"
fi
if command -v go >/dev/null; then
	export HOME="$DIR/home" GOCACHE="$DIR/gocache" GOFLAGS=-mod=mod GOTOOLCHAIN=local
	mkdir -p "$HOME"
	for f in s.cpu.pb.gz s.heap.pb.gz; do
		# the heap's allocations (at the end nearly everything is freed)
		if go tool pprof -sample_index="$([ $f = s.cpu.pb.gz ] && echo cpu || echo alloc_space)" \
			-top "$f" >"$f.top.txt" 2>&1; then
			echo "$f: go tool pprof -top ok: $(grep -m1 -E '^(Duration|Showing)' "$f.top.txt" | grep -o 'Total.*' || true)"
			grep -E '^ +[0-9.]+[a-zA-Z]* ' "$f.top.txt" | head -4 | sed 's/^/       /'
		else
			echo "$f: go tool pprof -top FAILED: $(head -3 "$f.top.txt")"
			status=1
		fi
	done
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
