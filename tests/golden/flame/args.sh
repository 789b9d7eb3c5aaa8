# args.sh - sourced by run-case.sh and regen-expected.sh: turns an expected
# file's name <case>@<variant>.expected into the input path ($input, plus
# $perf_input=1 for `perf script` text) and the flame options ($args[@]).
# A variant is options joined by '+': "hash", "colors=mem", "minwidth=1%",
# "reverse+colors=red"; "default" means none.
golden_case() { # EXPECTED
	local exp=$1 dir base variant opt
	dir=$(dirname "$exp")
	base=$(basename "$exp" .expected)
	case_name=${base%%@*}
	variant=${base#*@}
	perf_input=0
	case $case_name in
	perf-*) input="$dir/../collapse/${case_name#perf-}.perf.xz"; perf_input=1 ;;
	*) input="$dir/$case_name.folded" ;;
	esac
	args=()
	[ "$variant" = default ] && return 0
	local IFS=+
	for opt in $variant; do
		case $opt in
		*=*) args+=("--${opt%%=*}" "${opt#*=}") ;;
		*) args+=("--$opt") ;;
		esac
	done
}
