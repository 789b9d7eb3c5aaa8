# t0400: `ember record -- CMD` on the ground-truth workload (built -O2
# -fomit-frame-pointer): >= 99% of samples complete (reaching _start or the
# thread's clone3/start_thread), each leaf's share within 1.5 points of the
# truth (30/20/10/40), and the qsort, shared-library and deep-recursion
# paths unwound frame by frame; and elfutils' libdwfl, unwinding the same
# registers and stack copies, agrees frame for frame on >= 99.9% of them.
. "$(dirname "$0")/lib.sh"
GT=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/ground_truth
[ -x "$GT" ] || GT=$(dirname "$EMBER")/workloads/ground_truth
[ -x "$GT" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
st=$?
[ $st = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
[ $st = 0 ] || fail "ember record -- true exited $st: $(cat probe.err)"

expect_status 0 "$EMBER" record -F 999 --check-unwind -o gt.folded -- "$GT" 1000
expect_match "$T/err" '^ember record: [0-9]+ samples in .*; 0\.[0-9]% incomplete stacks'
expect_match "$T/err" '^ember record: libdwfl check: [0-9]+ of [0-9]+ stacks differ'
sed -n 's/^ember record: libdwfl check: \([0-9]*\) of \([0-9]*\) stacks differ.*/\1 \2/p' "$T/err" >oracle.txt
read -r differ checked < oracle.txt
[ "$checked" -ge 500 ] || fail "libdwfl checked only $checked stacks"
[ $((differ * 1000)) -le "$checked" ] || fail "libdwfl disagrees on $differ of $checked stacks"
echo "libdwfl agrees on $((checked - differ)) of $checked stacks"
awk -v out=shares.txt '
{
	n = $NF; total += n; line = $0; sub(/ [0-9]+$/, "", line)
	k = split(line, f, ";")
	leaf = ""
	for (i = k; i >= 2; i--) if (f[i] !~ /_\[k\]$/) { leaf = f[i]; break }
	if (f[2] == "_start" || f[2] == "__clone3" || f[2] == "clone3" || f[2] == "start_thread") complete += n
	share[leaf] += n
	if (line ~ /;main;__qsort_r;(msort_with_tmp[^;]*;)+leaf_compare$/) qsort_ok += n
	if (line ~ /;main;gt_lib_leaf$/) lib_ok += n
	if (line ~ /;main;(recurse;)+leaf_deep$/ && gsub(/;recurse/, "&", line) == 49) deep_ok += n
	if (line ~ /^ground_truth;__clone3;start_thread;thread_main;leaf_thread$/) thread_ok += n
}
END {
	printf "total %d complete %.2f qsort %d lib %d deep %d thread %d\n", total, 100 * complete / total, qsort_ok, lib_ok, deep_ok, thread_ok > out
	for (l in share) printf "share %s %.2f\n", l, 100 * share[l] / total > out
}' gt.folded
cat shares.txt
read -r _ total _ complete _ qsort _ lib _ deep _ thread < shares.txt
[ "$total" -ge 500 ] || fail "only $total samples"
awk -v c="$complete" 'BEGIN { exit !(c >= 99) }' || fail "only $complete% of samples complete"
check_share() { # leaf want
	got=$(awk -v l="$1" '$1 == "share" && $2 == l { print $3 }' shares.txt)
	awk -v g="${got:-0}" -v w="$2" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= 1.5) }' ||
		fail "$1: ${got:-0}% of samples, expected $2% +-1.5"
}
check_share leaf_deep 30
check_share gt_lib_leaf 20
check_share leaf_compare 10
check_share leaf_thread 40
# most samples of each leaf carry its exact stack
[ "$qsort" -gt 0 ] && [ "$lib" -gt 0 ] && [ "$deep" -gt 0 ] && [ "$thread" -gt 0 ] ||
	fail "a leaf without its full stack: qsort=$qsort lib=$lib deep=$deep thread=$thread"
exit 0
