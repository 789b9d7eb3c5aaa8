#!/usr/bin/env bash
# bench/record.sh - what `ember record` costs, next to `perf record
# --call-graph dwarf` (the way to get complete stacks from Debian's binaries
# with perf), in one run, interleaved, medians of RUNS:
#   1. start-up: `ember record -- true` and `perf record -- true`, wall clock;
#   2. slowdown: the wall and CPU time of a CPU-bound program (build/workloads/
#      ground_truth, 2 threads, no frame pointers) alone, under ember (BPF
#      samples copying the stack in use; and --no-bpf, perf's fixed 32 KiB
#      copies) and under perf, at 99 and 999 Hz, and the CPU time each tool
#      spends itself; also perf sampling cpu-clock without any stack (the
#      floor: what the timer interrupt and a bare sample cost the program);
#   3. time to a flame graph once the program ends: ember writes the SVG as it
#      exits; perf needs `perf script | stackcollapse-perf.pl | flamegraph.pl`;
#   4. bytes written: ember's SVG against perf.data;
#   5. ember's unwinding rate in steady state, on one core
#      (bench/record_unwind.c).
#
#   FLAMEGRAPH_DIR=/path/to/FlameGraph RUNS=3 STEPS=2000 bench/record.sh    (as root)
#   HZS="999 4999" ...: other rates (default "99 999"); at 5x the rate the
#   cost a sample stands well above the machine's run-to-run noise.
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

# the program's own wall and CPU time (user + sys), in ms, as `time` printed them
wl_ms() { awk -F'[= ]' '/^wl=/ { printf "%d\n", $2 * 1000 }' "$1"; }
wl_cpu() { awk -F'[= ]' '/^wl=/ { printf "%d\n", ($3 + $4) * 1000 }' "$1"; }
tool_cpu() { awk -F'[= ]' '/^tool=/ { printf "%d\n", ($2 + $3) * 1000 }' "$1"; }
WLT=(/usr/bin/time -f 'wl=%e %U %S' -o "$DIR/wl.time")
TOOLT=(/usr/bin/time -f 'tool=%U %S' -o "$DIR/tool.time")
run_wl() { "${WLT[@]}" "$WL" "$STEPS"; }

echo "== start-up (median of $RUNS, ms)"
for i in $(seq "$RUNS"); do
	t0=$(now); "$EMBER" record -q -o "$DIR/true.folded" -- true; t1=$(now); ms "$t0" "$t1" >>"$DIR/ember-true"
	t0=$(now); perf record -q -B -o "$DIR/true.data" -- true 2>/dev/null; t1=$(now); ms "$t0" "$t1" >>"$DIR/perf-true"
done
printf '%-40s %6s ms\n' "ember record -- true" "$(median <"$DIR/ember-true")" \
	"perf record -- true" "$(median <"$DIR/perf-true")"
rm -f "$DIR/ember-true" "$DIR/perf-true"

echo "== ground_truth $STEPS under each tool (median of $RUNS)"
for i in $(seq "$RUNS"); do
	run_wl; wl_ms "$DIR/wl.time" >>"$DIR/alone"; wl_cpu "$DIR/wl.time" >>"$DIR/alone-cpu"
	for hz in ${HZS:-99 999}; do
		t0=$(now)
		"${TOOLT[@]}" "$EMBER" record -F "$hz" -o "$DIR/ember.svg" -- "${WLT[@]}" "$WL" "$STEPS" 2>"$DIR/ember.log"
		t1=$(now)
		# a run that lost samples did less work: it would flatter the figures
		lost=$(sed -n 's/.* \([0-9]*\) lost;.*/\1/p' "$DIR/ember.log")
		[ "${lost:-x}" = 0 ] || echo "warning: ember lost ${lost:-?} samples in run $i at $hz Hz" >&2
		w=$(wl_ms "$DIR/wl.time"); echo "$w" >>"$DIR/ember-$hz"
		c=$(wl_cpu "$DIR/wl.time"); echo "$c" >>"$DIR/ember-cpu-$hz"
		echo $(( $(tool_cpu "$DIR/tool.time") - c )) >>"$DIR/ember-own-$hz"
		echo $(( $(ms "$t0" "$t1") - w )) >>"$DIR/ember-after-$hz"
		stat -c %s "$DIR/ember.svg" >>"$DIR/ember-bytes-$hz"

		"${TOOLT[@]}" "$EMBER" record --no-bpf -F "$hz" -o "$DIR/ember.svg" -- "${WLT[@]}" "$WL" "$STEPS" 2>/dev/null
		w=$(wl_ms "$DIR/wl.time"); echo "$w" >>"$DIR/nobpf-$hz"
		c=$(wl_cpu "$DIR/wl.time"); echo "$c" >>"$DIR/nobpf-cpu-$hz"
		echo $(( $(tool_cpu "$DIR/tool.time") - c )) >>"$DIR/nobpf-own-$hz"
		echo 0 >>"$DIR/nobpf-after-$hz"; stat -c %s "$DIR/ember.svg" >>"$DIR/nobpf-bytes-$hz"

		"${TOOLT[@]}" perf record -q -F "$hz" -e cpu-clock -o "$DIR/floor.data" -- "${WLT[@]}" "$WL" "$STEPS" 2>/dev/null
		w=$(wl_ms "$DIR/wl.time"); echo "$w" >>"$DIR/floor-$hz"
		c=$(wl_cpu "$DIR/wl.time"); echo "$c" >>"$DIR/floor-cpu-$hz"
		echo $(( $(tool_cpu "$DIR/tool.time") - c )) >>"$DIR/floor-own-$hz"
		echo 0 >>"$DIR/floor-after-$hz"; stat -c %s "$DIR/floor.data" >>"$DIR/floor-bytes-$hz"

		t0=$(now)
		"${TOOLT[@]}" perf record -q -B -F "$hz" -e cpu-clock --call-graph dwarf -o "$DIR/perf.data" -- \
			"${WLT[@]}" "$WL" "$STEPS" 2>/dev/null
		cp "$DIR/tool.time" "$DIR/tool1.time"
		# perf script itself sometimes aborts on DWARF samples here; the
		# time it took still counts, and the run goes on
		"${TOOLT[@]}" sh -c "perf script -i '$DIR/perf.data' 2>/dev/null | '$FG/stackcollapse-perf.pl' | '$FG/flamegraph.pl' >'$DIR/perf.svg' 2>/dev/null" ||
			echo "(perf script | stackcollapse-perf.pl | flamegraph.pl failed in run $i at $hz Hz)" >&2
		t1=$(now)
		w=$(wl_ms "$DIR/wl.time"); echo "$w" >>"$DIR/perf-$hz"
		c=$(wl_cpu "$DIR/wl.time"); echo "$c" >>"$DIR/perf-cpu-$hz"
		echo $(( $(tool_cpu "$DIR/tool1.time") - c + $(tool_cpu "$DIR/tool.time") )) >>"$DIR/perf-own-$hz"
		echo $(( $(ms "$t0" "$t1") - w )) >>"$DIR/perf-after-$hz"
		stat -c %s "$DIR/perf.data" >>"$DIR/perf-bytes-$hz"
	done
done
alone=$(median <"$DIR/alone")
alone_cpu=$(median <"$DIR/alone-cpu")
pct() { awk -v w="$1" -v a="$2" 'BEGIN { printf "%+.1f%%", 100 * (w - a) / a }'; }
printf '%-22s %9s %7s %9s %7s %10s %12s %11s\n' "" "wall ms" "" "cpu ms" "" "tool cpu" "to graph ms" "bytes"
printf '%-22s %9s %7s %9s\n' "alone" "$alone" "" "$alone_cpu"
for hz in ${HZS:-99 999}; do
	for tool in ember nobpf perf floor; do
		w=$(median <"$DIR/$tool-$hz"); c=$(median <"$DIR/$tool-cpu-$hz")
		case $tool in nobpf) name="ember --no-bpf -F $hz" ;; floor) name="perf no stacks -F $hz" ;; *) name="$tool -F $hz" ;; esac
		printf '%-22s %9s %7s %9s %7s %10s %12s %11s\n' "$name" "$w" "$(pct "$w" "$alone")" \
			"$c" "$(pct "$c" "$alone_cpu")" "$(median <"$DIR/$tool-own-$hz")" \
			"$(median <"$DIR/$tool-after-$hz")" "$(median <"$DIR/$tool-bytes-$hz")"
	done
done
echo "every run, wall/cpu ms (interleaved in this order):"
printf '  %-22s %s\n' alone "$(paste -d/ "$DIR/alone" "$DIR/alone-cpu" | tr '\n' ' ')"
for hz in ${HZS:-99 999}; do
	for tool in ember nobpf perf floor; do
		printf '  %-22s %s\n' "$tool -F $hz" "$(paste -d/ "$DIR/$tool-$hz" "$DIR/$tool-cpu-$hz" | tr '\n' ' ')"
	done
done
echo "(wall/cpu: the program's; tool cpu: the tool's own, with perf script + the Perl scripts for perf;"
echo " to graph: from the program's end to the SVG (not measured for --no-bpf and the floor);"
echo " bytes: ember's SVG, perf's perf.data; perf no stacks: -e cpu-clock without -g, the sampling floor)"
rm -f "$DIR"/alone* "$DIR"/ember-* "$DIR"/perf-* "$DIR"/nobpf-* "$DIR"/floor-* "$DIR"/*.data "$DIR"/tool*.time

echo "== unwinding rate in steady state (bench/record_unwind.c: a 14-frame stack from the rule table)"
make -s -C "$REPO" build/bench/record_unwind
"$REPO/build/bench/record_unwind" 2000000
