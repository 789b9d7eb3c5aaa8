# t0220: `ember flame` on `perf script` text takes ember collapse's options:
# the picture equals collapsing first and drawing the folded stacks.
. "$(dirname "$0")/lib.sh"
export EMBER_DETERMINISTIC=1
in="$EMBER_ROOT/tests/golden/collapse/cpu-g-node-jit.perf.xz"
for opts in "--all" "--pid --kernel" "--tid --addrs"; do
	# shellcheck disable=SC2086
	"$EMBER" collapse $opts "$in" >folded || fail "collapse $opts"
	"$EMBER" flame --colors js folded >want.svg || fail "flame of folded"
	# shellcheck disable=SC2086
	"$EMBER" flame --colors js $opts "$in" >got.svg || fail "flame $opts"
	cmp -s want.svg got.svg || fail "flame $opts on perf script differs from collapse $opts | flame"
done
grep -q 'JS:\*fib' got.svg || fail "no JIT frames drawn"
# without the options the annotations are absent, so the pictures differ
"$EMBER" flame --colors js "$in" >plain.svg
"$EMBER" collapse --all "$in" | "$EMBER" flame --colors js >all.svg
cmp -s plain.svg all.svg && fail "--all made no difference"
exit 0
