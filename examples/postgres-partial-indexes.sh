#!/usr/bin/env bash
# examples/postgres-partial-indexes.sh - the PostgreSQL case of issue 4: a table
# with 2,000 partial indexes, single-row INSERTs against 100-row INSERTs, each
# run in one backend recorded with `ember record -p`. Starts a throwaway cluster
# in a temp dir, writes single.{svg,folded,summary} and batched.{svg,folded,summary}
# to $OUT and prints, per case, the samples, complete stacks and the share of
# samples under ExecOpenIndices.
#
# Usage: examples/postgres-partial-indexes.sh   (as root, or a user allowed to perf)
# Knobs: NIDX (2000 partial indexes), ROWS (rows per case), BATCH (100 rows per
# INSERT), FREQ (999 Hz), STACK (64K), OUT (.), EMBER (build/ember), PGBIN.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
EMBER=${EMBER:-$here/../build/ember}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
NIDX=${NIDX:-2000}
ROWS=${ROWS:-6000}
BATCH=${BATCH:-100}
FREQ=${FREQ:-999}
STACK=${STACK:-64K}
OUT=${OUT:-.}

[ -x "$EMBER" ] || { echo "no ember at $EMBER (run make, or set EMBER)" >&2; exit 1; }
[ -x "$PGBIN/postgres" ] || { echo "no PostgreSQL at $PGBIN (apt-get install postgresql, or set PGBIN)" >&2; exit 1; }
EMBER=$(cd "$(dirname "$EMBER")" && pwd)/$(basename "$EMBER")
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
if [ "$(id -u)" = 0 ]; then
	as_pg() { runuser -u postgres -- "$@"; }
else
	as_pg() { "$@"; }
fi

tmp=$(mktemp -d /tmp/ember-pg.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres: "$tmp"
cd "$tmp" # the postgres user may not enter the caller's directory
port=$((40000 + RANDOM % 20000))
cleanup() {
	exec 3>&- 2>/dev/null || true
	as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "== cluster in $tmp (port $port on 127.0.0.1, socket in $tmp)"
as_pg "$PGBIN/initdb" -D "$tmp/data" -A trust -U postgres --no-sync >"$tmp/initdb.log" 2>&1 ||
	{ cat "$tmp/initdb.log" >&2; exit 1; }
# A throwaway cluster: no fsync (commits would wait on the disk, which the
# cpu-clock samples do not see anyway), no JIT (its code has no CFI).
cat >>"$tmp/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$tmp'
jit = off
fsync = off
synchronous_commit = off
full_page_writes = off
max_wal_size = 4GB
autovacuum = off
EOF
as_pg "$PGBIN/pg_ctl" -D "$tmp/data" -l "$tmp/server.log" -w start >/dev/null ||
	{ cat "$tmp/server.log" >&2; exit 1; }

psql() { as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" -U postgres -d postgres "$@"; }

echo "== creating table t with $NIDX partial indexes"
{
	echo "CREATE TABLE t (a int, b int, c text);"
	awk -v n="$NIDX" 'BEGIN { for (k = 1; k <= n; k++) printf "CREATE INDEX ON t (a) WHERE b = %d;\n", k }'
} | psql

# The rows of both cases: a = i, b cycles over the indexes' keys.
rows_sql() { # BATCH
	awk -v rows="$ROWS" -v n="$NIDX" -v batch="$1" 'BEGIN {
		for (i = 1; i <= rows; i++) {
			v = sprintf("(%d, %d, %s)", i, (i % n) + 1, "'"'"'row " i "'"'"'")
			if ((i - 1) % batch == 0) printf "INSERT INTO t VALUES %s", v
			else printf ", %s", v
			if (i % batch == 0 || i == rows) printf ";\n"
		}
	}'
}

# run_case NAME BATCH: one psql session; its backend prints its pid, ember
# records that pid, the INSERTs follow; the backend's exit ends the recording.
# ember must not inherit fd 3, the write end of psql's input, or psql never
# sees the end of its input.
run_case() {
	local name=$1 batch=$2 pid="" i
	# One row per index key first: the first insert into an empty btree
	# creates its root page and invalidates the index's relcache entry, which
	# the next statement rebuilds; a table that already holds data does not.
	psql -c "TRUNCATE t; INSERT INTO t SELECT 0, k, 'seed' FROM generate_series(1, $NIDX) k; CHECKPOINT;"
	rm -f "$tmp/fifo" "$tmp/$name.pid"
	mkfifo "$tmp/fifo"
	[ "$(id -u)" = 0 ] && chown postgres: "$tmp/fifo"
	psql -A -t -f "$tmp/fifo" >"$tmp/$name.pid" &
	local psql_pid=$!
	exec 3>"$tmp/fifo"
	# Warm the backend first (its relcache entries for t and its indexes), so
	# that the profile shows the steady state, not the first statement's loads.
	echo "BEGIN; INSERT INTO t VALUES (0, 1, 'warm-up'); ROLLBACK;" >&3
	echo "SELECT pg_backend_pid();" >&3
	for i in $(seq 100); do
		pid=$(head -1 "$tmp/$name.pid" 2>/dev/null || true)
		[ -n "$pid" ] && break
		sleep 0.05
	done
	[ -n "$pid" ] || { echo "no backend pid from psql" >&2; exit 1; }
	"$EMBER" record -F "$FREQ" --stack-size "$STACK" -p "$pid" -o "$OUT/$name.folded" 3>&- \
		2>"$OUT/$name.summary" &
	local rec_pid=$!
	sleep 1 # let ember read the backend's maps and enable its events
	local t0=$SECONDS
	rows_sql "$batch" >&3
	exec 3>&-
	wait "$psql_pid"
	local secs=$((SECONDS - t0))
	wait "$rec_pid" || { cat "$OUT/$name.summary" >&2; exit 1; }
	"$EMBER" flame --title "PostgreSQL backend: $ROWS rows, $batch per INSERT, $NIDX partial indexes" \
		-o "$OUT/$name.svg" "$OUT/$name.folded"
	echo "== $name: $ROWS rows in INSERTs of $batch, ${secs}s, backend $pid"
	sed 's/^/   /' "$OUT/$name.summary"
	report "$OUT/$name.folded" "$OUT/$name.summary"
}

# report FOLDED SUMMARY: samples, complete stacks, and the ExecOpenIndices share.
report() {
	local incomplete
	incomplete=$(sed -n 's/.* \([0-9.]*\)% incomplete stacks.*/\1/p' "$2" | head -1)
	awk -v inc="${incomplete:-?}" '{
		n = $NF; t += n
		s = substr($0, 1, length($0) - length($NF) - 1)
		if (s ~ /(^|;)_start;/) start += n
		if (s ~ /;ExecOpenIndices(;|$)/) {
			eoi += n
			if (s ~ /;ExecOpenIndices;(.*;)?index_open(;|$)/) io += n
			if (s ~ /;ExecOpenIndices;(.*;)?BuildIndexInfo(;|$)/) bii += n
		}
		if (s ~ /;ExecInsertIndexTuples(;|$)/) eiit += n
	}
	END {
		if (!t) { print "   no samples"; exit 1 }
		printf "   samples: %d; complete stacks: %s%% (ember summary), %.2f%% reach _start\n",
			t, inc == "?" ? "?" : sprintf("%.1f", 100 - inc), 100 * start / t
		printf "   ExecOpenIndices: %d samples, %.1f%% (under it: index_open %.1f%%, BuildIndexInfo %.1f%% of all samples;",
			eoi, 100 * eoi / t, 100 * io / t, 100 * bii / t
		printf " %.0f%% and %.0f%% of ExecOpenIndices)\n", eoi ? 100 * io / eoi : 0, eoi ? 100 * bii / eoi : 0
		printf "   ExecInsertIndexTuples: %d samples, %.1f%%\n", eiit, 100 * eiit / t
	}' "$1"
}

run_case single 1
run_case batched "$BATCH"
echo "== wrote $OUT/single.svg $OUT/single.folded $OUT/batched.svg $OUT/batched.folded"
