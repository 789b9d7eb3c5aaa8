# t0408: on a terminal (script(1) provides one) `ember record` keeps a live
# one-line status (elapsed, samples, lost) and clears it before the summary;
# with stderr not a terminal, or -q, there is no status line.
. "$(dirname "$0")/lib.sh"
GT=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/ground_truth
[ -x "$GT" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
command -v script >/dev/null || skip "no script(1) to provide a terminal"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
script -qec "'$EMBER' record -F 99 -o tty.folded -- '$GT' 1200" tty.log >/dev/null
tr '\r' '\n' <tty.log >tty.txt
expect_match tty.txt $'^\033\\[Kember record: [0-9]+\\.[0-9] s, [0-9]+ samples, 0 lost$'
expect_match tty.txt $'^\033\\[Kember record: [0-9]+ samples in .*wrote tty.folded'
expect_status 0 "$EMBER" record -F 99 -o plain.folded -- "$GT" 300
! grep -q $'\r' "$T/err" || fail "status line written to a non-terminal"
script -qec "'$EMBER' record -q -F 99 -o quiet.folded -- '$GT' 300" quiet.log >/dev/null
! grep -q 'ember record' quiet.log || fail "-q still printed: $(cat quiet.log)"
exit 0
