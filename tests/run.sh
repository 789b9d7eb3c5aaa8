#!/usr/bin/env bash
# tests/run.sh - runs every test suite against one build and prints a closing
# "N passed, N failed" line: unit tests, golden files (tests/golden), CLI
# scripts (tests/cli, exit 77 = skipped with a reason) and the fuzz corpora
# replayed through each fuzz target. EMBER_BUILD picks the build directory.
set -u
cd "$(dirname "$0")/.."
B=${EMBER_BUILD:-build}
export EMBER="$PWD/$B/ember"
export EMBER_ROOT="$PWD"
pass=0 fail=0 skip=0
failed_names=()

note_result() { # name status
	case $2 in
	0) pass=$((pass + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) fail=$((fail + 1)); failed_names+=("$1") ;;
	esac
}

echo "== unit"
if out=$("$B/unit-tests" 2>&1); then :; fi
echo "$out" | grep -v '^ok ' || true
p=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$out" | sed -n 's/^unit: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -z "$p" ]; then fail=$((fail + 1)); failed_names+=("unit-tests (crashed)"); else
	pass=$((pass + p)); fail=$((fail + f))
	[ "$f" = 0 ] || failed_names+=("unit-tests ($f)")
fi

echo "== golden"
for suite in tests/golden/*/; do
	[ -x "$suite/run-case.sh" ] || continue
	for exp in "$suite"*@*.expected "$suite"*@*.folded "$suite"*@*.folded.xz; do
		[ -e "$exp" ] || continue
		"$suite/run-case.sh" "$exp"
		st=$?
		note_result "golden: $exp" $st
		[ $st = 0 ] || echo "FAIL golden $exp"
	done
done
echo "golden done"

echo "== cli"
for t in tests/cli/t[0-9]*.sh; do
	[ -e "$t" ] || continue
	log=$(mktemp)
	bash "$t" >"$log" 2>&1
	st=$?
	case $st in
	0) echo "ok   $t" ;;
	77) echo "skip $t: $(tail -1 "$log")" ;;
	*) echo "FAIL $t"; sed 's/^/    /' "$log" | tail -30 ;;
	esac
	note_result "cli: $t" $st
	rm -f "$log"
done

echo "== fuzz corpus replay"
for r in "$B"/replay/fuzz_*; do
	[ -x "$r" ] || continue
	name=$(basename "$r")
	dirs=("tests/fuzz/corpus/$name")
	case $name in
	fuzz_perf_script) dirs+=(tests/golden/collapse) ;;
	esac
	tmpd=$(mktemp -d)
	# inputs are replayed decompressed, as the parsers see them
	for d in "${dirs[@]}"; do
		for f in "$d"/*; do
			[ -f "$f" ] || continue
			case $f in
			*.xz) xz -dc "$f" >"$tmpd/$(basename "$f" .xz)" ;;
			*.folded|*.perf|*.txt|*) cp "$f" "$tmpd/" ;;
			esac
		done
	done
	if out=$("$r" "$tmpd" 2>&1); then
		echo "ok   $name: ${out##*$'\n'}"
		note_result "$name" 0
	else
		echo "FAIL $name"; echo "$out" | tail -20
		note_result "$name" 1
	fi
	rm -rf "$tmpd"
done

echo
if [ ${#failed_names[@]} -gt 0 ]; then
	printf 'failed: %s\n' "${failed_names[@]}"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
