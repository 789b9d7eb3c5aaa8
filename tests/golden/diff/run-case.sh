#!/usr/bin/env bash
# run-case.sh EXPECTED - one golden case of `ember diff`: <A>--<B>@<variant>.expected
# names two inputs in ../flame (<A>.folded, <B>.folded) and the options
# (default, n, s, n+s). The expected output is difffolded.pl's, sorted
# (regen-expected.sh); ember's must be byte-identical.
set -u
here=$(dirname "$0")
exp=$1
base=$(basename "$exp" .expected)
pair=${base%%@*}
variant=${base#*@}
a="$here/../flame/${pair%%--*}.folded"
b="$here/../flame/${pair#*--}.folded"
args=()
case $variant in
default) ;;
n) args=(-n) ;;
s) args=(-s) ;;
n+s) args=(-n -s) ;;
*) echo "unknown variant '$variant' in $exp"; exit 1 ;;
esac
got=$(mktemp)
trap 'rm -f "$got"' EXIT
if ! "$EMBER" diff "${args[@]}" "$a" "$b" >"$got"; then
	echo "$exp: ember diff ${args[*]} failed"
	exit 1
fi
if ! cmp -s "$got" "$exp"; then
	echo "$exp: output differs (ember diff ${args[*]} $a $b)"
	diff "$exp" "$got" | head -10
	exit 1
fi
exit 0
