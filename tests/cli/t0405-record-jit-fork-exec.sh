# t0405: children forked and exec'd by the recorded command are followed
# (inherit, COMM exec, new MMAP2s); JIT code without ELF or CFI is named from
# /tmp/perf-PID.map and unwound by its frame pointers, then by DWARF CFI in
# the compiled caller, to _start.
. "$(dirname "$0")/lib.sh"
W=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads
[ -x "$W/ground_truth_jit" ] && [ -x "$W/ground_truth" ] || skip "workloads not built (make test builds them)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
expect_status 0 "$EMBER" record -F 999 --pid -o fe.folded -- sh -c "'$W/ground_truth_jit' 400 & '$W/ground_truth' 300; wait"
cat "$T/err"
grep -Eq '^ground_truth_ji-[0-9]+;_start;.*;main;call_jit;jit_spin_loop [0-9]+$' fe.folded ||
	fail "no complete JIT stacks: $(grep jit fe.folded | head -3)"
grep -Eq '^ground_truth-[0-9]+;__clone3;start_thread;thread_main;leaf_thread [0-9]+$' fe.folded ||
	fail "no thread stacks of the exec'd ground_truth: $(grep ground_truth- fe.folded | head -3)"
awk '/^ground_truth/ { n = $NF; t += n; split($0, f, ";"); if (f[2] == "_start" || f[2] == "__clone3") c += n }
     END { printf "%d samples of the children, %.2f%% complete\n", t, 100 * c / t; exit !(t >= 100 && c >= 0.99 * t) }' fe.folded ||
	fail "children: too few samples or incomplete stacks: $(grep '^ground_truth' fe.folded | grep -Ev '^[^;]*;(_start|__clone3);' | head -5)"
jit=$(awk '/;jit_spin_loop( |;)/ { s += $NF } END { print s + 0 }' fe.folded)
[ "$jit" -ge 50 ] || fail "only $jit samples in the JIT code"
rm -f "/tmp/perf-$(sed -n 's/^ground_truth_ji-\([0-9]*\);.*/\1/p' fe.folded | head -1).map"
exit 0
