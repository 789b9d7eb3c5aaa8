#!/bin/bash
# Builds a large `perf script` text file for benchmarking collapse speed by
# concatenating the decompressed real recordings in tests/golden/collapse
# (<case>.perf.xz only; the hand-written edge-*.perf files are left out).
# The output is deterministic: inputs are taken in C-locale name order and
# whole rounds of all inputs are appended until the target size is reached.
#
# Environment:
#   EMBER_BENCH_OUT   output file       (default /tmp/ember-bench/big.perf)
#   EMBER_BENCH_MB    minimum size, MiB (default 512, i.e. >= 500 MB)
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "$0")/.." && pwd)
SRC=$REPO/tests/golden/collapse
OUT=${EMBER_BENCH_OUT:-/tmp/ember-bench/big.perf}
MB=${EMBER_BENCH_MB:-512}
case $MB in ''|*[!0-9]*) echo "EMBER_BENCH_MB must be a whole number" >&2; exit 2 ;; esac
TARGET=$((MB * 1024 * 1024))

mkdir -p "$(dirname "$OUT")"
inputs=()
for f in "$SRC"/*.perf.xz; do [ -e "$f" ] && inputs+=("$f"); done
[ ${#inputs[@]} -gt 0 ] || { echo "no recordings in $SRC" >&2; exit 1; }

# One round = every recording once, in name order.
round=$(mktemp "${OUT}.round.XXXXXX")
trap 'rm -f "$round"' EXIT
for f in "${inputs[@]}"; do xzcat "$f"; done >"$round"
round_size=$(stat -c %s "$round")
[ "$round_size" -gt 0 ] || { echo "recordings are empty" >&2; exit 1; }
rounds=$(( (TARGET + round_size - 1) / round_size ))
[ "$rounds" -ge 1 ] || rounds=1

tmp="$OUT.tmp"
: >"$tmp"
for ((i = 0; i < rounds; i++)); do cat "$round"; done >"$tmp"
mv -f "$tmp" "$OUT"

size=$(stat -c %s "$OUT")
printf '%s: %d bytes (%d MiB), %d rounds of %d recordings (%d bytes each), sha256 %s\n' \
    "$OUT" "$size" $((size / 1024 / 1024)) "$rounds" "${#inputs[@]}" "$round_size" \
    "$(sha256sum "$OUT" | cut -d' ' -f1)"
