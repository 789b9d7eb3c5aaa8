# t0101: `ember collapse` input handling: stdin, several files read as one
# input (like Perl's <>), gzip and xz, -o, and threads giving equal output.
. "$(dirname "$0")/lib.sh"
printf 'app 1/1 1.0: 1 cpu-clock:\n\t1 f (/x)\n\n' >a.txt
printf 'app 1/1 1.0: 3 cpu-clock:\n\t1 g (/x)\n\n' >b.txt
expect_status 0 "$EMBER" collapse <a.txt
expect_match "$T/out" '^app;f 1$'
expect_status 0 "$EMBER" collapse a.txt b.txt
[ "$(cat "$T/out")" = "app;f 1
app;g 3" ] || fail "two files: $(cat "$T/out")"
gzip -c a.txt >a.txt.gz; xz -c b.txt >b.txt.xz
expect_status 0 "$EMBER" collapse a.txt.gz b.txt.xz -o out.folded
[ "$(cat out.folded)" = "app;f 1
app;g 3" ] || fail "gz+xz: $(cat out.folded)"
# a sample split across two files continues, as with `cat a b | ...`
printf 'app 1/1 1.0: 1 cpu-clock:\n\t1 f (/x)\n' >part1.txt
printf '\t2 main (/x)\n\n' >part2.txt
expect_status 0 "$EMBER" collapse part1.txt part2.txt
expect_match "$T/out" '^app;main;f 1$'
# one thread and two threads agree on a multi-chunk input
for i in $(seq 1 3000); do printf 'w%d %d/%d 1.0: %d cpu-clock:\n\t1 leaf%d (/x)\n\t2 main (/x)\n\n' $((i % 5)) $i $i $((i % 3 + 1)) $((i % 11)); done >many.txt
for k in 1 2 2 2 2 2 2 2 2 2; do cat many.txt; done >many10.txt
expect_status 0 "$EMBER" collapse -j1 --tid many10.txt; cp "$T/out" one.folded
expect_status 0 "$EMBER" collapse -j2 --tid many10.txt
cmp -s one.folded "$T/out" || fail "-j1 and -j2 differ"
exit 0
