# t0221: off-CPU frames from `ember record --hot-cold` ("_[o]") are drawn in
# flamegraph.pl's io blues in any palette, and the annotation is not shown.
. "$(dirname "$0")/lib.sh"
export EMBER_DETERMINISTIC=1
printf 'app;main;work 300\napp;main;wait_[o];futex_wait_[o] 500\n' >hc.folded
for pal in hot java mem; do
	"$EMBER" flame --colors "$pal" hc.folded >hc.svg || fail "flame --colors $pal"
	grep -o '<title>futex_wait (500[^<]*</title><rect[^>]*fill="rgb([0-9,]*)"' hc.svg |
		sed 's/.*rgb(\([0-9]*\),\([0-9]*\),\([0-9]*\)).*/\1 \2 \3/' >rgb.txt
	read -r r g b <rgb.txt || fail "no futex_wait frame with --colors $pal"
	[ "$b" -gt "$r" ] && [ "$b" -ge 190 ] || fail "--colors $pal: off-CPU frame is rgb($r,$g,$b), not blue"
	grep -q '_\[o\]' hc.svg && fail "--colors $pal: the _[o] annotation is shown"
done
exit 0
