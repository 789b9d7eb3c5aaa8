# t0200: `ember flame` inputs and outputs: folded on stdin, -o, `perf script`
# text recognised without options (same frames as collapse | flame), pprof
# (one value column, its unit as the count name), several files as one input,
# empty input (error SVG, exit 3, a message), --diff, and every SVG well-formed.
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null || skip "xmllint missing (libxml2-utils, see scripts/setup)"
printf 'main;a;b 3\nmain;a;c 2\nmain;x 5\n' >a.folded
expect_status 0 "$EMBER" flame <a.folded
xmllint --noout "$T/out" || fail "stdin SVG not well-formed"
expect_match "$T/out" '<title>all \(10 samples, 100%\)</title>'
expect_match "$T/out" '<title>a \(5 samples, 50.00%\)</title>'
cp "$T/out" stdin.svg
expect_status 0 "$EMBER" flame -o out.svg a.folded
cmp -s out.svg stdin.svg || fail "-o output differs from stdout output"
# perf script text is recognised and gives the frames collapse would
printf 'app 1/1 1.0: 1 cpu-clock:\n\tffff f (/x)\n\tffff main (/x)\n\napp 1/1 2.0: 1 cpu-clock:\n\tffff g (/x)\n\tffff main (/x)\n\n' >p.txt
expect_status 0 "$EMBER" flame p.txt
expect_match "$T/out" '<title>main \(2 samples, 100.00%\)</title>'
"$EMBER" collapse p.txt | "$EMBER" flame >via-collapse.svg || fail "collapse | flame failed"
cmp -s via-collapse.svg "$T/out" || fail "perf script input differs from collapse | flame"
# pprof (ember run's output): the last sample type, named by its unit
pb="$EMBER_ROOT/tests/fuzz/corpus/fuzz_pprof/cpu.pb.gz"
if [ -e "$pb" ]; then
	expect_status 0 "$EMBER" flame "$pb"
	xmllint --noout "$T/out" || fail "pprof SVG not well-formed"
	expect_match "$T/out" '<title>all \([0-9,]+ nanoseconds, 100%\)</title>'
	grep -q '%; ' "$T/out" && fail "a pprof profile must not be drawn as differential"
fi
# several files are one input
printf 'main;x 5\n' >b.folded
expect_status 0 "$EMBER" flame a.folded b.folded
expect_match "$T/out" '<title>x \(10 samples, 66.67%\)</title>'
# empty input: error SVG (well-formed), exit 3, a clear message
expect_status 3 "$EMBER" flame </dev/null
xmllint --noout "$T/out" || fail "error SVG not well-formed"
expect_match "$T/out" 'ERROR: No valid input'
expect_match "$T/err" 'no stack counts'
printf 'no counts here\n' >junk.txt
expect_status 3 "$EMBER" flame junk.txt
expect_match "$T/err" "junk.txt"
expect_status 3 "$EMBER" flame missing.folded
# --diff draws B's widths with red/blue
printf 'main;a 10\nmain;b 10\n' >before.folded
printf 'main;a 30\nmain;b 5\n' >after.folded
expect_status 0 "$EMBER" flame --diff before.folded after.folded
xmllint --noout "$T/out" || fail "--diff SVG not well-formed"
expect_match "$T/out" '<title>a \(30 samples, 85.71%; \+57.14%\)</title><rect [^>]*fill="rgb\(255,0,0\)"'
expect_match "$T/out" '<title>b \(5 samples, 14.29%; -14.29%\)</title><rect [^>]*fill="rgb\(157,157,255\)"'
expect_status 2 "$EMBER" flame --diff before.folded
exit 0
