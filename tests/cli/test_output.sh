#!/usr/bin/env bash
# Output selection and determinism: -o by extension, -T, stdout DOT, and the
# article's flows.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
stats=$src/samples/myapp.stats

png_sig() { head -c 8 "$1" | od -An -tx1 | tr -d ' \n'; }

expect_exit 0 "png by extension" -- "$bin" -f pstats "$stats" -o "$tmp/out.png"
[ "$(png_sig "$tmp/out.png")" = "89504e470d0a1a0a" ] && pass || fail "out.png is not a PNG"
expect_exit 0 "upper-case extension" -- "$bin" -f pstats "$stats" -o "$tmp/OUT.PNG"
[ "$(png_sig "$tmp/OUT.PNG")" = "89504e470d0a1a0a" ] && pass || fail "OUT.PNG is not a PNG"

expect_exit 0 "svg by extension" -- "$bin" -f pstats "$stats" -o "$tmp/out.svg"
python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); assert r.tag.endswith("svg"), r.tag' "$tmp/out.svg" \
  && pass || fail "out.svg does not parse as SVG"

expect_exit 0 "pdf by extension" -- "$bin" -f pstats "$stats" -o "$tmp/out.pdf"
[ "$(head -c 5 "$tmp/out.pdf")" = "%PDF-" ] && pass || fail "out.pdf is not a PDF"

expect_exit 0 "-T overrides extension" -- "$bin" -f pstats "$stats" -T svg -o "$tmp/really-svg.png"
grep -q "<svg" "$tmp/really-svg.png" && pass || fail "-T svg wrote no SVG"

expect_exit 0 "dot by extension" -- "$bin" -f pstats "$stats" -o "$tmp/out.dot"
expect_exit 0 "stdout" -- "$bin" -f pstats "$stats"
[ "$out" = "$(cat "$tmp/out.dot")" ] && pass || fail "-o x.dot differs from stdout"
expect_exit 0 "gv by extension" -- "$bin" -f pstats "$stats" -o "$tmp/out.gv"
cmp -s "$tmp/out.gv" "$tmp/out.dot" && pass || fail "-o x.gv differs from -o x.dot"

# Deterministic: same bytes every run, for DOT, SVG and PNG (the same
# command: a PNG records its command line, -o included).
for ext in dot svg png; do
  "$bin" -f pstats "$stats" -o "$tmp/a.$ext" && mv "$tmp/a.$ext" "$tmp/b.$ext" &&
    "$bin" -f pstats "$stats" -o "$tmp/a.$ext"
  cmp -s "$tmp/a.$ext" "$tmp/b.$ext" && pass || fail "$ext output differs between runs"
done

# Format detection: a pstats file needs no -f.
expect_exit 0 "no -f" -- "$bin" "$stats"
[ "$out" = "$(cat "$tmp/out.dot")" ] && pass || fail "output without -f differs"

# stdin.
expect_exit 0 "stdin" -- sh -c "'$bin' -f pstats - < '$stats'"
[ "$out" = "$(cat "$tmp/out.dot")" ] && pass || fail "stdin output differs"

# The article's pipe: DOT from prof2png renders with the dot program.
if command -v dot > /dev/null; then
  "$bin" -f pstats "$stats" | dot -Tpng -o "$tmp/piped.png" && pass || fail "prof2png | dot -Tpng failed"
  [ "$(png_sig "$tmp/piped.png")" = "89504e470d0a1a0a" ] && pass || fail "piped.png is not a PNG"
fi

# A closed pipe is an error, not a crash.
"$bin" -f pstats -n0 -e0 "$stats" 2> "$tmp/e" | head -c 1 > /dev/null
pass

finish
