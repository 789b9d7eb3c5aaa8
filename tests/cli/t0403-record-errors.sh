# t0403: `ember record` usage and failure exits: 2 for bad usage, 3 for a
# missing command or pid, 4 without permission (with the fix in the message);
# a failing command still gives its flame graph (CMD.svg by default).
. "$(dirname "$0")/lib.sh"
expect_status 2 "$EMBER" record
expect_match "$T/err" "give exactly one of"
expect_status 2 "$EMBER" record -a -p 1
expect_status 2 "$EMBER" record --stack-size 100K -- true
expect_match "$T/err" "stack-size"
expect_status 2 "$EMBER" record -p 12x
expect_status 2 "$EMBER" record -o out.svgz -- true
expect_status 0 "$EMBER" record --help
expect_match "$T/out" "^usage: ember record"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	expect_status 4 setpriv --reuid=65534 --regid=65534 --clear-groups "$EMBER" record -o "$T/x.folded" -a
	expect_match "$T/err" "perf_event_paranoid"
fi
"$EMBER" record -q -o probe.folded -- true 2>probe.err
[ $? = 4 ] && skip "perf_event_open not permitted here: $(head -1 probe.err)"
expect_status 3 "$EMBER" record -o x.folded -- /nonexistent/command
expect_match "$T/err" "cannot run '/nonexistent/command'"
expect_status 3 "$EMBER" record -o x.folded -p 999999999
[ ! -e x.folded ] || fail "output written after a failure"
# an output that cannot be written fails before anything runs
expect_status 1 "$EMBER" record -o no/such/dir/x.svg -- sh -c 'touch ran'
[ ! -e ran ] || fail "the command ran although the output cannot be written"
# the command's own failure does not fail the recording; the default output
# is a flame graph named after the command
expect_status 0 "$EMBER" record -F 999 -- sh -c 'i=0; while [ $i -lt 30000 ]; do i=$((i + 1)); done; exit 3'
expect_match "$T/err" "exited with status 3"
expect_match "$T/err" "wrote sh.svg"
expect_match sh.svg '^<svg '
expect_match sh.svg 'ember record -- sh -c i=0;'
exit 0
