#!/usr/bin/env bash
# bench/heap.sh - what libember.so costs the program it profiles (issue 5),
# side by side in one run, interleaved, medians of RUNS:
#   heap: tests/workloads/heap_bench.c `mixed` (hash table of strdup'd keys,
#         realloc'd arrays, mixed-size buffers, real work in between) and
#         `tight` (malloc(256) + free and nothing else, the worst case):
#         plain | ember run --heap (512 KiB) | heaptrack |
#         gperftools HEAPPROFILE (LD_PRELOAD=libtcmalloc.so.4) |
#         tcmalloc alone (the allocator gperftools swaps in, for reference)
#   cpu:  at 100 Hz: plain | ember run --cpu | gperftools CPUPROFILE
#         (LD_PRELOAD=libprofiler.so.0), on `mixed` (where libember's malloc
#         layer costs too, about 1 ns a call) and on `qsort`
#         (tests/workloads/preload_qsort.c, -O2 -fomit-frame-pointer: every
#         sample unwound by DWARF CFI through libc)
# gperftools' heap profiler records every allocation and is about 250x on
# `tight`: it runs 1/GPERF_DIV of the pairs there and its times are scaled up.
# Prints wall time and CPU (perf stat's task-clock, else user + sys; the tool's helper processes
# included) and the slowdown against plain. The bar: ember --heap <= 1.10x
# on `mixed`, ember --cpu <= 1.02x. Missing peers are skipped with a message
# (scripts/setup installs heaptrack and libgoogle-perftools4).
#
#   make && RUNS=7 bench/heap.sh        (ONLY=heap or ONLY=cpu: one section)
set -euo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
EMBER=${EMBER:-$REPO/build/ember}
RUNS=${RUNS:-7}
MIXED=${MIXED:-200}		# rounds of the mixed workload (about 0.7 s)
TIGHT=${TIGHT:-20000000}	# malloc/free pairs
QSORT=${QSORT:-1500}		# qsort rounds (about 1.7 s)
ONLY=${ONLY:-}
GPERF_DIV=${GPERF_DIV:-20}	# gperftools' heap profiler runs tight with TIGHT/GPERF_DIV pairs
DIR=${EMBER_BENCH_DIR:-/tmp/ember-bench/heap}
CC=${CC:-gcc}
LIBDIR=/usr/lib/x86_64-linux-gnu
[ -x "$EMBER" ] && [ -f "$(dirname "$EMBER")/libember.so" ] || { echo "build first: make" >&2; exit 2; }
# CPU time: perf stat's task-clock (to the microsecond, child processes
# included) when perf runs here, else /usr/bin/time's user + sys (10 ms steps)
if perf stat -x, -e task-clock -o /dev/null true 2>/dev/null; then
	TIMER=(perf stat -x, -e task-clock -o t.txt)
	TIMER_NAME="perf stat task-clock"
else
	command -v /usr/bin/time >/dev/null || { echo "needs perf or /usr/bin/time (package time)" >&2; exit 2; }
	TIMER=(/usr/bin/time -f '%U %S' -o t.txt)
	TIMER_NAME="/usr/bin/time user + sys"
fi
mkdir -p "$DIR"
cd "$DIR"
$CC -O2 -g -fno-omit-frame-pointer -o heap_bench "$REPO/tests/workloads/heap_bench.c"
$CC -O2 -g -fomit-frame-pointer -o qsort "$REPO/tests/workloads/preload_qsort.c"

have_heaptrack=yes have_tcmalloc=yes have_profiler=yes
command -v heaptrack >/dev/null || { have_heaptrack=no; echo "heaptrack: not installed (apt-get install heaptrack); skipped"; }
[ -f $LIBDIR/libtcmalloc.so.4 ] || { have_tcmalloc=no; echo "gperftools heap profiler: libtcmalloc.so.4 missing (apt-get install libgoogle-perftools4); skipped"; }
[ -f $LIBDIR/libprofiler.so.0 ] || { have_profiler=no; echo "gperftools CPU profiler: libprofiler.so.0 missing (apt-get install libgoogle-perftools4); skipped"; }

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# run TOOL WORKLOAD PROG ARG...: appends "wall_ms cpu_ms" to TOOL.WORKLOAD.txt
# (times MUL when the tool ran a 1/MUL share of the work)
run() {
	local tool=$1 wl=$2 mul=1 t0 t1
	shift 2
	if [ "$tool.$wl" = gperf-heap.tight ]; then
		mul=$GPERF_DIV
		set -- ./heap_bench tight $((TIGHT / GPERF_DIV))
	fi
	rm -rf out && mkdir out
	t0=$(date +%s%N)
	case $tool in
	plain) "${TIMER[@]}" "$@" >/dev/null ;;
	ember-heap) "${TIMER[@]}" "$EMBER" run --heap -o out/p.pb.gz -- "$@" >/dev/null 2>&1 ;;
	ember-cpu) "${TIMER[@]}" "$EMBER" run --cpu -o out/p.pb.gz -- "$@" >/dev/null 2>&1 ;;
	heaptrack) "${TIMER[@]}" heaptrack -o out/ht "$@" >/dev/null 2>&1 ;;
	gperf-heap) "${TIMER[@]}" \
		env HEAPPROFILE=out/hp LD_PRELOAD=$LIBDIR/libtcmalloc.so.4 "$@" >/dev/null 2>&1 ;;
	tcmalloc) "${TIMER[@]}" env LD_PRELOAD=$LIBDIR/libtcmalloc.so.4 "$@" >/dev/null ;;
	gperf-cpu) "${TIMER[@]}" \
		env CPUPROFILE=out/cp CPUPROFILE_FREQUENCY=100 LD_PRELOAD=$LIBDIR/libprofiler.so.0 "$@" >/dev/null 2>&1 ;;
	esac
	t1=$(date +%s%N)
	if [ "${TIMER[0]}" = perf ]; then
		awk -F, -v ns=$((t1 - t0)) -v mul=$mul '$3 == "task-clock" { printf "%d %d\n", ns / 1e6 * mul, $1 * mul }' t.txt
	else
		awk -v ns=$((t1 - t0)) -v mul=$mul '{ printf "%d %d\n", ns / 1e6 * mul, ($1 + $2) * 1000 * mul }' t.txt
	fi >>"$tool.$wl.txt"
}

# table WORKLOAD TOOL...: medians and ratios against plain
table() {
	local wl=$1 tool pw pc w c
	shift
	pw=$(cut -d' ' -f1 "plain.$wl.txt" | median)
	pc=$(cut -d' ' -f2 "plain.$wl.txt" | median)
	printf '%-12s %-10s %9s %8s %9s %8s\n' workload tool wall_ms slowdown cpu_ms cpu_x
	for tool in plain "$@"; do
		[ -f "$tool.$wl.txt" ] || continue
		w=$(cut -d' ' -f1 "$tool.$wl.txt" | median)
		c=$(cut -d' ' -f2 "$tool.$wl.txt" | median)
		awk -v wl="$wl" -v t="$tool" -v w="$w" -v c="$c" -v pw="$pw" -v pc="$pc" 'BEGIN {
			printf "%-12s %-10s %9d %7.2fx %9d %7.2fx\n", wl, t, w, w / pw, c, c / pc }'
	done
}

rm -f ./*.txt
heap_tools=(plain ember-heap)
[ $have_heaptrack = yes ] && heap_tools+=(heaptrack)
[ $have_tcmalloc = yes ] && heap_tools+=(gperf-heap tcmalloc)
cpu_tools=(plain ember-cpu)
[ $have_profiler = yes ] && cpu_tools+=(gperf-cpu)
[ "$ONLY" = cpu ] && heap_tools=()
[ "$ONLY" = heap ] && cpu_tools=()

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CPU time by $TIMER_NAME; runs: $RUNS interleaved; mixed $MIXED rounds, tight $TIGHT malloc/free pairs (gperf-heap: 1/$GPERF_DIV, scaled), qsort $QSORT rounds"
for ((i = -1; i < RUNS; i++)); do	# round -1 warms up and is dropped
	for t in "${heap_tools[@]}"; do
		run "$t" mixed ./heap_bench mixed "$MIXED"
		run "$t" tight ./heap_bench tight "$TIGHT"
	done
	for t in "${cpu_tools[@]}"; do
		run "$t" cpu ./heap_bench mixed "$MIXED"
		run "$t" qsort ./qsort "$QSORT"
	done
	if [ $i = -1 ]; then rm -f ./*.txt; fi
done
if [ ${#heap_tools[@]} -gt 0 ]; then
	echo
	echo "heap profiling (ember at its default 512 KiB rate):"
	table mixed "${heap_tools[@]:1}"
	table tight "${heap_tools[@]:1}" | tail -n +2
fi
if [ ${#cpu_tools[@]} -gt 0 ]; then
	echo
	echo "CPU profiling at 100 Hz (cpu = the mixed workload; qsort: -fomit-frame-pointer, CFI):"
	table cpu "${cpu_tools[@]:1}"
	table qsort "${cpu_tools[@]:1}" | tail -n +2
fi
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
