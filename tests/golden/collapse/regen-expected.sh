#!/bin/bash
# Regenerates every expected output (<case>@<variant>.folded[.xz]) in this
# directory by running FlameGraph's stackcollapse-perf.pl from a checkout that
# lives OUTSIDE this repository (we do not vendor it).
#
# Usage:
#   FLAMEGRAPH_DIR=/path/to/FlameGraph tests/golden/collapse/regen-expected.sh          # rewrite in place
#   FLAMEGRAPH_DIR=/path/to/FlameGraph tests/golden/collapse/regen-expected.sh --check  # compare only
#
# Inputs:  <case>.perf.xz (recorded with perf) and <case>.perf (hand-written).
# Variants: default, pid, tid, kernel, jit, all, addrs, and event=EVENT for
# every event name found in an input that has 2+ event types or a tracepoint.
# Outputs larger than 200 KiB are stored xz-compressed.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "$0")" && pwd)
: "${FLAMEGRAPH_DIR:?set FLAMEGRAPH_DIR to a FlameGraph checkout (outside this repo)}"
COLLAPSE=$FLAMEGRAPH_DIR/stackcollapse-perf.pl
[ -f "$COLLAPSE" ] || { echo "no $COLLAPSE" >&2; exit 2; }

CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1

if [ $CHECK = 1 ]; then
    OUT=$(mktemp -d)
    trap 'rm -rf "$OUT"' EXIT
else
    OUT=$HERE
    rm -f "$HERE"/*@*.folded "$HERE"/*@*.folded.xz
fi

MAX_PLAIN=$((200 * 1024))

# Event names used in an input, in order of first appearance. A sample header
# is a line not starting with a tab or '#'; the event is the word ending in
# ':' that follows the "secs.usecs:" timestamp (after an optional period).
events_of() {
    awk '{
        sub(/\r$/, "")
        if ($0 ~ /^(\t|#)/) next
        for (i = 1; i < NF; i++) {
            if ($i ~ /^[0-9]+\.[0-9]+:$/) {
                j = i + 1
                if ($j ~ /^[0-9]+$/) j++
                if (j <= NF && $j ~ /:$/) {
                    ev = substr($j, 1, length($j) - 1)
                    if (!(ev in seen)) { seen[ev] = 1; print ev }
                }
                break
            }
        }
    }'
}

# emit CASE VARIANT OPTION... : run the collapser on the input of CASE.
emit() {
    local case=$1 variant=$2; shift 2
    local dst="$OUT/$case@$variant.folded"
    cat_input "$case" | perl "$COLLAPSE" "$@" >"$dst" 2>/dev/null
    if [ "$(stat -c %s "$dst")" -gt $MAX_PLAIN ]; then
        xz -9 -T1 -f "$dst"
    fi
}

cat_input() {
    if [ -f "$HERE/$1.perf.xz" ]; then xzcat "$HERE/$1.perf.xz"; else cat "$HERE/$1.perf"; fi
}

n=0
for input in "$HERE"/*.perf.xz "$HERE"/*.perf; do
    [ -e "$input" ] || continue
    case=$(basename "$input"); case=${case%.xz}; case=${case%.perf}
    emit "$case" default
    emit "$case" pid    --pid
    emit "$case" tid    --tid
    emit "$case" kernel --kernel
    emit "$case" jit    --jit
    emit "$case" all    --all
    emit "$case" addrs  --addrs
    mapfile -t evs < <(cat_input "$case" | events_of)
    multi=0
    [ ${#evs[@]} -gt 1 ] && multi=1
    for ev in "${evs[@]}"; do [[ $ev == *:* ]] && multi=1; done
    if [ $multi = 1 ]; then
        for ev in "${evs[@]}"; do
            emit "$case" "event=$ev" "--event-filter=$ev"
        done
    fi
    n=$((n + 1))
done
echo "processed $n inputs" >&2

if [ $CHECK = 1 ]; then
    # Compare decompressed contents so xz version differences do not matter.
    status=0
    for f in "$OUT"/*@*; do
        b=$(basename "$f")
        if [ ! -f "$HERE/$b" ]; then echo "missing: $b" >&2; status=1; continue; fi
        if [[ $b == *.xz ]]; then
            cmp -s <(xzcat "$f") <(xzcat "$HERE/$b") || { echo "differs: $b" >&2; status=1; }
        else
            cmp -s "$f" "$HERE/$b" || { echo "differs: $b" >&2; status=1; }
        fi
    done
    for f in "$HERE"/*@*; do
        [ -f "$OUT/$(basename "$f")" ] || { echo "stale: $(basename "$f")" >&2; status=1; }
    done
    [ $status = 0 ] && echo "all expected outputs match" >&2
    exit $status
fi
