# t0409: stopping a recording: --duration ends it (and terminates the
# command), SIGTERM and SIGINT to ember stop it cleanly, and the output is
# written every time; -p ends by itself when the process exits.
. "$(dirname "$0")/lib.sh"
GT=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/ground_truth
[ -x "$GT" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"

t0=$(date +%s%N)
expect_status 0 "$EMBER" record --duration 0.5 -o dur.folded -- "$GT" 100000
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 5000 ] || fail "--duration 0.5 took $(( (t1 - t0) / 1000000 )) ms"
expect_match dur.folded '^ground_truth;'
expect_match "$T/err" 'wrote dur.folded'

for sig in TERM INT; do
	"$EMBER" record --pid -o "$sig.folded" -- "$GT" 100000 2>"$sig.err" &
	pid=$!
	sleep 0.7
	kill -"$sig" "$pid"
	wait "$pid"
	st=$?
	[ "$st" = 0 ] || fail "SIG$sig: ember exited $st: $(cat "$sig.err")"
	expect_match "$sig.folded" '^ground_truth-[0-9]+;'
	child=$(sed -n 's/^ground_truth-\([0-9]*\);.*/\1/p' "$sig.folded" | head -1)
	[ -n "$child" ] || fail "SIG$sig: no pid in the output"
	! grep -qs ground_truth "/proc/$child/comm" || fail "SIG$sig: the command ($child) is still running"
done

"$GT" 300 &
gt=$!
t0=$(date +%s%N)
expect_status 0 "$EMBER" record -p "$gt" -o p.folded
t1=$(date +%s%N)
[ $(( (t1 - t0) / 1000000 )) -lt 10000 ] || fail "-p did not end with its process"
expect_match p.folded '^ground_truth;'
exit 0
