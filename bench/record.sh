#!/usr/bin/env bash
# bench/record.sh - what `ember record` costs, next to `perf record
# --call-graph dwarf` (the way to get complete stacks from Debian's binaries
# with perf), in one run, interleaved, medians of RUNS:
#   1. start-up: `ember record -- true` and `perf record -- true`, wall clock;
#   2. slowdown: the wall time of a CPU-bound program (build/workloads/
#      ground_truth, 2 threads, no frame pointers) alone, under ember and under
#      perf, at 99 and 999 Hz;
#   3. time to a flame graph once the program ends: ember writes the SVG as it
#      exits; perf needs `perf script | stackcollapse-perf.pl | flamegraph.pl`;
#   4. bytes written: ember's SVG against perf.data.
#
#   FLAMEGRAPH_DIR=/path/to/FlameGraph RUNS=3 STEPS=2000 bench/record.sh    (as root)
set -euo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
EMBER=${EMBER:-$REPO/build/ember}
WL=${WORKLOAD:-$REPO/build/workloads/ground_truth}
FG=${FLAMEGRAPH_DIR:?set FLAMEGRAPH_DIR to a FlameGraph checkout (kept outside this repository)}
RUNS=${RUNS:-3}
STEPS=${STEPS:-2000}
DIR=${EMBER_BENCH_DIR:-/tmp/ember-bench/record}
command -v perf >/dev/null || { echo "needs perf (linux-perf)" >&2; exit 2; }
[ -x "$WL" ] || { echo "build the workload first: make build/workloads/ground_truth" >&2; exit 2; }
mkdir -p "$DIR"

now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# the program's own wall time, in ms, as printed by itself through `time`
wl_ms() { awk -F= '/^wl_elapsed=/ { printf "%d\n", $2 * 1000 }' "$1"; }
run_wl() { /usr/bin/time -f 'wl_elapsed=%e' -o "$DIR/wl.time" "$WL" "$STEPS"; }

echo "== start-up (median of $RUNS, ms)"
for i in $(seq "$RUNS"); do
	t0=$(now); "$EMBER" record -q -o "$DIR/true.folded" -- true; t1=$(now); ms "$t0" "$t1" >>"$DIR/ember-true"
	t0=$(now); perf record -q -o "$DIR/true.data" -- true 2>/dev/null; t1=$(now); ms "$t0" "$t1" >>"$DIR/perf-true"
done
printf '%-40s %6s ms\n' "ember record -- true" "$(median <"$DIR/ember-true")" \
	"perf record -- true" "$(median <"$DIR/perf-true")"
rm -f "$DIR/ember-true" "$DIR/perf-true"

echo "== slowdown of ground_truth $STEPS and time to a flame graph (median of $RUNS)"
for i in $(seq "$RUNS"); do
	run_wl; wl_ms "$DIR/wl.time" >>"$DIR/alone"
	for hz in 99 999; do
		t0=$(now)
		"$EMBER" record -q -F "$hz" -o "$DIR/ember.svg" -- /usr/bin/time -f 'wl_elapsed=%e' -o "$DIR/wl.time" "$WL" "$STEPS"
		t1=$(now)
		w=$(wl_ms "$DIR/wl.time"); echo "$w" >>"$DIR/ember-$hz"
		echo $(( $(ms "$t0" "$t1") - w )) >>"$DIR/ember-after-$hz"
		stat -c %s "$DIR/ember.svg" >>"$DIR/ember-bytes-$hz"

		t0=$(now)
		perf record -q -F "$hz" -e cpu-clock --call-graph dwarf -o "$DIR/perf.data" -- \
			/usr/bin/time -f 'wl_elapsed=%e' -o "$DIR/wl.time" "$WL" "$STEPS" 2>/dev/null
		perf script -i "$DIR/perf.data" 2>/dev/null | "$FG/stackcollapse-perf.pl" | "$FG/flamegraph.pl" >"$DIR/perf.svg"
		t1=$(now)
		w=$(wl_ms "$DIR/wl.time"); echo "$w" >>"$DIR/perf-$hz"
		echo $(( $(ms "$t0" "$t1") - w )) >>"$DIR/perf-after-$hz"
		stat -c %s "$DIR/perf.data" >>"$DIR/perf-bytes-$hz"
	done
done
alone=$(median <"$DIR/alone")
printf '%-34s %8s %9s %14s %12s\n' "" "wall ms" "slowdown" "to graph, ms" "bytes"
printf '%-34s %8s\n' "ground_truth alone" "$alone"
for hz in 99 999; do
	for tool in ember perf; do
		w=$(median <"$DIR/$tool-$hz")
		printf '%-34s %8s %8s%% %14s %12s\n' "$tool record -F $hz" "$w" \
			"$(awk -v w="$w" -v a="$alone" 'BEGIN { printf "%.1f", 100 * (w - a) / a }')" \
			"$(median <"$DIR/$tool-after-$hz")" "$(median <"$DIR/$tool-bytes-$hz")"
	done
done
rm -f "$DIR"/alone "$DIR"/ember-* "$DIR"/perf-* "$DIR/perf.data" "$DIR/true.data"
