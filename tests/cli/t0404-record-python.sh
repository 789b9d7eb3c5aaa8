# t0404: Debian's python3 (built without frame pointers, non-PIE) running a
# CPU-bound script: >= 99% of the samples reach _start, the interpreter's
# frames are named (or binary+0xSTART from the CFI, never a neighbour's
# name), and libdwfl agrees with ember's unwinder frame for frame.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip "no $PY"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
cat >cpu.py <<'PY'
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
for _ in range(4):
    fib(29)
    sorted(str(i) for i in range(200000))
PY
expect_status 0 "$EMBER" record -F 999 --check-unwind -o py.folded -- "$PY" cpu.py
cat "$T/err"
awk '{ n = $NF; t += n; split($0, f, ";"); if (f[2] == "_start") c += n }
     END { printf "%d samples, %.2f%% complete\n", t, 100 * c / t; exit !(t >= 100 && c >= 0.99 * t) }' py.folded ||
	fail "python3: too few samples or incomplete stacks"
expect_match py.folded '^python3;_start;__libc_start_main[^;]*;__libc_start_call_main;Py_BytesMain;Py_RunMain;'
expect_match py.folded ';_PyEval_EvalFrameDefault;'
sed -n 's/^ember record: libdwfl check: \([0-9]*\) of \([0-9]*\) stacks differ.*/\1 \2/p' "$T/err" >oracle.txt
read -r differ checked < oracle.txt
[ "${checked:-0}" -ge 50 ] && [ $((differ * 1000)) -le "$checked" ] ||
	fail "libdwfl disagrees on ${differ:-?} of ${checked:-?} stacks"
exit 0
