#!/usr/bin/env bash
# Issue 8 item 4: --jobs.  Several inputs are read (and decompressed) on
# several threads, and --compare parses its two profiles on two.  The
# threads must change nothing but the time: the same output, the same
# warnings in the same order, the same error for the same bad input.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
data=$src/tests/data

# several pstats inputs, merged: plain, gzip and zstd, with 1, 2 and 4 threads
parts="$data/pstats/part-b-3.11.pstats $data/pstats/part-f-3.11.pstats $data/pstats/part-m-3.11.pstats"
"$bin" --jobs 1 -f pstats $parts > "$tmp/want.dot" 2> "$tmp/want.err" || fail "merge with --jobs 1"
i=0
for p in $parts; do
  i=$((i + 1))
  gzip -c "$p" > "$tmp/p$i.gz"
  if command -v zstd > /dev/null; then zstd -q -c "$p" > "$tmp/p$i.zst"; else cp "$tmp/p$i.gz" "$tmp/p$i.zst"; fi
done
for j in 1 2 4; do
  for set in "$parts" "$tmp/p1.gz $tmp/p2.gz $tmp/p3.gz" "$tmp/p1.zst $data/pstats/part-f-3.11.pstats $tmp/p3.gz"; do
    expect_exit 0 "merge, --jobs $j" -- "$bin" --jobs "$j" -f pstats $set
    if [ "$out" = "$(cat "$tmp/want.dot")" ]; then pass; else fail "merge of $set with --jobs $j: another graph"; fi
  done
done
# the default (the number of processors) too, and format detection
expect_exit 0 "merge, default jobs, detected" -- "$bin" "$tmp/p1.gz" "$tmp/p2.zst" "$tmp/p3.gz"
if [ "$out" = "$(cat "$tmp/want.dot")" ]; then pass; else fail "merge with the default --jobs: another graph"; fi

# --compare: two profiles with warnings; the warnings come first file
# first, whatever the threads did, every time
printf 'events: Ir\nfn=a\n1 5\nbogus line one\ncfn=b\ncalls=1 2\n3 4\nfn=b\n2 4\n' > "$tmp/w1.callgrind"
printf 'events: Ir\nfn=a\n1 7\nbogus line two\nfn=b\n2 4\n' > "$tmp/w2.callgrind"
"$bin" --jobs 1 --compare -f callgrind "$tmp/w1.callgrind" "$tmp/w2.callgrind" > "$tmp/cmp1.dot" 2> "$tmp/cmp1.err" ||
  fail "--compare with --jobs 1"
expect_match "$(head -n 1 "$tmp/cmp1.err")" "w1.callgrind: warning: line 4: .*bogus line one" "--compare: the first file's warning first"
expect_match "$(sed -n 2p "$tmp/cmp1.err")" "w2.callgrind: warning: line 4: .*bogus line two" "--compare: then the second's"
for k in $(seq 20); do
  "$bin" --jobs 2 --compare -f callgrind "$tmp/w1.callgrind" "$tmp/w2.callgrind" > "$tmp/cmp2.dot" 2> "$tmp/cmp2.err" ||
    fail "--compare with --jobs 2 (run $k)"
  if cmp -s "$tmp/cmp1.dot" "$tmp/cmp2.dot" && cmp -s "$tmp/cmp1.err" "$tmp/cmp2.err"; then pass; else
    fail "--compare with --jobs 2 (run $k): other output or warnings"; fi
done
# -q silences them on every thread
expect_exit 0 "--compare -q" -- "$bin" -q --jobs 2 --compare -f callgrind "$tmp/w1.callgrind" "$tmp/w2.callgrind"
[ -z "$err" ] && pass || fail "--compare -q printed: $err"

# errors: the first bad input in the order given is the one reported
printf 'not a profile' > "$tmp/bad1.pstats"
printf '{' > "$tmp/bad2.pstats"
gzip -c "$data/pstats/part-b-3.11.pstats" | head -c 100 > "$tmp/trunc.gz"
for j in 1 2; do
  expect_exit 1 "second input bad, --jobs $j" -- "$bin" --jobs $j -f pstats "$data/pstats/part-b-3.11.pstats" "$tmp/trunc.gz" -o "$tmp/x.png"
  expect_match "$err" "^prof2png: [^ ]*trunc.gz: " "second input bad, --jobs $j: names it"
  [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] && pass || fail "second input bad, --jobs $j: one line expected: $err"
  expect_absent "$tmp/x.png" "second input bad, --jobs $j"
  expect_exit 1 "both bad, --jobs $j" -- "$bin" --jobs $j -f pstats "$tmp/trunc.gz" "$tmp/bad1.pstats"
  expect_match "$err" "^prof2png: [^ ]*trunc.gz: " "both bad, --jobs $j: the first is named"
  expect_exit 1 "--compare, both bad, --jobs $j" -- "$bin" --jobs $j --compare -f pstats "$tmp/bad1.pstats" "$tmp/bad2.pstats"
  expect_match "$err" "^prof2png: [^ ]*bad1.pstats: " "--compare, both bad, --jobs $j: the first is named"
  expect_exit 1 "--compare, second bad, --jobs $j" -- "$bin" --jobs $j --compare -f pstats "$data/pstats/part-b-3.11.pstats" "$tmp/bad2.pstats"
  expect_match "$err" "^prof2png: [^ ]*bad2.pstats: " "--compare, second bad, --jobs $j: names it"
done

# standard input given twice is read in turn, not by two threads at once:
# the second read finds it empty
expect_exit 1 "stdin twice" -- sh -c "\"$bin\" -f pstats - - < \"$data/pstats/part-b-3.11.pstats\""
expect_match "$err" "<stdin>: the file is empty" "stdin twice: the second is empty"

# bad values
for v in 0 65 -1 x 1.5 ""; do
  expect_exit 2 "--jobs '$v'" -- "$bin" --jobs "$v" -f pstats "$data/pstats/part-b-3.11.pstats"
  expect_match "$err" "^prof2png: --jobs: expected an integer from 1 to 64, found '$v'$" "--jobs '$v': message"
  [ -z "$out" ] && pass || fail "--jobs '$v': wrote to stdout"
done
finish
