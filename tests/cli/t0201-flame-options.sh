# t0201: `ember flame` options: --cp writes and reuses a palette file,
# --nameattr adds attributes (escaped), --total, bad values are usage errors (exit 2),
# --title/--notes/--encoding cannot break the XML, --random is reproducible
# with EMBER_DETERMINISTIC=1.
. "$(dirname "$0")/lib.sh"
command -v xmllint >/dev/null || skip "xmllint missing (libxml2-utils, see scripts/setup)"
printf 'main;alpha 3\nmain;beta 2\n' >a.folded
expect_status 0 "$EMBER" flame --cp --palfile pal.map a.folded
[ -s pal.map ] || fail "--cp wrote no palette file"
expect_match pal.map '^alpha->rgb\([0-9]+,[0-9]+,[0-9]+\)$'
# a colour from the palette file wins over the computed one
sed -i 's/^alpha->.*/alpha->rgb(1,2,3)/' pal.map
expect_status 0 "$EMBER" flame --cp --palfile pal.map a.folded
expect_match "$T/out" '<title>alpha [^<]*</title><rect [^>]*fill="rgb\(1,2,3\)"'
printf 'alpha\thref=http://example.invalid/?a=1&b=2\ttitle=say "hi" <b>\n' >attrs.tsv
expect_status 0 "$EMBER" flame --nameattr attrs.tsv a.folded
xmllint --noout "$T/out" || fail "--nameattr SVG not well-formed"
expect_match "$T/out" '<a xlink:href="http://example.invalid/\?a=1&amp;b=2" target="_top">'
expect_match "$T/out" '<title>say &quot;hi&quot; &lt;b&gt;</title>'
expect_status 0 "$EMBER" flame --title '<script>alert(1)</script> & "x"' --subtitle '</svg>' \
	--encoding 'utf-8"><x' --notes 'a -- b' a.folded
xmllint --noout "$T/out" || fail "hostile title/encoding/notes broke the XML"
grep -q '<script>alert' "$T/out" && fail "title not escaped"
for bad in "--minwidth abc" "--width 0" "--colors" "--bgcolors pink" "--fontsize x" "--notes <b>" "--frobnicate"; do
	expect_status 2 "$EMBER" flame $bad a.folded
done
# --total: wider than the sum keeps the frames narrower; smaller is ignored with a warning
expect_status 0 "$EMBER" flame --total 10 a.folded
expect_match "$T/out" '<title>all \(10 samples, 100%\)</title>'
expect_match "$T/out" '<title>alpha \(3 samples, 30.00%\)</title>'
expect_status 0 "$EMBER" flame --total 2 a.folded
expect_match "$T/err" 'total 2 is less'
EMBER_DETERMINISTIC=1 "$EMBER" flame --random a.folded >r1.svg || fail "--random failed"
EMBER_DETERMINISTIC=1 "$EMBER" flame --random a.folded >r2.svg || fail "--random failed"
cmp -s r1.svg r2.svg || fail "--random is not reproducible with EMBER_DETERMINISTIC=1"
xmllint --noout r1.svg || fail "--random SVG not well-formed"
grep -q 'function init' r1.svg && fail "EMBER_DETERMINISTIC=1 should leave the viewer script out"
"$EMBER" flame a.folded | grep -q 'function init' || fail "the viewer script is missing"
exit 0
