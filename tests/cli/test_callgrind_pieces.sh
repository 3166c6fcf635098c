#!/usr/bin/env bash
# -f callgrind reads a mapped file in pieces of whole lines (p2p_lines:
# pread into a 128 KiB buffer, a longer line in place from the mapping),
# and stdin in one piece.  The same bytes must give the same graph and the
# same warnings (line numbers included) both ways, whatever falls on a
# piece boundary: a "\r\n" cut by the buffer's end, lines ending in '\r'
# only, lines longer than the buffer, a name beyond the 1 MiB limit, a
# byte-order mark (the file is read from offset 3), an unterminated tail.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"

python3 - "$tmp" <<'EOF'
import sys
tmp = sys.argv[1]
BUF = 128 << 10

def body(n, eol):
    """n functions with self costs and calls, as lines ending in eol."""
    out = []
    for i in range(n):
        out.append(b"fn=f%d" % i)
        out.append(b"%d %d" % (i % 50 + 1, i % 7 + 1))
        out.append(b"cfn=f%d" % ((i * 7 + 3) % n))
        out.append(b"calls=%d 1" % (i % 3 + 1))
        out.append(b"%d %d" % (i % 50 + 1, i % 11 + 5))
        if i % 97 == 0:
            out.append(b"bogus line %d" % i)  # a warning with a line number
    return b"".join(l + eol for l in out)

head = b"events: Ir\n"

# 1. Lines ending in '\r' only, but for one "\r\n" that straddles the
# buffer's end: a calls= line whose cost line follows it.  Cut between
# '\r' and '\n', the '\n' would be an empty line that drops the call.
pre = head + body(2000, b"\r")
calls = b"fn=straddle\r1 1\rcfn=target\rcalls=5 1\r"
# pad with comment lines so that the calls= line's '\r' is the buffer's
# last byte
pad = BUF - 1 - len(pre) - len(calls) + 1  # bytes of comment lines to add
assert pad > 10
comment = b"#" + b"x" * (pad - 2) + b"\r"
data = pre + comment + calls[:-1] + b"\r\n" + b"1 1234\r" + body(3000, b"\r")
assert data[BUF - 1:BUF + 1] == b"\r\n", data[BUF - 4:BUF + 4]
open(tmp + "/cr.cg", "wb").write(data)

# 2. CRLF everywhere, several pieces.
open(tmp + "/crlf.cg", "wb").write(head + body(20000, b"\r\n"))

# 3. Lines longer than the buffer: a name of 300 KiB, an unknown line of
# 200 KiB, a name beyond 1 MiB (skipped with a warning), then more lines.
long_name = b"n" * (300 << 10)
data = (head + body(3000, b"\n") + b"fn=" + long_name + b"\n1 7\n" +
        b"junk" + b"j" * (200 << 10) + b"\n" + b"fn=" + b"m" * ((1 << 20) + 5) + b"\n2 9\n" +
        b"cfn=" + long_name + b"\ncalls=2 1\n3 11\n" + body(3000, b"\n"))
open(tmp + "/long.cg", "wb").write(data)

# 4. A byte-order mark, and an unterminated last line.
open(tmp + "/bom.cg", "wb").write(b"\xef\xbb\xbf" + head + body(8000, b"\n") + b"fn=last\n1 99")

# 5. A last line longer than the buffer, unterminated.
open(tmp + "/tail.cg", "wb").write(head + body(3000, b"\n") + b"fn=" + b"t" * (200 << 10))
EOF

for f in cr crlf long bom tail; do
  file=$tmp/$f.cg
  [ "$(stat -c %s "$file")" -gt 131072 ] && pass || fail "$f: not bigger than the buffer"
  "$bin" -f callgrind -n0 -e0 "$file" > "$tmp/$f.file.dot" 2> "$tmp/$f.file.err"
  code_file=$?
  "$bin" -f callgrind -n0 -e0 - < "$file" > "$tmp/$f.pipe.dot" 2> "$tmp/$f.pipe.err"
  code_pipe=$?
  [ "$code_file" = 0 ] && [ "$code_pipe" = 0 ] && pass || fail "$f: exit $code_file (file), $code_pipe (stdin)"
  cmp -s "$tmp/$f.file.dot" "$tmp/$f.pipe.dot" && pass || fail "$f: the graph differs between file and stdin"
  sed "s|$file|INPUT|" "$tmp/$f.file.err" > "$tmp/$f.file.err2"
  sed "s|<stdin>|INPUT|" "$tmp/$f.pipe.err" > "$tmp/$f.pipe.err2"
  if cmp -s "$tmp/$f.file.err2" "$tmp/$f.pipe.err2"; then pass; else
    fail "$f: warnings differ: $(diff "$tmp/$f.file.err2" "$tmp/$f.pipe.err2" | head -5)"
  fi
done

# What the pieces must not lose.
grep -q 'straddle' "$tmp/cr.file.dot" && grep -q 'target' "$tmp/cr.file.dot" && pass ||
  fail "cr: the call across the buffer's end is drawn"
grep -q 'calls= line not followed' "$tmp/cr.file.err" && fail "cr: a call was dropped: $(cat "$tmp/cr.file.err")" || pass
grep -q 'nnnnnnnn' "$tmp/long.file.dot" && pass || fail "long: the 300 KiB name is drawn"
expect_match "$(cat "$tmp/long.file.err")" "warning: line [0-9]+: name longer than 1 MiB" "long: the 1 MiB name is skipped"
grep -q '"last"\|last' "$tmp/bom.file.dot" && pass || fail "bom: the unterminated last line counts"
expect_match "$(cat "$tmp/bom.file.err")" "the last line has no line end" "bom: unterminated warning"
expect_match "$(cat "$tmp/tail.file.err")" "the last line has no line end" "tail: unterminated warning"

# Many inputs: only some keep their file descriptor (a quarter of the
# limit at most); the others are parsed in place, to the same graph.
for i in $(seq 1 40); do cp "$tmp/bom.cg" "$tmp/many-$i.cg"; done
expect_exit 0 "40 inputs" -- "$bin" -f callgrind -n0 -e0 "$tmp"/many-*.cg
all=$out
expect_exit 0 "40 inputs, 32 descriptors" -- bash -c 'ulimit -n 32 && exec "$@"' sh "$bin" -f callgrind -n0 -e0 "$tmp"/many-*.cg
[ "$out" = "$all" ] && pass || fail "40 inputs: the graph depends on the descriptors kept"

finish
