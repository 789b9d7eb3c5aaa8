# t0001: `ember --help`, `--version`, `COMMAND --help` and usage errors
. "$(dirname "$0")/lib.sh"
expect_status 0 "$EMBER" --help
expect_match "$T/out" '^usage: ember'
expect_match "$T/out" 'collapse'
expect_status 0 "$EMBER" --version
expect_match "$T/out" '^ember [0-9a-f.]'
expect_status 0 "$EMBER" collapse --help
expect_match "$T/out" '--event-filter EVENT'
expect_status 2 "$EMBER"
expect_status 2 "$EMBER" frobnicate
expect_match "$T/err" "'frobnicate' is not an ember command"
expect_status 2 "$EMBER" collapse --no-such-option
expect_match "$T/err" "unknown option '--no-such-option'"
expect_status 2 "$EMBER" collapse --jobs=x
expect_match "$T/err" "expects a whole number"
