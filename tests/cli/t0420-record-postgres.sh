# t0420: a small run of examples/postgres-partial-indexes.sh (Debian's
# PostgreSQL 15, JIT off, 200 partial indexes): the backend recorded with
# `ember record -p PID --stack-size 64K` has complete stacks (see below), and the
# single-row INSERTs show ExecOpenIndices -> index_open / BuildIndexInfo.
EX="$(cd "$(dirname "$0")/../.." && pwd)/examples/postgres-partial-indexes.sh"
. "$(dirname "$0")/lib.sh"
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
[ -x "$PGBIN/postgres" ] && [ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/psql" ] ||
	skip "no PostgreSQL binaries in $PGBIN (apt-get install postgresql)"
[ "$(id -u)" = 0 ] || skip "not root (the example runs the cluster as the postgres user)"
id postgres >/dev/null 2>&1 || skip "no postgres user"
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"

mkdir out
EMBER="$EMBER" NIDX=200 ROWS=6000 OUT="$T/out" timeout 120 "$EX" >run.log 2>&1 ||
	fail "the example failed: $(tail -20 run.log)"
cat run.log
for c in single batched; do
	[ -s "out/$c.svg" ] && [ -s "out/$c.folded" ] || fail "no out/$c.svg or out/$c.folded"
done
# Complete stacks over both cases, from ember's own counts (the summary lines).
# Issue 4's bar is 99%. The hard case was a sample at the `ret` of a function
# whose CFI still places the popped
# registers below the stack pointer (GCC's epilogue rows, e.g. relation_open at
# 0x162db2 in Debian's 15.18); the unwinder keeps their current values (the
# epilogue restored them), so the test requires the issue's >= 99% complete,
# and no stack ending outside any mapping, without CFI or too deep.
cat out/single.summary out/batched.summary >summary.txt
sed -n 's/^ember record: \([0-9]*\) samples .* \([0-9.]*\)% incomplete stacks.*/\1 \2/p' summary.txt |
	awk '{ n += $1; inc += $1 * $2 / 100 }
	     END { printf "%d samples, %.2f%% complete (ember summary)\n", n, n ? 100 - 100 * inc / n : 0
		   exit !(n >= 300 && inc <= 0.01 * n) }' ||
	fail "fewer than 300 samples or more than 1% incomplete stacks: $(cat summary.txt)"
sed -n 's/^ember record: incomplete: \([0-9]*\) outside the copied stack.*, \([0-9]*\) outside any mapping, \([0-9]*\) without CFI, [0-9]* bad CFI, \([0-9]*\) too deep$/\1 \2 \3 \4/p' \
	summary.txt >other.txt
awk '{ o += $2 + $3 + $4 } END { exit o > 0 }' other.txt ||
	fail "stacks outside any mapping, without CFI or too deep: $(cat summary.txt)"
cat out/single.folded out/batched.folded |
	awk '{ n = $NF; t += n; if ($0 ~ /^[^;]*;_start;/) c += n }
	     END { printf "%.2f%% of samples reach _start\n", 100 * c / t; exit !(c >= 0.99 * t) }' ||
	fail "fewer than 99% of the samples reach _start"
expect_match out/single.folded ';PostgresMain;.*;ExecOpenIndices;(.*;)?index_open;'
expect_match out/single.folded ';ExecOpenIndices;(.*;)?BuildIndexInfo(;| )'
exit 0
