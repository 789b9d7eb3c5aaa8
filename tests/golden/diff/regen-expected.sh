#!/usr/bin/env bash
# regen-expected.sh - rewrites every <A>--<B>@<variant>.expected with the
# output of FlameGraph's difffolded.pl (FLAMEGRAPH_DIR, kept outside this
# repository), sorted bytewise by stack as ember writes it (difffolded.pl
# prints in hash order).
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${FLAMEGRAPH_DIR:?set FLAMEGRAPH_DIR to a FlameGraph checkout}"
for exp in "$here"/*@*.expected; do
	base=$(basename "$exp" .expected)
	pair=${base%%@*}
	variant=${base#*@}
	args=()
	case $variant in n) args=(-n) ;; s) args=(-s) ;; n+s) args=(-n -s) ;; esac
	perl "$FLAMEGRAPH_DIR/difffolded.pl" "${args[@]}" "$here/../flame/${pair%%--*}.folded" \
		"$here/../flame/${pair#*--}.folded" |
		python3 -c 'import sys; sys.stdout.buffer.writelines(sorted(sys.stdin.buffer, key=lambda l: l.rsplit(b" ", 2)[0]))' >"$exp"
done
