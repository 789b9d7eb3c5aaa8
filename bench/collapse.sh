#!/usr/bin/env bash
# bench/collapse.sh - `ember collapse` against FlameGraph's stackcollapse-perf.pl
# on the same >= 500 MB `perf script` text, side by side in one run.
#
#   FLAMEGRAPH_DIR=/path/to/FlameGraph bench/collapse.sh
#
# The corpus is made by bench/make-perf-script-corpus.sh (real recordings from
# tests/golden/collapse, concatenated). Runs are interleaved (ember, Perl,
# ember, ...) so machine noise hits both; medians are reported. Also checks
# the two outputs are byte-identical and that peak memory follows unique
# stacks, not input size (the same stacks at 1/4 and full size).
set -euo pipefail
export LC_ALL=C
REPO=$(cd "$(dirname "$0")/.." && pwd)
EMBER=${EMBER:-$REPO/build/ember}
FG=${FLAMEGRAPH_DIR:?set FLAMEGRAPH_DIR to a FlameGraph checkout (kept outside this repository)}
RUNS=${RUNS:-3}
OUT=${EMBER_BENCH_OUT:-/tmp/ember-bench/big.perf}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
[ -f "$OUT" ] || EMBER_BENCH_OUT=$OUT "$REPO/bench/make-perf-script-corpus.sh"
dir=$(dirname "$OUT")
size=$(stat -c %s "$OUT")
cat "$OUT" >/dev/null	# warm the page cache for both tools

timed() { # label outfile cmd... ; prints "seconds maxrss_kb"
	local label=$1 out=$2; shift 2
	/usr/bin/time -f "%e %M" -o "$dir/$label.time" "$@" >"$out" 2>/dev/null
	cat "$dir/$label.time"
}

declare -a ember_t perl_t
ember_rss=0
for i in $(seq 1 "$RUNS"); do
	read -r t rss < <(timed ember "$dir/ember.folded" "$EMBER" collapse -q "$OUT")
	ember_t+=("$t"); ember_rss=$rss
	read -r t _ < <(timed perl "$dir/perl.folded" perl "$FG/stackcollapse-perf.pl" "$OUT")
	perl_t+=("$t")
	echo "run $i: ember ${ember_t[-1]} s, stackcollapse-perf.pl $t s" >&2
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
em=$(median "${ember_t[@]}"); pm=$(median "${perl_t[@]}")
cmp -s "$dir/ember.folded" "$dir/perl.folded" && same=yes || same=NO

# memory vs input size: a quarter of the corpus (whole rounds) has the same unique stacks
head -c $((size / 4)) "$OUT" | awk 'BEGIN{RS="\n\n"; ORS="\n\n"} {print}' >"$dir/quarter.perf"
read -r _ rss_q < <(timed emberq "$dir/quarter.folded" "$EMBER" collapse -q "$dir/quarter.perf")
read -r t1 rss1 < <(timed ember1 "$dir/ember1.folded" "$EMBER" collapse -q -j1 "$OUT")

mb=$(awk -v s="$size" 'BEGIN { printf "%.0f", s / 1e6 }')
awk -v mb="$mb" -v em="$em" -v pm="$pm" -v t1="$t1" 'BEGIN {
	printf "input: %s MB of perf script text\n", mb
	printf "ember collapse (both cores): median %.2f s = %.0f MB/s\n", em, mb / em
	printf "ember collapse -j1:          %.2f s = %.0f MB/s\n", t1, mb / t1
	printf "stackcollapse-perf.pl:       median %.2f s = %.1f MB/s\n", pm, mb / pm
	printf "speed-up: %.1fx\n", pm / em
}'
echo "outputs byte-identical: $same ($(wc -l <"$dir/ember.folded") unique stacks)"
echo "peak RSS: ember $((ember_rss / 1024)) MB on the full input, $((rss_q / 1024)) MB on a quarter of it, $((rss1 / 1024)) MB with -j1"
echo "runs: $RUNS each, interleaved; machine: $(nproc) CPUs, $(uname -r), $(date -u +%F)"
[ "$same" = yes ]
