# tests/cli/lib.sh - helpers for the end-to-end CLI tests (sourced).
# $EMBER is the binary under test; each test runs in its own temp directory.
set -u
: "${EMBER:?EMBER must point at the ember binary}"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }

# expect_status WANT CMD... : run CMD, compare its exit status
expect_status() {
	local want=$1; shift
	"$@" >"$T/out" 2>"$T/err"
	local got=$?
	[ "$got" = "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(head -c 400 "$T/err")"
}

# expect_match FILE REGEX : FILE must contain a line matching REGEX
expect_match() {
	grep -Eq -- "$2" "$1" || fail "$1 does not match /$2/: $(head -c 400 "$1")"
}
