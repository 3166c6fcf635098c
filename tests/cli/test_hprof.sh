#!/usr/bin/env bash
# CLI cases of `-f hprof` (Java HPROF text, src/parse/hprof.c): good runs,
# the inputs gprof2dot loops forever or crashes on (exit 1 with one line, or
# a warning), robustness against truncated and damaged files.  Inputs:
# tests/data/hprof (make_hprof.py) and small files written here.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
data=$src/tests/data/hprof

# Good runs: calls show "0×" as in gprof2dot; every file reads silently but
# stop.hprof.
expect_exit 0 "quirks.hprof" -- "$bin" -f hprof -n0 -e0 "$data/quirks.hprof"
expect_match "$out" '^digraph \{' "DOT on stdout"
expect_match "$out" '"A.main" -> "A.leaf2" \[.*label="[0-9.]+%\\n0×"' "redefined trace: its last frames"
expect_match "$out" '"R.rec" -> "R.rec" \[.*label="0×"' "recursion: a self call"
expect_match "$out" '"D.f\(x:1\)" \[' "a name holding parentheses and a colon"
if printf '%s' "$out" | grep -q 'A\.leaf"'; then fail "redefined trace: first frames drawn"; else pass; fi
if printf '%s' "$out" | grep -q 'Nowhere'; then fail "sample of an undefined trace drawn"; else pass; fi
for f in "$data"/*.hprof; do
  case $f in */stop.hprof) continue ;; esac
  expect_exit 0 "$(basename "$f")" -- "$bin" -f hprof "$f"
  [ -z "$err" ] && pass || fail "$(basename "$f"): unexpected stderr: $err"
done
# A second tab line that is not a frame ends the TRACE records, as in
# gprof2dot; we say so.
expect_exit 0 "stop.hprof" -- "$bin" -f hprof "$data/stop.hprof"
expect_match "$err" "^prof2png: $data/stop.hprof: warning: line 22: '\\?<empty>' is neither a TRACE line nor a stack frame: it ends the TRACE records, as in gprof2dot, and the 6 TRACE records after it are ignored$" "stop.hprof: warning"

# UTF-16LE with its mark, and CRLF, read as the plain file.
"$bin" -f hprof "$data/quirks.hprof" > "$tmp/plain.dot"
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$data/quirks.hprof"; } > "$tmp/u16.hprof"
expect_exit 0 "UTF-16LE" -- "$bin" -f hprof "$tmp/u16.hprof"
printf '%s\n' "$out" | cmp -s - "$tmp/plain.dot" && pass || fail "UTF-16LE: graph differs"
sed 's/$/\r/' "$data/quirks.hprof" > "$tmp/crlf.hprof"
expect_exit 0 "CRLF" -- "$bin" -f hprof "$tmp/crlf.hprof"
printf '%s\n' "$out" | cmp -s - "$tmp/plain.dot" && pass || fail "CRLF: graph differs"
# Invalid UTF-8 (DIFFERENCE: gprof2dot dies decoding) becomes U+FFFD.
sed 's/A\.main/A.m\xffin/' "$data/quirks.hprof" > "$tmp/latin1.hprof"
expect_exit 0 "invalid UTF-8" -- "$bin" -f hprof "$tmp/latin1.hprof"
expect_match "$out" 'A\.m�in' "invalid UTF-8: repaired"
expect_match "$err" "warning: invalid UTF-8 in 1 function name was replaced by U\\+FFFD" "invalid UTF-8: warning"

# bad TEXT MESSAGE-REGEX DESCRIPTION: exit 1, one line naming the file, no
# output file.  gprof2dot loops forever on the first three.
bad() {
  printf '%s' "$1" > "$tmp/bad.hprof"
  expect_exit 1 "$3" -- timeout 10 "$bin" -f hprof "$tmp/bad.hprof" -o "$tmp/out.png"
  expect_match "$err" "^prof2png: $tmp/bad.hprof(:[0-9]+)?: $2" "$3: message"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "$3: one line on stderr, got: $err"
  expect_absent "$tmp/out.png" "$3"
}
bad '' "expected the '--------' line that ends the HPROF header" "empty file"
bad $'JAVA PROFILE 1.0.1\nTRACE 1:\n\ta.b(A.java:1)\n' "expected the '--------' line" "no header end"
bad $'--------\nTHREAD START (obj=1)\n' 'expected TRACE records after the HPROF header' "no TRACE"
bad $'--------\nTRACE 1:\n\ta.b(A.java:1)\n' "expected a 'CPU SAMPLES BEGIN' or 'CPU TIME \\(ms\\) BEGIN' table" "no CPU table"
# DIFFERENCE: gprof2dot dies with ValueError on a table without its end.
bad $'--------\nTRACE 1:\n\ta.b(A.java:1)\nCPU SAMPLES BEGIN (total = 1)\nrank self accum count trace method\n 1 100% 100% 1 1 a.b\n' \
  "expected the 'CPU ... END' line that closes the table begun on line 4, found the end of the input" "no table end"
expect_match "$err" "bad.hprof:6: " "no table end: the line is named"

# DIFFERENCE: rows gprof2dot dies on (ValueError) are skipped with a
# warning; a TRACE line with more after the colon is read, one without a
# number is skipped (AttributeError in gprof2dot).
printf '%s\n' '--------' 'TRACE 1: (thread=200001)' $'\ta.b(A.java:1)' $'\ta.main(A.java:2)' 'TRACE x:' $'\tz.z(Z.java:1)' \
  'TRACE 2:' $'\ta.c(A.java:3)' $'\ta.main(A.java:2)' \
  'CPU SAMPLES BEGIN (total = 3)' 'rank self accum count trace method' \
  ' 1 50% 50% 2 1 a.b' ' 2 25% 75% x 2 a.c' ' 3 25% 100% 1 2' '' ' 4 25% 100% 1 2 a.c' 'CPU SAMPLES END' > "$tmp/rows.hprof"
expect_exit 0 "bad rows" -- "$bin" -f hprof -n0 -e0 "$tmp/rows.hprof"
expect_match "$out" '"a.main" -> "a.b"' "bad rows: TRACE 1: (thread=...) read"
expect_match "$out" '"a.main" -> "a.c"' "bad rows: the good row of trace 2 read"
expect_match "$err" "warning: line 5: skipped 1 TRACE record without a trace number, the first is 'TRACE x:'" "bad TRACE: warning"
expect_match "$err" "warning: line 13: skipped 2 table rows that are not 'rank self accum count trace method' with integer count and trace, the first is ' 2 25% 75% x 2 a.c'" "bad rows: warning"

# Truncated at many lengths and with bytes flipped: never a crash or a
# hang; exit 1 with one line when cut before the closing "CPU SAMPLES END"
# (16 bytes), else exit 0 or exit 1 with one line.
f=$data/quirks.hprof
size=$(stat -c %s "$f")
bad=0
for n in $(seq 0 11 "$size"); do
  head -c "$n" "$f" > "$tmp/trunc.hprof"
  timeout 10 "$bin" -f hprof "$tmp/trunc.hprof" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if { [ "$n" -lt "$((size - 16))" ] || [ "$rc" -ne 0 ]; } && { [ "$rc" -ne 1 ] || [ "$(wc -l < "$tmp/e")" -ne 1 ]; }; then
    bad=$((bad + 1)); echo "truncated at $n: exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$bad" -eq 0 ] && pass || fail "truncated files: $bad bad results"
bad=0
mkdir "$tmp/flips"
python3 - "$f" "$tmp/flips" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
for pos in range(0, len(data), 5):
    for bit in (1, 32, 128):
        d = bytearray(data)
        d[pos] ^= bit
        open('%s/%d-%d.hprof' % (sys.argv[2], pos, bit), 'wb').write(d)
PY
for g in "$tmp"/flips/*.hprof; do
  timeout 10 "$bin" -f hprof "$g" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || [ "$(wc -l < "$tmp/e")" -ne 1 ]; }; then
    bad=$((bad + 1)); echo "flip $(basename "$g" .hprof): exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$bad" -eq 0 ] && pass || fail "bit flips: $bad bad results"

# Frames read long before the graph is built (their pages handed back to the
# file as the input is read): many TRACE records the table never names,
# between the ones it does, change nothing, repaired and empty names
# included.
python3 - "$tmp" <<'PY'
import sys
tmp = sys.argv[1]
head = 'JAVA PROFILE 1.0.1, created Sat Dec  5 05:00:00 2026\n\n--------\n\n'
early = ('TRACE 1:\n\tA.le\xffaf(A.java:10)\n\t(Empty.java:1)\n\tA.main(A.java:3)\n'
         'TRACE 2:\n\tB.run(B.java:7)\n\tA.main(A.java:4)\n')
late = 'TRACE 3:\n\tA.le\xffaf(A.java:10)\n\tC.c\xfe(C.java:1)\n\tA.main(A.java:5)\n'
table = ('CPU SAMPLES BEGIN (total = 10) Sat Dec  5 05:00:00 2026\n'
         'rank   self  accum   count trace method\n'
         '   1 50.00% 50.00%       5 1 A.leaf\n'
         '   2 30.00% 80.00%       3 2 B.run\n'
         '   3 20.00% 100.00%      2 3 A.leaf\n'
         'CPU SAMPLES END\n')
filler = ''.join('TRACE %d:\n\tF.f%d(F.java:1)\n\tF.g%d(F.java:2)\n\tA.main(A.java:9)\n' % (100 + i, i, i % 7)
                 for i in range(150000))
open(tmp + '/small.hprof', 'wb').write((head + early + late + table).encode('latin-1'))
open(tmp + '/big.hprof', 'wb').write((head + early + filler + late + table).encode('latin-1'))
PY
# (the same file name in both, for the warnings; run from their folders)
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
mkdir "$tmp/s" "$tmp/b"
mv "$tmp/small.hprof" "$tmp/s/t.hprof"
mv "$tmp/big.hprof" "$tmp/b/t.hprof"
(cd "$tmp/s" && "$bin" -f hprof t.hprof > ../small.dot 2> ../small.err) && rc=0 || rc=$?
(cd "$tmp/b" && "$bin" -f hprof t.hprof > ../big.dot 2> ../big.err) && rc2=0 || rc2=$?
if [ "$rc" -eq 0 ] && [ "$rc2" -eq 0 ] && cmp -s "$tmp/small.dot" "$tmp/big.dot" && cmp -s "$tmp/small.err" "$tmp/big.err"; then
  pass
else
  fail "unnamed TRACE records between named ones change the graph (exit $rc, $rc2)"
fi
expect_match "$(cat "$tmp/big.err")" 'invalid UTF-8 in 2 function names was replaced by U\+FFFD' "two repaired names"
expect_match "$(cat "$tmp/big.dot")" "label=\"A.le$(printf '\357\277\275')af" "a repaired name from the start of the file"

finish
