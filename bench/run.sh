#!/usr/bin/env bash
# bench/run.sh - every benchmark in bench/, one after another (see bench/README.md).
set -euo pipefail
cd "$(dirname "$0")"
for b in ./collapse.sh ./flame.sh ./record.sh ./heap.sh ./offcpu.sh; do
	[ -x "$b" ] || continue
	echo "== $b"
	"$b"
done
