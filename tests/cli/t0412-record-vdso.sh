# t0412: samples in the vDSO (clock_gettime, no system call), called through
# the PLT, are named from the kernel's vDSO image and unwound through its CFI
# back to _start (PLT stub names are checked in tests/unit/test_symbols.c).
. "$(dirname "$0")/lib.sh"
W=$EMBER_ROOT/${EMBER_BUILD:-build}/workloads
[ -x "$W/ground_truth_vdso" ] || skip "ground_truth_vdso not built (make test builds it)"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
expect_status 0 "$EMBER" record -F 999 -o v.folded -- "$W/ground_truth_vdso" 20
cat "$T/err"
v=$(grep -E '^ground_truth_vd;_start;.*;main;[^;]*clock_gettime[^;]*;[^;]*clock_gettime[^;]* [0-9]+$' v.folded |
	grep -v '@plt' | awk '{ s += $NF } END { print s + 0 }')
t=$(awk '{ s += $NF } END { print s + 0 }' v.folded)
echo "$v of $t samples in the vDSO with a complete stack"
[ "$t" -ge 100 ] && [ $((v * 100)) -ge $((t * 50)) ] || fail "only $v of $t samples in the vDSO: $(sort -t' ' -k2 -rn v.folded | head -3)"
expect_match "$T/err" ' 0\.[0-9]% incomplete stacks, 0\.[0-9]% unnamed frames'
exit 0
