#!/usr/bin/env bash
# bench/flame.sh - `ember flame` against FlameGraph's flamegraph.pl on the same
# folded input, side by side in one run, plus the 1,000,000-stack bar.
#
#   FLAMEGRAPH_DIR=/path/to/FlameGraph bench/flame.sh
#
# Inputs come from bench/flame-gen.py (deterministic): 30,000 unique stacks
# shaped like Java/kernel profiles ("deep", depth 20-60) and like short C
# profiles ("wide", depth ~10); 1,000,000 unique stacks of each shape for
# the big-profile bar (<= 3 s, SVG <= 10 MB). Runs are interleaved (ember, Perl, ember,
# ...) and medians reported, wall clock and CPU time (user + sys: the machine
# is shared, so CPU time is the steadier figure); the frame sets of the two SVGs are compared with
# tests/golden/flame/frames.py. With chromium and tests/browser/node_modules,
# bench/flame-browser.js also times opening, zooming and searching a
# 100,000-stack graph in the browser, ember's SVG against flamegraph.pl's.
set -euo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
EMBER=${EMBER:-$REPO/build/ember}
FG=${FLAMEGRAPH_DIR:?set FLAMEGRAPH_DIR to a FlameGraph checkout (kept outside this repository)}
RUNS=${RUNS:-3}
DIR=${EMBER_BENCH_DIR:-/tmp/ember-bench/flame}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
mkdir -p "$DIR"

gen() { # shape n file
	[ -s "$3" ] || python3 "$REPO/bench/flame-gen.py" "$1" "$2" >"$3"
}
timed() { # label outfile cmd... ; prints "wall_seconds maxrss_kb cpu_seconds" (wall to the ms)
	local label=$1 out=$2 t0 t1; shift 2
	t0=$(date +%s%N)
	/usr/bin/time -f "%M %U %S" -o "$DIR/$label.time" "$@" >"$out" 2>/dev/null || true
	t1=$(date +%s%N)
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')" \
		"$(tail -1 "$DIR/$label.time" | awk '{printf "%s %.2f", $1, $2 + $3}')"
}
# ember is too quick for /usr/bin/time's 10 ms steps: time LOOP runs in one go
LOOP=${LOOP:-10}
timed_loop() { # label outfile cmd... ; like timed, per run of LOOP runs
	local label=$1 out=$2; shift 2
	timed "$label" "$out" bash -c 'for ((k = 0; k < '"$LOOP"'; k++)); do "$@" >"$0" || exit; done' "$out" "$@" |
		awk -v n="$LOOP" '{printf "%.4f %s %.4f\n", $1 / n, $2, $3 / n}'
}
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

echo "machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
for shape in deep wide; do
	in="$DIR/$shape-30k.folded"
	gen "$shape" 30000 "$in"
	cat "$in" >/dev/null
	: >"$DIR/e.times"; : >"$DIR/p.times"
	for ((i = 0; i < RUNS; i++)); do
		timed_loop ember "$DIR/ember.svg" "$EMBER" flame "$in" >>"$DIR/e.times"
		timed perl "$DIR/perl.svg" perl "$FG/flamegraph.pl" "$in" >>"$DIR/p.times"
	done
	e=$(cut -d' ' -f1 "$DIR/e.times" | median); p=$(cut -d' ' -f1 "$DIR/p.times" | median)
	ec=$(cut -d' ' -f3 "$DIR/e.times" | median); pc=$(cut -d' ' -f3 "$DIR/p.times" | median)
	python3 "$REPO/tests/golden/flame/frames.py" "$DIR/perl.svg" >"$DIR/perl.frames"
	if python3 "$REPO/tests/golden/flame/frames.py" --compare "$DIR/perl.frames" "$DIR/ember.svg" >/dev/null; then
		same="same frames"
	else
		same="FRAMES DIFFER"
	fi
	printf '%-5s 30,000 stacks (%s MB, %s frames drawn): ember %ss, flamegraph.pl %ss: %sx wall clock; CPU %ss vs %ss (%sx); %s\n' \
		"$shape" "$(awk -v s="$(stat -c %s "$in")" 'BEGIN {printf "%.1f", s / 1e6}')" \
		"$(wc -l <"$DIR/perl.frames")" "$e" "$p" "$(awk -v e="$e" -v p="$p" 'BEGIN {printf "%.1f", p / (e > 0 ? e : 0.001)}')" \
		"$ec" "$pc" "$(awk -v e="$ec" -v p="$pc" 'BEGIN {printf "%.0f", p / (e > 0 ? e : 0.01)}')" "$same"
done

for shape in wide deep; do
	big="$DIR/$shape-1m.folded"
	gen "$shape" 1000000 "$big"
	cat "$big" >/dev/null
	: >"$DIR/b.times"
	for ((i = 0; i < RUNS; i++)); do
		timed big "$DIR/big.svg" "$EMBER" flame "$big" >>"$DIR/b.times"
	done
	t=$(cut -d' ' -f1 "$DIR/b.times" | median)
	rss=$(cut -d' ' -f2 "$DIR/b.times" | median)
	cpu=$(cut -d' ' -f3 "$DIR/b.times" | median)
	svg=$(stat -c %s "$DIR/big.svg")
	printf '%-5s 1,000,000 unique stacks (%s MB): ember %ss wall, %ss CPU (bar 3 s), SVG %.1f MB (bar 10 MB), peak RSS %s MB, %s\n' \
		"$shape" "$(awk -v s="$(stat -c %s "$big")" 'BEGIN {printf "%.0f", s / 1e6}')" "$t" "$cpu" \
		"$(awk -v s="$svg" 'BEGIN {print s / 1e6}')" "$((rss / 1024))" \
		"$(xmllint --noout "$DIR/big.svg" 2>/dev/null && echo "well-formed" || echo "NOT WELL-FORMED")"
done

if [ -x /usr/bin/chromium ] && [ -d "$REPO/tests/browser/node_modules/playwright-core" ]; then
	in="$DIR/deep-100k.folded"
	gen deep 100000 "$in"
	"$EMBER" flame "$in" >"$DIR/ember-100k.svg"
	perl "$FG/flamegraph.pl" "$in" >"$DIR/perl-100k.svg" 2>/dev/null
	node "$REPO/bench/flame-browser.js" "$DIR/ember-100k.svg" "$DIR/perl-100k.svg"
else
	echo "browser timing skipped: needs /usr/bin/chromium and tests/browser/node_modules (scripts/setup)"
fi
