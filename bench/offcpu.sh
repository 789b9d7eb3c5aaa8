#!/usr/bin/env bash
# bench/offcpu.sh - what off-CPU recording costs a context-switch-heavy
# program (issue 6): two threads ping-ponging one byte over a pair of pipes
# (ROUNDS round trips, 4 context switches each), alone and under each tool,
# interleaved, medians of RUNS:
#   - perf record -e sched:sched_switch -g   (perf's tracepoint way)
#   - perf record --off-cpu                  (only where perf was built with BPF skeletons)
#   - ember record --off-cpu                 (in the kernel, BPF: exact totals, ~1000 stacks/s)
#   - ember record --off-cpu --no-bpf        (a perf sample with a 32 KiB stack per switch)
# Prints wall time and slowdown against the program alone, and ember's
# summary of the last BPF run (blocks sampled, estimate against the exact
# total). The bar: ember slows it by <= 10 %.
#
#   RUNS=5 ROUNDS=200000 bench/offcpu.sh      (as root)
set -euo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
EMBER=${EMBER:-$REPO/build/ember}
RUNS=${RUNS:-5}
ROUNDS=${ROUNDS:-200000}
DIR=${EMBER_BENCH_DIR:-/tmp/ember-bench/offcpu}
CC=${CC:-gcc}
command -v perf >/dev/null || { echo "needs perf (linux-perf)" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run as root (tracepoints and system-wide perf need it)" >&2; exit 2; }
mkdir -p "$DIR"

# The ping-pong program (tests/workloads/offcpu_switchy.c, as t0605 runs it).
$CC -O2 -g -pthread -o "$DIR/pingpong" "$REPO/tests/workloads/offcpu_switchy.c"
WL=("$DIR/pingpong" pingpong "$ROUNDS")

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# the program's own wall time (it prints it, in us), in ms, from the tool's output
wl_ms() { awk '/^offcpu_switchy: / { printf "%.1f\n", $(NF - 1) / 1000 }' "$DIR/wl.out"; }

perf_offcpu=no
if ! probe=$(perf record --off-cpu -o "$DIR/probe.data" -- true 2>&1); then
	echo "perf record --off-cpu: fails here; skipped"
elif grep -q "off-cpu' is being ignored" <<<"$probe"; then
	echo "perf record --off-cpu: not supported by this perf (built without BUILD_BPF_SKEL=1); skipped"
else
	perf_offcpu=yes
fi
ember_offcpu=no
if "$EMBER" record --help 2>&1 | grep -q -- '--off-cpu'; then
	ember_offcpu=yes
else
	echo "ember record --off-cpu: not integrated yet; skipped"
fi

rm -f "$DIR"/r-*
for i in $(seq "$RUNS"); do
	"${WL[@]}" >"$DIR/wl.out"; wl_ms >>"$DIR/r-alone"
	# perf 6.1.192 sometimes aborts at the end of this recording: such a run is left out
	if perf record -q -e sched:sched_switch -g -o "$DIR/sw.data" -- "${WL[@]}" >"$DIR/wl.out" 2>/dev/null; then
		wl_ms >>"$DIR/r-perf-sched-switch"
	else
		echo "perf record -e sched:sched_switch -g failed (status $?); run left out" >&2
	fi
	if [ $perf_offcpu = yes ]; then
		perf record -q --off-cpu -o "$DIR/off.data" -- "${WL[@]}" >"$DIR/wl.out" 2>/dev/null
		wl_ms >>"$DIR/r-perf-off-cpu"
	fi
	if [ $ember_offcpu = yes ]; then
		"$EMBER" record --off-cpu -o "$DIR/ember.folded" -- "${WL[@]}" >"$DIR/wl.out" 2>"$DIR/ember.err"
		wl_ms >>"$DIR/r-ember-off-cpu"
		"$EMBER" record -q --off-cpu --no-bpf -o "$DIR/ember-perf.folded" -- "${WL[@]}" >"$DIR/wl.out"
		wl_ms >>"$DIR/r-ember-off-cpu-no-bpf"
	fi
done

base=$(median <"$DIR/r-alone")
echo "== pingpong $ROUNDS round trips, wall ms (median of $RUNS)"
printf '%-42s %7s ms\n' "alone" "$base"
for f in "$DIR"/r-perf-sched-switch "$DIR"/r-perf-off-cpu "$DIR"/r-ember-off-cpu "$DIR"/r-ember-off-cpu-no-bpf; do
	[ -s "$f" ] || continue
	m=$(median <"$f")
	label=${f##*/r-}
	printf '%-42s %7s ms  %+6.1f %%\n' "$label" "$m" "$(awk -v m="$m" -v b="$base" 'BEGIN { print b ? (m - b) * 100 / b : 0 }')"
done
ls -l "$DIR"/sw.data 2>/dev/null | awk '{ printf "perf.data for sched_switch -g: %.1f MB\n", $5 / 1e6 }'
[ -s "$DIR/ember.err" ] && sed -n 's/^ember record: off-CPU in the kernel/ember (last run): off-CPU in the kernel/p' "$DIR/ember.err"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
