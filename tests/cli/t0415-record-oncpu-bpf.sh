# t0415: cpu-clock samples taken in the kernel (BPF, the default when it
# loads): the program copies only the stack a thread uses once ember has
# learned the thread's stack top. On the ground truth (a recursion deeper
# than 20 KB under main) most samples copy up to the learned top, far less
# than the 32 KiB perf copies, and nothing is lost by it: stacks complete,
# libdwfl agrees, shares hold (t0400's checks). --no-bpf is perf's fixed
# copies: t0400, t0401, t0402 and t0411 pass again through a wrapper that
# adds it to every recording.
. "$(dirname "$0")/lib.sh"
GT=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/ground_truth
[ -x "$GT" ] || skip "ground_truth workload not built (make build/workloads/ground_truth)"
"$EMBER" record -v -o probe.folded -- true 2>probe.err
st=$?
[ $st = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
[ $st = 0 ] || fail "ember record -- true exited $st: $(cat probe.err)"
if grep -q 'BPF not used' probe.err; then
	skip "no BPF sampling here: $(sed -n 's/.*BPF not used: //p' probe.err)"
fi

expect_status 0 "$EMBER" record -v -F 999 --check-unwind -o gt.folded -- "$GT" 2500
cat "$T/err"
expect_match "$T/err" '^ember record: [0-9]+ samples in .*, 0 lost; 0\.[0-9]% incomplete stacks'
expect_match "$T/err" '^ember record: samples taken in the kernel \(BPF\): [0-9]+, [0-9]+ copying the stack only up to the thread.s top, [0-9.]+ KiB of stack each on average; 0 lost \(ring full\)$'
sed -n 's/^ember record: samples taken in the kernel (BPF): \([0-9]*\), \([0-9]*\) copying.*, \([0-9.]*\) KiB of stack.*/\1 \2 \3/p' \
	"$T/err" >bpf.txt
read -r samples learned kib <bpf.txt
# samples taken before ember unwound a thread's first one (the first ~0.1-0.2 s:
# records are handled 50-100 ms after they are taken) copy all 32 KiB
[ "$samples" -ge 500 ] && [ $((learned * 100)) -ge $((samples * 80)) ] ||
	fail "only $learned of $samples samples used a learned stack top"
# main's stacks are ~1-25 KiB deep (the recursion a third of the time), the thread's a few hundred bytes
awk -v k="$kib" 'BEGIN { exit !(k > 0.5 && k < 16) }' || fail "$kib KiB of stack copied per sample on average"
sed -n 's/^ember record: libdwfl check: \([0-9]*\) of \([0-9]*\) stacks differ.*/\1 \2/p' "$T/err" >oracle.txt
read -r differ checked <oracle.txt
# libdwfl checks the stacks ember completed (>= 99 %, as t0400 asks)
[ $((checked * 100)) -ge $((samples * 99)) ] || fail "libdwfl checked $checked of $samples stacks"
[ $((differ * 1000)) -le "$checked" ] || fail "libdwfl disagrees on $differ of $checked stacks"
# the recursion (48 levels of 512 B) is all there: the copy up to the top cut none of it
grep -Eq "^ground_truth;_start;.*;main;(recurse;){48,}leaf_deep [0-9]+$" gt.folded ||
	fail "no complete deep-recursion stack: $(grep -m1 leaf_deep gt.folded)"

# the perf path, through the same tests
cat >ember-no-bpf <<SH
#!/bin/sh
cmd=\$1
shift
[ "\$cmd" = record ] && exec "$EMBER" record --no-bpf "\$@"
exec "$EMBER" "\$cmd" "\$@"
SH
chmod +x ember-no-bpf
expect_status 0 ./ember-no-bpf record -v -o perf.folded -- "$GT" 200
grep -q 'samples taken in the kernel' "$T/err" && fail "--no-bpf still sampled with BPF: $(cat "$T/err")"
for t in t0400-record-ground-truth t0401-record-pid t0402-record-system t0411-record-dlopen; do
	EMBER=$T/ember-no-bpf bash "$EMBER_ROOT/tests/cli/$t.sh" >"$t.log" 2>&1
	st=$?
	[ $st = 0 ] || [ $st = 77 ] || fail "$t with --no-bpf: $(tail -5 "$t.log")"
	echo "$t with --no-bpf: $([ $st = 0 ] && echo ok || echo "skipped: $(tail -1 "$t.log")")"
done
