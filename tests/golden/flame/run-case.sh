#!/usr/bin/env bash
# run-case.sh EXPECTED - one golden case of `ember flame`: draws the input that
# <case>@<variant>.expected names (see args.sh) with EMBER_DETERMINISTIC=1,
# checks the SVG with xmllint, compares its frame set (name, depth, x, width,
# fill, label) with EXPECTED (made from flamegraph.pl's SVG by
# regen-expected.sh) and, when <case>@<variant>.svg exists, compares the whole
# SVG with it (ember's own regression golden; EMBER_BLESS=1 rewrites those).
set -u
here=$(dirname "$0")
. "$here/args.sh"
exp=$1
golden_case "$exp"
svg_golden="${exp%.expected}.svg"
got=$(mktemp)
trap 'rm -f "$got" "$got.err"' EXIT
EMBER_DETERMINISTIC=1 "$EMBER" flame "${args[@]}" "$input" >"$got" 2>"$got.err"
status=$?
if [ $status != 0 ]; then
	echo "$exp: ember flame ${args[*]} exited $status: $(head -c 300 "$got.err")"
	exit 1
fi
if command -v xmllint >/dev/null && ! xmllint --noout "$got" 2>"$got.err"; then
	echo "$exp: SVG is not well-formed XML: $(head -c 300 "$got.err")"
	exit 1
fi
if [ -n "${EMBER_BLESS:-}" ] && [ -e "$svg_golden" ]; then
	cp "$got" "$svg_golden"
fi
python3 "$here/frames.py" --compare "$exp" "$got" || exit 1
if [ -e "$svg_golden" ] && ! cmp -s "$got" "$svg_golden"; then
	echo "$exp: SVG differs from $svg_golden (EMBER_BLESS=1 rewrites it if the change is intended)"
	diff "$svg_golden" "$got" | head -10
	exit 1
fi
exit 0
