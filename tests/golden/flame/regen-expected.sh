#!/usr/bin/env bash
# regen-expected.sh [--check] - rewrites every <case>@<variant>.expected from
# flamegraph.pl's SVG of the same input and options (frames.py extracts the
# frame set). FLAMEGRAPH_DIR must point at a FlameGraph checkout (kept outside
# this repository). perf-<case> inputs go through stackcollapse-perf.pl first.
# Cases listed in ember-made.txt cannot be drawn by flamegraph.pl (it rejects
# their bytes); their expected files come from ember and were checked by hand.
# With --check, nothing is written; differences are listed and counted.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${FLAMEGRAPH_DIR:?set FLAMEGRAPH_DIR to a FlameGraph checkout}"
: "${EMBER:=$here/../../../build/ember}"
. "$here/args.sh"
check=0
[ "${1:-}" = --check ] && check=1
bad=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for exp in "$here"/*@*.expected; do
	golden_case "$exp"
	if grep -qx "$(basename "$exp")" "$here/ember-made.txt" 2>/dev/null; then
		EMBER_DETERMINISTIC=1 "$EMBER" flame "${args[@]}" "$input" >"$tmp/svg"
	elif [ $perf_input = 1 ]; then
		xz -dc "$input" | perl "$FLAMEGRAPH_DIR/stackcollapse-perf.pl" |
			perl "$FLAMEGRAPH_DIR/flamegraph.pl" "${args[@]}" >"$tmp/svg" 2>/dev/null
	else
		perl "$FLAMEGRAPH_DIR/flamegraph.pl" "${args[@]}" "$input" >"$tmp/svg" 2>/dev/null
	fi
	python3 "$here/frames.py" "$tmp/svg" >"$tmp/frames" || { echo "cannot extract frames for $exp"; bad=$((bad + 1)); continue; }
	if [ $check = 1 ]; then
		cmp -s "$tmp/frames" "$exp" || { echo "differs: $exp"; bad=$((bad + 1)); }
	else
		cp "$tmp/frames" "$exp"
	fi
done
echo "regen-expected: $bad problems"
[ $bad = 0 ]
