# t0100: `ember collapse` on bad input: clear message naming the file (and
# line), non-zero exit when nothing usable was read, never a crash or hang.
. "$(dirname "$0")/lib.sh"
sample='app 1/1 1.0: 1 cpu-clock:
	1 f (/x)
'
# missing file
expect_status 3 "$EMBER" collapse nope.txt
expect_match "$T/err" "'nope.txt': cannot open: No such file"
# empty file
: >empty.txt
expect_status 3 "$EMBER" collapse empty.txt
expect_match "$T/err" "'empty.txt': empty input"
# binary garbage
# (digits removed so no line can form a sample header by chance)
head -c 200000 /dev/urandom | tr "0-9" "a-j" >garbage.bin
expect_status 3 timeout 20 "$EMBER" collapse garbage.bin
expect_match "$T/err" "garbage.bin':[0-9]+: unrecognized line"
# truncated: last sample has no blank line; the rest is kept
printf '%s\n%s' "$sample" "$sample" >trunc.txt
expect_status 0 "$EMBER" collapse trunc.txt
expect_match "$T/out" '^app;f 1$'
expect_match "$T/err" 'input ends inside a sample'
# truncated compressed input
printf '%s\n' "$sample" | gzip -c | head -c 20 >cut.gz
expect_status 3 "$EMBER" collapse cut.gz
expect_match "$T/err" "'cut.gz': truncated gzip stream"
# a 10 MB line between two good samples
{ printf '%s\n' "$sample"; head -c 10000000 /dev/zero | tr '\0' 'x'; printf '\n\n%s\n' "$sample"; } >longline.txt
expect_status 0 timeout 30 "$EMBER" collapse longline.txt
expect_match "$T/out" '^app;f 2$'
expect_match "$T/err" "longline.txt':4: unrecognized line"
# a line over the 64 MiB cap, streamed (a pipe cannot be mapped): skipped with a warning
{ printf '%s\n' "$sample"; head -c 70000000 /dev/zero | tr '\0' 'y'; printf '\n\n%s\n' "$sample"; } |
	"$EMBER" collapse >"$T/out" 2>"$T/err" || fail "over-long line: exit $?"
expect_match "$T/out" '^app;f 2$'
expect_match "$T/err" "'-':4: line too long, skipped"
# invalid UTF-8 passes through byte for byte
printf 'app 1/1 1.0: 1 cpu-clock:\n\t1 f\xff\xfe (/x)\n\n' >utf.txt
expect_status 0 "$EMBER" collapse utf.txt
printf 'app;f\xff\xfe 1\n' >utf.want
cmp -s "$T/out" utf.want || fail "invalid UTF-8 was not passed through"
# a stack of 10,000 frames
{ echo 'deep 7/7 1.0: 1 cpu-clock:'; for i in $(seq 1 10000); do printf '\t%x f%d (/x)\n' "$i" "$i"; done; echo; } >deep.txt
expect_status 0 "$EMBER" collapse deep.txt
[ "$(tr ';' '\n' <"$T/out" | wc -l)" = 10001 ] || fail "deep stack lost frames"
# event filter that matches nothing
printf '%s\n' "$sample" >one.txt
expect_status 3 "$EMBER" collapse --event-filter=page-faults one.txt
expect_match "$T/err" 'no sample of the selected event type'
exit 0
