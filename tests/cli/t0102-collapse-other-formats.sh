# t0102: `ember collapse` reads folded stacks (normalised: sorted, summed)
# and honours --in-format; the format is found from content, after gzip.
. "$(dirname "$0")/lib.sh"
printf 'main;g 1\nmain;f 2\nmain;f 3\n' | gzip -c >in.folded.gz
expect_status 0 "$EMBER" collapse in.folded.gz
[ "$(cat "$T/out")" = "main;f 5
main;g 1" ] || fail "folded input: $(cat "$T/out")"
# forced perf-script reading of folded text finds no samples
expect_status 3 "$EMBER" collapse --in-format perf-script in.folded.gz
expect_status 2 "$EMBER" collapse --in-format nonsense in.folded.gz
expect_match "$T/err" "unknown input format 'nonsense'"
exit 0
