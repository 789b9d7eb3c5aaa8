# t0604: `ember record --off-cpu` in the kernel (BPF) and on the perf path.
# The default path is BPF when it loads (t0600-t0603 then test it); this
# checks that it did, that at the ground truth's low switch rate every block
# is sampled and the estimate equals the kernel's exact total, and that
# --no-bpf is the perf path: t0600 and t0603 pass again through a wrapper
# that adds --no-bpf to every off-CPU recording.
. "$(dirname "$0")/lib.sh"
WL=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads/offcpu_truth
[ -x "$WL" ] || skip "offcpu_truth workload not built (make build/workloads/offcpu_truth)"
expect_status 0 "$EMBER" record -q --no-bpf -o nobpf.folded -- true
expect_status 2 "$EMBER" record --stack-rate 10 -- true
[ "$(id -u)" = 0 ] || skip "off-CPU recording needs root (BPF, tracefs and sched:sched_switch)"
"$EMBER" record --off-cpu -o probe.folded -- true 2>probe.err
st=$?
[ $st = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
[ $st = 0 ] || fail "ember record --off-cpu -- true exited $st: $(cat probe.err)"
if grep -q 'BPF not used' probe.err; then
	skip "no BPF off-CPU here: $(sed -n 's/.*BPF not used: //p' probe.err)"
fi
expect_match probe.err '^ember record: off-CPU in the kernel \(BPF\): all [0-9]+ blocks sampled'

expect_status 0 "$EMBER" record --off-cpu -o off.folded -- "$WL"
cat "$T/err"
expect_match "$T/err" '^ember record: off-CPU in the kernel \(BPF\): all [1-9][0-9]* blocks sampled; the 1/p estimate ([0-9.]+) s against \1 s exact \(\+0\.00 %\)'
expect_match "$T/err" ' 0 stacks and 0 switch-ins lost \(ring full\), [0-9]+ switch-ins unseen, 0 user stacks unreadable$'
expect_match off.folded '^reader;\[S\];__clone3;start_thread;run;reader;pipe_read_wait;.*;schedule_\[k\];__schedule_\[k\] [0-9]+$'

# the perf path, through the same ground-truth and filter tests
cat >ember-no-bpf <<SH
#!/bin/sh
cmd=\$1
shift
case " \$* " in *" --off-cpu "*) exec "$EMBER" "\$cmd" --no-bpf "\$@" ;; esac
exec "$EMBER" "\$cmd" "\$@"
SH
chmod +x ember-no-bpf
expect_status 0 ./ember-no-bpf record --off-cpu -o perf.folded -- "$WL"
expect_match "$T/err" '^ember record: off-CPU from perf sched_switch samples \(--no-bpf\)'
for t in t0600-record-offcpu-ground-truth t0603-record-offcpu-filters; do
	EMBER=$T/ember-no-bpf bash "$EMBER_ROOT/tests/cli/$t.sh" >"$t.log" 2>&1
	st=$?
	[ $st = 0 ] || [ $st = 77 ] || fail "$t with --no-bpf: $(tail -5 "$t.log")"
	echo "$t with --no-bpf: $([ $st = 0 ] && echo ok || echo "skipped: $(tail -1 "$t.log")")"
done
