#!/usr/bin/env bash
# t0500: `ember run --cpu` on threads with known CPU shares: each thread's
# weighted samples are within 5 % of the CPU time it measured itself, its
# share within 1.5 percentage points, and go tool pprof reads the file.
. "$(dirname "$0")/lib.sh"
. "$EMBER_ROOT/tests/workloads/preload_test.sh"
need_go
build_workload cpu
expect_status 0 "$EMBER" run --cpu -o cpu.pb.gz -- ./cpu 300
cp "$T/out" truth.txt
expect_match "$T/err" "wrote CPU profile 'cpu.pb.gz'"
go tool pprof -sample_index=samples -top -cum -nodecount=200 cpu.pb.gz >top.txt 2>&1 ||
	fail "go tool pprof -top cannot read the CPU profile: $(head -5 top.txt)"
expect_match top.txt '^Type: samples'
period_ns=10000000
awk -v period="$period_ns" '
	FNR == NR && $1 == "thread" { truth[$2] = $3; total_truth += $3; next }
	FNR != NR && $NF ~ /^spin_/ { got[$NF] = $4 * period; total_got += $4 * period }
	END {
		bad = 0
		for (t in truth) {
			err = (got[t] - truth[t]) / truth[t] * 100
			share_t = truth[t] / total_truth * 100; share_g = got[t] / total_got * 100
			printf "%-10s measured %6.0f ms sampled %6.0f ms (%+.1f%%) share %.1f%% vs %.1f%%\n",
			       t, truth[t] / 1e6, got[t] / 1e6, err, share_t, share_g
			if (err > 5 || err < -5 || share_t - share_g > 1.5 || share_g - share_t > 1.5) bad = 1
		}
		if (length(got) != 4) { print "expected 4 spin_ functions in the profile"; bad = 1 }
		exit bad
	}' truth.txt top.txt || fail "CPU samples do not match the threads' CPU time; $(grep -E '^Duration' top.txt); $(cat "$T/err")"
go tool pprof -traces cpu.pb.gz >traces.txt 2>&1 || fail "go tool pprof -traces failed"
expect_match traces.txt 'spin_c'
