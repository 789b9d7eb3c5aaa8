# t0300: `ember diff`: difffolded.pl's lines (sorted), -n and -s, perf script
# input on either side, usage errors; the output draws with `ember flame`.
. "$(dirname "$0")/lib.sh"
printf 'main;a 10\nmain;f 0x7f00 2\nmain;b 10\n' >before.folded
printf 'main;a 30\nmain;c 5\n' >after.folded
expect_status 0 "$EMBER" diff before.folded after.folded
[ "$(cat "$T/out")" = "main;a 10 30
main;b 10 0
main;c 0 5
main;f 0x7f00 2 0" ] || fail "diff output: $(cat "$T/out")"
expect_status 0 "$EMBER" diff -n -s before.folded after.folded
[ "$(cat "$T/out")" = "main;a 15 30
main;b 15 0
main;c 0 5
main;f 0x... 3 0" ] || fail "diff -n -s output: $(cat "$T/out")"
printf 'app 1/1 1.0: 1 cpu-clock:\n\tffff a (/x)\n\tffff main (/x)\n\n' >p.txt
expect_status 0 "$EMBER" diff p.txt after.folded
expect_match "$T/out" '^app;main;a 1 0$'
expect_status 2 "$EMBER" diff before.folded
expect_status 3 "$EMBER" diff before.folded missing.folded
"$EMBER" diff before.folded after.folded | "$EMBER" flame >d.svg || fail "diff | flame failed"
grep -q '; +' d.svg || fail "diff | flame drew no differential titles"
if command -v xmllint >/dev/null; then xmllint --noout d.svg || fail "diff | flame SVG not well-formed"; fi
exit 0
