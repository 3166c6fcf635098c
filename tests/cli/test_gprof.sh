#!/usr/bin/env bash
# CLI cases of issue 3 (gprof text, `-f prof` / `-f gprof`): the error cases,
# the flat-profile-only note, the inputs gprof2dot fails on, and robustness
# against truncated and damaged files.  Inputs are the gprof outputs made by
# tests/data/gprof/make.sh.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
data=$src/tests/data/gprof

# A good run: the GNU default output, with both names of the format.
expect_exit 0 "default output" -- "$bin" -f prof "$data/recur-default.prof"
expect_match "$out" '^digraph \{' "DOT on stdout"
expect_match "$out" 'label="fib\\n[0-9.]+%\\n\([0-9.]+%\)\\n21891×"' "fib counts its recursive calls"
expect_match "$out" 'label="21890×"' "fib's self call, as gprof2dot draws it"
[ -z "$err" ] && pass || fail "default output: no warnings expected, got: $err"
expect_exit 0 "-f gprof" -- "$bin" -f gprof "$data/recur-bq.prof"
expect_match "$out" 'is_even' "-f gprof reads it too"

# Every variant make.sh wrote reads without a warning (the flat-only ones
# give their one note).
for f in "$data"/*.prof; do
  case $f in *-p.prof|*-bp.prof) continue ;; esac
  expect_exit 0 "$(basename "$f")" -- "$bin" -f prof "$f"
  [ -z "$err" ] && pass || fail "$(basename "$f"): unexpected stderr: $err"
done

# Byte-order marks and UTF-16 (gprof2dot fails on UTF-16BE) give the graph
# of the plain file.
"$bin" -f prof "$data/recur-bq.prof" > "$tmp/plain.dot"
for v in bom utf16le utf16be; do
  "$bin" -f prof "$data/recur-bq-$v.prof" > "$tmp/$v.dot" 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -eq 0 ] && cmp -s "$tmp/plain.dot" "$tmp/$v.dot"; then pass; else fail "$v: differs from the plain file (exit $rc)"; fi
done

# Flat profile only (gprof -p): nodes, no edges, and one line saying why.
# gprof2dot fails on it ("unexpected end of file").
for f in recur-p.prof recur-bp.prof; do
  expect_exit 0 "$f" -- "$bin" -f prof "$data/$f"
  expect_match "$out" 'label="work\\n' "$f: the functions are drawn"
  if printf '%s' "$out" | grep -q -- '->'; then fail "$f: edges drawn"; else pass; fi
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "$f: one line on stderr, got: $err"
  expect_match "$err" "^prof2png: $data/$f: warning: no call graph in this gprof output" "$f: the note"
done

# DIFFERENCE from gprof2dot, which exits 1 without the form feed that ends
# the call graph: we take the end of the file as its end.
sed '/^\f$/,$d' "$data/recur-bq.prof" > "$tmp/noff.prof"
expect_exit 0 "no form feed" -- "$bin" -f prof "$tmp/noff.prof"
printf '%s\n' "$out" | cmp -s - "$tmp/plain.dot" && pass || fail "no form feed: graph differs from the file with it"

# Neither a call graph nor a flat profile: exit 1, one line, no output file.
printf 'this is not a profile\n' > "$tmp/text.prof"
expect_exit 1 "text file" -- "$bin" -f prof "$tmp/text.prof" -o "$tmp/out.png"
expect_match "$err" "^prof2png: $tmp/text.prof: no gprof call graph or flat profile found$" "text file message"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "text file: one line on stderr, got: $err"
expect_absent "$tmp/out.png" "text file"
: > "$tmp/empty.prof"
expect_exit 1 "empty file" -- "$bin" -f prof "$tmp/empty.prof" -o "$tmp/out.png"
expect_match "$err" "^prof2png: $tmp/empty.prof: no gprof call graph or flat profile found$" "empty file message"
expect_absent "$tmp/out.png" "empty file"

# One input only.
expect_exit 2 "two inputs" -- "$bin" -f prof "$data/recur-bq.prof" "$data/recur-b.prof"

# A malformed line is skipped with a warning that names its line.
sed 's/^\[4\] .*fib \[4\]$/[4]  garbage fib [4]/' "$data/recur-bq.prof" > "$tmp/bad.prof"
line=$(grep -n '^\[4\]  garbage' "$tmp/bad.prof" | cut -d: -f1)
if [ -n "$line" ]; then
  expect_exit 0 "malformed line" -- "$bin" -f prof "$tmp/bad.prof"
  expect_match "$err" "warning: line $line: unrecognized call graph entry: '\[4\]  garbage fib \[4\]'" "malformed line warning"
else
  fail "malformed line: recur-bq.prof has no [4] fib entry to damage"
fi

# Truncated at many lengths and with bytes flipped: never a crash or a hang;
# exit 0, or exit 1 with one line.
f=$data/recur-default.prof
size=$(stat -c %s "$f")
bad=0
for n in $(seq 0 97 "$size"); do
  head -c "$n" "$f" > "$tmp/trunc.prof"
  timeout 10 "$bin" -f prof "$tmp/trunc.prof" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || [ "$(wc -l < "$tmp/e")" -ne 1 ]; }; then
    bad=$((bad + 1)); echo "truncated at $n: exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$bad" -eq 0 ] && pass || fail "truncated files: $bad bad results"
bad=0
mkdir "$tmp/flips"
python3 - "$data/recur-bq.prof" "$tmp/flips" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
for pos in range(0, len(data), 7):
    for bit in (1, 32, 128):
        d = bytearray(data)
        d[pos] ^= bit
        open('%s/%d-%d.prof' % (sys.argv[2], pos, bit), 'wb').write(d)
PY
for g in "$tmp"/flips/*.prof; do
  timeout 10 "$bin" -f prof "$g" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || [ "$(wc -l < "$tmp/e")" -ne 1 ]; }; then
    bad=$((bad + 1)); echo "flip $(basename "$g" .prof): exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$bad" -eq 0 ] && pass || fail "bit flips: $bad bad results"

# A file big enough that the parser hands the bytes behind it back to the
# file as it reads (every few MB): a child line near the start whose function
# has no entry of its own (a stub, B1) is read again at the end, after its
# page went back, and still names its node (invalid UTF-8 repaired); the
# same graph with \r\n and with \r alone (lines longer than the 1 MB the
# parser looks ahead for \r) as with \n.
python3 - "$tmp" <<'PY'
import sys
tmp = sys.argv[1]
sep = '-----------------------------------------------\n'
head = 'index % time    self  children    called     name\n'
first = ('                                                 <spontaneous>\n'
         '[1]    100.0    0.50    0.00       3         main [1]\n'
         '                0.00    0.00       2/2           not_listed_\xff [900000]\n'
         '                0.00    0.00       2/2           f2 [2]\n')
body = []
for i in range(2, 60000):
    body.append('                0.00    0.00       1/1           f%d [%d]\n'
                '[%d]      0.0    0.01    0.00       1         f%d [%d]\n'
                '                0.00    0.00       1/1           f%d [%d]\n' % (i - 1, i - 1, i, i, i, i + 1, i + 1))
# one line of 1.5 MB (an unrecognised one: a warning)
text = head + first + sep + sep.join(body) + sep + '   ' + 'x' * 1500000 + '\n' + sep + '\f\n'
data = text.encode('latin-1')
open(tmp + '/big-lf.prof', 'wb').write(data)
open(tmp + '/big-crlf.prof', 'wb').write(data.replace(b'\n', b'\r\n'))
open(tmp + '/big-cr.prof', 'wb').write(data.replace(b'\n', b'\r'))
PY
expect_exit 0 "big file with a stub" -- "$bin" -f prof -n0 -e0 "$tmp/big-lf.prof"
expect_match "$out" "label=\"not_listed_$(printf '\357\277\275')\\\\n" "the stub near the start keeps its (repaired) name"
expect_match "$out" 'label="f59999\\n' "the last entry"
expect_match "$err" "invalid UTF-8 in function names replaced by U\+FFFD \(first: 'not_listed_" "the repair noted"
expect_match "$err" 'unrecognized call graph entry' "the long line reported"
"$bin" -f prof -n0 -e0 "$tmp/big-lf.prof" > "$tmp/big-lf.dot" 2>/dev/null
for v in crlf cr; do
  "$bin" -f prof -n0 -e0 "$tmp/big-$v.prof" > "$tmp/big-$v.dot" 2>/dev/null && rc=0 || rc=$?
  if [ "$rc" -eq 0 ] && cmp -s "$tmp/big-lf.dot" "$tmp/big-$v.dot"; then pass; else fail "big file with $v line ends: differs from \\n (exit $rc)"; fi
done

finish
