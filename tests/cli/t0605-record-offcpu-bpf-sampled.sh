# t0605: BPF off-CPU at switch rates where only some blocks take a stack
# (p < 1): four threads sleeping 50 us at a time (~30,000 blocks a second,
# woken by timers; 2,000 stacks a second), then two threads ping-ponging a
# byte over pipes (~200,000 blocks a second; the default 1,000 stacks). For
# the sleepers the 1/p estimate of blocked time lands within 5 % of the exact
# total the kernel counted; for the ping-pong the
# profile holds the exact total, split between the two threads' stacks (each
# 25-75 %), complete down to the thread start.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip "off-CPU recording needs root (BPF)"
command -v gcc >/dev/null || skip "needs gcc to build the workload"
gcc -O2 -g -fomit-frame-pointer -pthread -o switchy "$EMBER_ROOT/tests/workloads/offcpu_switchy.c" || fail "cannot build the workload"
"$EMBER" record --off-cpu -o probe.folded -- true 2>probe.err || fail "ember record --off-cpu -- true: $(cat probe.err)"
grep -q 'BPF not used' probe.err && skip "no BPF off-CPU here: $(sed -n 's/.*BPF not used: //p' probe.err)"

# a sampled estimate: off by a few percent now and then on a loaded machine
# (a sleep that waited long for a CPU, sampled at a small p, weighs much), so
# up to three tries; a wrong weighting is off by far more, every time
for try in 1 2 3; do
	expect_status 0 "$EMBER" record --off-cpu --stack-rate 2000 -o sleep.folded -- ./switchy sleep 2
	cat "$T/err"
	line=$(grep '^ember record: off-CPU in the kernel (BPF):' "$T/err")
	sampled=$(sed -n 's/.*(BPF): \([0-9]*\) of \([0-9]*\) blocks sampled.*/\1 \2/p' <<<"$line")
	[ -n "$sampled" ] || fail "not every block should be sampled at this rate: $line"
	set -- $sampled
	[ "$1" -ge 1000 ] && [ "$2" -ge $(( $1 * 3 )) ] || fail "expected thousands of stacks out of many more blocks: $1 of $2"
	dev=$(sed -n 's/.*exact (\([-+][0-9.]*\) %).*/\1/p' <<<"$line")
	awk -v d="$dev" 'BEGIN { exit !(d >= -5 && d <= 5) }' && break
	[ $try = 3 ] && fail "1/p estimate off the exact total by $dev % in 3 runs (bar: 5 %)"
done
expect_match sleep.folded '^switchy;\[S\];__clone3;start_thread;sleeper;__GI___nanosleep;.*;schedule_\[k\];__schedule_\[k\] [0-9]+$'

expect_status 0 "$EMBER" record --off-cpu -o pp.folded -- ./switchy pingpong 300000
cat "$T/err"
exact=$(sed -n 's/.*against \([0-9.]*\) s exact.*/\1/p' "$T/err")
grep -q '(BPF): [0-9]* of [0-9]* blocks sampled' "$T/err" || fail "the ping-pong should be sampled (p < 1)"
awk -v exact="$exact" -v out=check.txt '
/;\[S\];__clone3;start_thread;pong;/ { pong += $NF }
/;\[S\];_start;.*;main;/ { ping += $NF }
{ total += $NF }
END {
	printf "ping %.3f s, pong %.3f s, profile %.3f s, exact %.3f s\n", ping / 1e9, pong / 1e9, total / 1e9, exact > out
	bad = 0
	if (total < exact * 1e9 * 0.995 || total > exact * 1e9 * 1.005) bad++
	if (ping + pong < total * 0.95) bad++
	if (ping < (ping + pong) * 0.25 || pong < (ping + pong) * 0.25) bad++
	exit bad
}' pp.folded
st=$?
cat check.txt
[ $st = 0 ] || fail "ping-pong profile: not the exact total, or not split between the two threads"
