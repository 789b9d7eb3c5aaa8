#!/usr/bin/env bash
# run-case.sh EXPECTED - one golden case of `ember collapse`: the expected
# file's name <case>@<variant>.folded[.xz] names the input <case>.perf[.xz]
# and the options (default, pid, tid, kernel, jit, all, addrs, event=EVENT).
# EMBER_BLESS=1 rewrites the expected file from ember's output.
set -u
exp=$1
dir=$(dirname "$exp")
base=$(basename "$exp")
base=${base%.xz}
base=${base%.folded}
case_name=${base%%@*}
variant=${base#*@}
input="$dir/$case_name.perf"
[ -e "$input" ] || input="$dir/$case_name.perf.xz"
case $variant in
default) args=() ;;
pid | tid | kernel | jit | all | addrs) args=("--$variant") ;;
event=*) args=("--event-filter=${variant#event=}") ;;
*) echo "unknown variant '$variant' in $exp"; exit 1 ;;
esac
got=$(mktemp)
trap 'rm -f "$got" "$got.exp" "$got.err"' EXIT
"$EMBER" collapse -q "${args[@]}" "$input" >"$got" 2>"$got.err"
status=$?
case $exp in
*.xz) xz -dc "$exp" >"$got.exp" ;;
*) cp "$exp" "$got.exp" ;;
esac
if [ -n "${EMBER_BLESS:-}" ]; then
	case $exp in *.xz) xz -c "$got" >"$exp" ;; *) cp "$got" "$exp" ;; esac
	exit 0
fi
# empty expected output means "no samples": ember says so with exit 3
if [ -s "$got.exp" ]; then want_status=0; else want_status=3; fi
if [ $status != $want_status ]; then
	echo "$exp: exit status $status, expected $want_status: $(head -c 300 "$got.err")"
	exit 1
fi
if ! cmp -s "$got" "$got.exp"; then
	echo "$exp: output differs (ember collapse ${args[*]} $input)"
	diff "$got.exp" "$got" | head -10
	exit 1
fi
exit 0
