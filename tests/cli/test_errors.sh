#!/usr/bin/env bash
# CLI error cases of issue 2 item 7: exit codes, one-line messages naming the
# file and position, and no output file left behind.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
stats=$src/samples/myapp.stats

# A good run for reference.
expect_exit 0 "sample to DOT" -- "$bin" -f pstats "$stats"
expect_match "$out" '^digraph \{' "DOT on stdout"

# Not a pstats file.
printf 'this is not a profile\n' > "$tmp/text.pstats"
expect_exit 1 "text file" -- "$bin" -f pstats "$tmp/text.pstats" -o "$tmp/out.png"
expect_match "$err" "^prof2png: $tmp/text.pstats: .*expected.*\(byte 0\)$" "text file message"
expect_absent "$tmp/out.png" "text file"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "text file: one line on stderr, got: $err"

# Empty file.
: > "$tmp/empty.pstats"
expect_exit 1 "empty file" -- "$bin" -f pstats "$tmp/empty.pstats" -o "$tmp/out.png"
expect_match "$err" "^prof2png: $tmp/empty.pstats: " "empty file message"
expect_absent "$tmp/out.png" "empty file"

# Truncated at every length: never a crash, always exit 1 with a byte offset.
size=$(stat -c %s "$stats")
crashes=0
for n in $(seq 1 $((size - 1))); do
  head -c "$n" "$stats" > "$tmp/trunc.pstats"
  "$bin" -f pstats "$tmp/trunc.pstats" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -ne 1 ] || ! grep -q "(byte [0-9]*)" "$tmp/e"; then
    crashes=$((crashes + 1)); echo "truncated at $n: exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$crashes" -eq 0 ] && pass || fail "truncated files: $crashes bad results"

# Bit flips: any result but a crash or a hang; a failure is exit 1 with one line.
mkdir "$tmp/flips"
python3 - "$stats" "$tmp/flips" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
for pos in range(0, len(data), 7):
    for bit in (1, 16, 128):
        d = bytearray(data)
        d[pos] ^= bit
        open('%s/%d-%d' % (sys.argv[2], pos, bit), 'wb').write(d)
PY
bad=0
for f in "$tmp"/flips/*; do
  timeout 10 "$bin" -f pstats "$f" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || [ "$(wc -l < "$tmp/e")" -ne 1 ]; }; then
    bad=$((bad + 1)); echo "flip $(basename "$f"): exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$bad" -eq 0 ] && pass || fail "bit flips: $bad bad results"

# Missing file.
expect_exit 1 "missing file" -- "$bin" -f pstats "$tmp/nope.pstats" -o "$tmp/out.png"
expect_match "$err" "^prof2png: $tmp/nope.pstats: cannot open: No such file or directory$" "missing file message"
expect_absent "$tmp/out.png" "missing file"

# Unwritable output path.
expect_exit 1 "unwritable output" -- "$bin" -f pstats "$stats" -o "$tmp/no/such/dir/out.png"
expect_match "$err" "^prof2png: $tmp/no/such/dir/out.png: cannot create" "unwritable output message"
mkdir "$tmp/ro" && chmod 555 "$tmp/ro"
if [ "$(id -u)" -ne 0 ]; then
  expect_exit 1 "read-only folder" -- "$bin" -f pstats "$stats" -o "$tmp/ro/out.png"
  expect_absent "$tmp/ro/out.png" "read-only folder"
fi
expect_exit 1 "output is a directory" -- "$bin" -f pstats "$stats" -o "$tmp"
expect_match "$err" "is a directory" "directory output message"

# A failure leaves an existing output untouched.
echo "precious" > "$tmp/keep.png"
expect_exit 1 "failure keeps old output" -- "$bin" -f pstats "$tmp/text.pstats" -o "$tmp/keep.png"
[ "$(cat "$tmp/keep.png")" = "precious" ] && pass || fail "existing output was changed"
ls -a "$tmp" | grep -q '^\.prof2png-' && fail "temporary file left behind" || pass

# Usage errors: exit 2.
expect_exit 2 "unknown format" -- "$bin" -f nosuch "$stats"
expect_match "$err" "^prof2png: invalid format 'nosuch' \(expected .*pstats.*\)$" "unknown format message"
expect_exit 2 "unknown colormap" -- "$bin" -f pstats -c nosuch "$stats"
expect_match "$err" "^prof2png: invalid colormap 'nosuch' \(expected bw, color, gray, pink, print" "unknown colormap message"
expect_exit 2 "unknown option" -- "$bin" --no-such-option "$stats"
expect_exit 2 "bad threshold" -- "$bin" -n abc "$stats"
expect_exit 2 "bad -T" -- "$bin" -T nosuch "$stats"
expect_exit 2 "no input" -- "$bin" -f pstats
expect_exit 2 "bad time format" -- "$bin" --time-format '%s' "$stats"
expect_exit 0 "help" -- "$bin" --help
expect_match "$out" "Exit status" "help documents exit codes"
expect_exit 0 "version" -- "$bin" --version
expect_match "$out" "^prof2png [0-9]" "version"

finish
