#!/bin/bash
# Re-records the real perf inputs (<case>.perf.xz) in this directory.
# Needs root, perf, gcc/g++, node, gzip and python3. Recordings are not
# reproducible (times, pids, addresses change), so only run this when you
# really want new inputs, then run regen-expected.sh to refresh the outputs.
#
# Usage: tests/golden/collapse/record-inputs.sh [case ...]   (default: all)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
WL_SRC=$REPO/tests/workloads
WL=${EMBER_WL_DIR:-/tmp/ember-wl}     # built workload binaries
WORK=${EMBER_REC_DIR:-/tmp/ember-rec} # perf.data files and scratch
PY=/usr/bin/python3                   # Debian's python, not a local build

mkdir -p "$WL" "$WORK"
make -s -C "$WL_SRC" OUT="$WL"
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing
[ -f "$WORK/gzip-input" ] || head -c 40000000 /usr/bin/perf >"$WORK/gzip-input"

SELECTED="$*"
want() { [ -z "$SELECTED" ] || [[ " $SELECTED " == *" $1 "* ]]; }

# rec CASE "PERF-SCRIPT-OPTIONS" PERF-RECORD-ARGS...
# Runs `perf record -o $WORK/CASE.data ARGS...` then
# `perf script -i $WORK/CASE.data OPTIONS` and stores the text as CASE.perf.xz.
rec() {
    local case=$1 sopts=$2; shift 2
    want "$case" || return 0
    echo "== $case: perf record $* ; perf script $sopts" >&2
    (cd "$WORK" && perf record -q -o "$WORK/$case.data" "$@" >/dev/null)
    # shellcheck disable=SC2086
    (cd "$WORK" && perf script -i "$WORK/$case.data" $sopts 2>/dev/null) | xz -9e -T1 >"$HERE/$case.perf.xz"
    ls -l "$HERE/$case.perf.xz" >&2
}

# --- frame-pointer call graphs (-g) ---------------------------------------
rec cpu-g-threads       "--header" -e cpu-clock -F 499 -g -- "$WL/threads" 1
rec cpu-g-cpp           ""         -e cpu-clock -F 999 -g -- "$WL/cpp_templates" 1
rec cpu-g-gzip          ""         -e cpu-clock -F 999 -g -- sh -c "gzip -9 <'$WORK/gzip-input' >/dev/null"
rec cpu-g-python        ""         -e cpu-clock -F 999 -g -- $PY -c 'x=0
for i in range(3000000): x += i*i % 7
print(x)'
rec cpu-g-forker        ""         -e cpu-clock -F 499 -g -- "$WL/forker" 1
rec cpu-g-pipeline      ""         -e cpu-clock -F 499 -g -- sh -c "cat /usr/bin/perf /usr/bin/perf | gzip -1 | wc -c"
rec cpu-g-node-jit      ""         -e cpu-clock -F 499 -g -- node --perf-basic-prof "$WL_SRC/jit.js" 1
# --- kernel-heavy ----------------------------------------------------------
rec cpu-g-syscalls      ""         -e cpu-clock -F 999 -g -- "$WL/syscalls" 1
rec cpu-g-dd            ""         -e cpu-clock -F 999 -g -- dd if=/dev/zero of=/dev/null bs=4k count=400000 status=none
rec cpu-g-find          ""         -e cpu-clock -F 999 -g -- sh -c "echo 3 >/proc/sys/vm/drop_caches; find /usr >/dev/null"
# --- DWARF unwinding (short, the stacks are long) --------------------------
rec cpu-dwarf-cpp       ""         -e cpu-clock -F 199 --call-graph dwarf -- "$WL/cpp_templates" 1
rec cpu-dwarf-python    ""         -e cpu-clock -F 499 --call-graph dwarf -- $PY -c 'import json; d=[{"k": i} for i in range(300000)]; print(len(json.dumps(d)))'
# --- system wide -----------------------------------------------------------
rec cpu-a-system        ""         -e cpu-clock -F 199 -a -g -- sh -c "'$WL/threads' 2 & gzip -9 <'$WORK/gzip-input' >/dev/null & sleep 2; wait"
# --- no call graph at all --------------------------------------------------
rec cpu-nog-threads     ""         -e cpu-clock -F 999 -- "$WL/threads" 1
# --- two event types together ----------------------------------------------
rec multi-cpu-pf-g      ""         -e cpu-clock -e page-faults -F 499 -g -- "$WL/syscalls" 0.5
# --- tracepoints -----------------------------------------------------------
rec tp-sched-switch-g   ""         -e sched:sched_switch -a -g -- sh -c "'$WL/threads' 0.5 & '$WL/syscalls' 0.5; wait"
rec tp-openat           ""         -e syscalls:sys_enter_openat -- sh -c "find /usr/share/doc -name 'copyright' | head -300 | xargs cat >/dev/null"
rec tp-openat-g         ""         -e syscalls:sys_enter_openat -e cpu-clock -F 999 -g -- sh -c "find /usr/share/doc -name 'copyright' | head -300 | xargs cat >/dev/null"
# --- other perf script field selections ------------------------------------
rec fields-pid-tid-period "-F comm,pid,tid,cpu,time,period,event,ip,sym,dso,trace" \
                                   -e cpu-clock -F 499 -g --sample-cpu -- "$WL/forker" 0.5
rec fields-addr-pf      "-F +addr" -e page-faults -c 50 -d -g -- "$WL/syscalls" 0.05
rec fields-inline-cpp   "--inline" -e cpu-clock -F 199 -g -- "$WL/cpp_templates" 0.5

echo "done" >&2
