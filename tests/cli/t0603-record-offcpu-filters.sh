# t0603: off-CPU filters on the ground-truth workload: --min-block 20ms
# drops the 10 ms sleeps (counted in the summary) but keeps
# the 30 ms lock waits; --max-block 20ms keeps only the short ones; --state D
# keeps none of these sleeping (S) waits (in nanosleep, futex, pipe read);
# bad values are usage errors.
. "$(dirname "$0")/lib.sh"
WL=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/offcpu_truth
[ -x "$WL" ] || skip "offcpu_truth workload not built (make build/workloads/offcpu_truth)"
expect_status 2 "$EMBER" record --off-cpu --min-block 5parsecs -- true
expect_status 2 "$EMBER" record --off-cpu --state X -- true
[ "$(id -u)" = 0 ] || skip "off-CPU recording needs root (tracefs and sched:sched_switch)"

expect_status 0 "$EMBER" record --off-cpu --min-block 20ms -o min.folded -- "$WL"
sed -n 's/.* \([0-9]*\) below --min-block.*/\1/p' "$T/err" >below.txt
[ "$(cat below.txt)" -ge 30 ] || fail "--min-block 20ms dropped only $(cat below.txt) blocks (80 sleeps and pipe reads of 10 ms)"
expect_match min.folded ';lock_wait;'
expect_match min.folded ';holder_hold;'
# under load a 10 ms wait can take longer than 20 ms: allow stragglers, not the bulk
ns_of() { awk -v f=";$1;" 'index($0, f) { s += $NF } END { printf "%.0f\n", s }' "$2"; }
[ "$(ns_of sleep_wait min.folded)" -lt 200000000 ] || fail "--min-block 20ms kept $(ns_of sleep_wait min.folded) ns of 10 ms sleeps (of 400 ms)"
expect_status 0 "$EMBER" record --off-cpu --max-block 20ms -o max.folded -- "$WL"
expect_match max.folded ';sleep_wait;'
[ "$(ns_of lock_wait max.folded)" -lt 150000000 ] || fail "--max-block 20ms kept $(ns_of lock_wait max.folded) ns of 30 ms lock waits (of 300 ms)"
expect_status 0 "$EMBER" record --off-cpu --state D -o d.folded -- "$WL"
# the sleeping (S) waits themselves are gone; a D block inside those functions
# (a page fault waiting for I/O on a loaded machine) may stay, and is not one
grep -E ';(sleep_wait|lock_wait|pipe_read_wait);.*;(do_nanosleep|futex_wait|anon_pipe_read|pipe_read)_\[k\]' d.folded &&
	fail "--state D kept sleeping (S) waits"
expect_match "$T/err" ' [1-9][0-9]* filtered by state'
true
