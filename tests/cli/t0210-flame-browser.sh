# t0210: the flame graph viewer in a real browser (Debian's chromium driven by
# playwright-core from tests/browser): hover, search + matched %, case toggle,
# click zoom, reset, URL state. Skips when chromium, node or the npm
# dependencies (scripts/setup runs `npm ci` in tests/browser) are missing.
. "$(dirname "$0")/lib.sh"
B="$EMBER_ROOT/tests/browser"
[ -x /usr/bin/chromium ] || skip "chromium is not installed (scripts/setup installs it)"
command -v node >/dev/null || skip "node is not installed (scripts/setup installs nodejs)"
[ -d "$B/node_modules/playwright-core" ] || skip "tests/browser/node_modules missing (run scripts/setup, or npm ci in tests/browser)"
printf 'main;alpha;x 30\nmain;alpha;z 20\nmain;beta;y 10\nother;alpha 40\n' >viewer.folded
"$EMBER" flame viewer.folded >viewer.svg || fail "ember flame failed"
printf 'main;wide 990\nmain;narrow;leaf 10\n' >narrow.folded
"$EMBER" flame narrow.folded >narrow.svg || fail "ember flame failed"
if command -v xmllint >/dev/null; then xmllint --noout viewer.svg narrow.svg || fail "SVG not well-formed"; fi
timeout 120 node "$B/flame-viewer.js" "$T" || fail "browser checks failed"
exit 0
