#!/usr/bin/env bash
# Pictures for documentation (issue 9): tooltips, --href, --title, --legend;
# PNG metadata and --info; --theme FILE; byte-identical output across runs.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
# Sanitizer builds: Graphviz 2.43 loses a few bytes of each HTML-like label
# (--title, --legend); tests/lsan.supp names the Graphviz function, which only
# a full stack reaches (libgvc has no frame pointers for the fast unwinder).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
stats=$src/samples/myapp.stats
cg=$src/tests/data/callgrind/rec-default.callgrind

# ---- tooltips --------------------------------------------------------------
# SVG: every node and every edge carries a tooltip with the full name, the
# file and line, the times and shares and the calls.
expect_exit 0 "svg" -- "$bin" "$stats" -o "$tmp/a.svg"
python3 - "$tmp/a.svg" <<'PY' && pass || fail "svg: a node or edge without a rich tooltip"
import sys, xml.etree.ElementTree as E
ns = {"s": "http://www.w3.org/2000/svg"}
X = "{http://www.w3.org/1999/xlink}"
root = E.parse(sys.argv[1]).getroot()
nodes = edges = files = 0
for g in root.iter("{http://www.w3.org/2000/svg}g"):
    cls = g.get("class")
    if cls not in ("node", "edge"):
        continue
    tips = [a.get(X + "title") for a in g.iter("{http://www.w3.org/2000/svg}a")]
    assert tips and all(tips), (cls, g.get("id"))
    t = tips[0]
    if cls == "node":
        nodes += 1
        files += "\nfile: myapp.py:" in t
        assert "\ntotal time: " in t and "%)" in t, t
        assert "\nself time: " in t and "\ncalls: " in t, t
    else:
        edges += 1
        assert " \u2192 " in t and "\ntotal time: " in t, t
assert nodes > 3 and edges > 3 and files > 3, (nodes, edges, files)
PY
# DOT stays gprof2dot's unless asked
expect_exit 0 "dot" -- "$bin" "$stats"
expect_match "$out" 'tooltip="myapp.py"' "dot keeps gprof2dot's tooltip"
printf '%s' "$out" | grep -q 'self time:' && fail "dot got rich tooltips by default" || pass
expect_exit 0 "--tooltips" -- "$bin" "$stats" --tooltips
expect_match "$out" 'labeltooltip=' "--tooltips: edge tooltips in DOT"
expect_match "$out" 'tooltip="myapp:25:main\\nfile: myapp.py:25\\ntotal time: ' "--tooltips: node tooltip in DOT"
# the rendered picture is the same with or without --tooltips
expect_exit 0 "svg --tooltips" -- "$bin" "$stats" --tooltips -o "$tmp/b.svg"
cmp -s "$tmp/a.svg" "$tmp/b.svg" && pass || fail "svg differs with --tooltips"
# callgrind: module, samples with the event name
expect_exit 0 "callgrind svg" -- "$bin" "$cg" -T svg
expect_match "$out" 'module: rec&#10;total time: [0-9.]+%&#10;self time: [0-9.]+%&#10;samples: [0-9]+ Ir' "callgrind tooltip"

# ---- links -----------------------------------------------------------------
expect_exit 0 "--href" -- "$bin" "$stats" --href 'https://example.org/src/{file}#L{line}?f={name}&m={module}'
expect_match "$out" 'URL="https://example.org/src/myapp.py#L25\?f=main&m="' "--href substitutes"
expect_match "$out" 'URL="https://example.org/src/myapp.py#L1\?f=%3Cmodule%3E&m="' "--href percent-encodes"
expect_exit 0 "--href svg" -- "$bin" "$stats" --href 'https://example.org/{file}#L{line}' -T svg
expect_match "$out" 'xlink:href="https://example.org/myapp.py#L25"' "--href in svg"
# a node with no file (callgrind here) gets no link when {file} is used
expect_exit 0 "--href no file" -- "$bin" "$cg" --href 'x/{file}'
printf '%s' "$out" | grep -q 'URL=' && fail "--href: link without a file" || pass
expect_exit 0 "--href name only" -- "$bin" "$cg" --href 'https://example.org/?q={name}&mod={module}'
expect_match "$out" 'URL="https://example.org/\?q=%28below%20main%29&mod=libc.so.6"' "--href name and module"
expect_exit 2 "--href bad placeholder" -- "$bin" "$stats" --href 'x/{path}'
expect_match "$err" "^prof2png: --href: unknown placeholder '\{path\}'" "--href bad placeholder message"

# ---- title and legend -------------------------------------------------------
expect_exit 0 "--title --legend" -- "$bin" "$stats" --title 'My <app> & co' --legend -n 1 -e 0.5
expect_match "$out" 'labelloc=t' "title at the top"
expect_match "$out" 'My &lt;app&gt; &amp; co' "title escaped"
expect_match "$out" 'total: 8.289438 s' "legend total"
expect_match "$out" 'hidden: nodes below 1%, edges below 0.5%' "legend thresholds"
expect_match "$out" 'bgcolor="#ff0000"' "legend colour scale"
expect_exit 0 "legend svg" -- "$bin" "$stats" --legend -T svg
expect_match "$out" '>100%</text>' "legend drawn"
expect_exit 0 "legend callgrind" -- "$bin" "$cg" --legend
expect_match "$out" 'total: [0-9]+ Ir' "legend total in the event's unit"
# --legend without --title, print theme (not filled): bordered cells
expect_exit 0 "legend print" -- "$bin" "$stats" --legend -c print
expect_match "$out" 'border="1" color="#' "legend print theme"
# DOT without these options is unchanged by this feature: no label on the graph
expect_exit 0 "plain dot" -- "$bin" "$stats"
printf '%s' "$out" | grep -q 'labelloc' && fail "plain dot has a title" || pass

# ---- byte-identical across runs ---------------------------------------------
for ext in dot svg png; do
  args=(--title T --legend --href 'https://example.org/{file}#L{line}')
  "$bin" "$stats" "${args[@]}" -o "$tmp/r.$ext" && mv "$tmp/r.$ext" "$tmp/r1.$ext" &&
    "$bin" "$stats" "${args[@]}" -o "$tmp/r.$ext"
  cmp -s "$tmp/r.$ext" "$tmp/r1.$ext" && pass || fail "$ext differs between two runs"
done

# ---- PNG metadata ------------------------------------------------------------
expect_exit 0 "png" -- "$bin" "$stats" --title 'Ünïcode title' -o "$tmp/m.png"
expect_exit 0 "--info" -- "$bin" --info "$tmp/m.png"
expect_match "$out" '^Software: prof2png [0-9]+\.[0-9]+\.[0-9]+' "--info version"
expect_match "$out" "prof2png command line: prof2png [^ ]*myapp.stats --title 'Ünïcode title' -o [^ ]*m.png" "--info command line"
expect_match "$out" 'prof2png inputs: [^ ]*samples/myapp.stats' "--info inputs"
expect_match "$out" 'prof2png total: 8.289438 s' "--info total"
expect_match "$out" 'Title: Ünïcode title' "--info title (iTXt)"
# the pixels are Graphviz's: the same picture as -T png without metadata
python3 - "$tmp/m.png" <<'PY' && pass || fail "png chunks"
import struct, sys, zlib
d = open(sys.argv[1], "rb").read()
assert d[:8] == b"\x89PNG\r\n\x1a\n"
i, kinds = 8, []
while i < len(d):
    n, = struct.unpack(">I", d[i:i + 4]); k = d[i + 4:i + 8]
    body = d[i + 8:i + 8 + n]; crc, = struct.unpack(">I", d[i + 8 + n:i + 12 + n])
    assert zlib.crc32(k + body) & 0xffffffff == crc, k
    kinds.append(k.decode()); i += 12 + n
assert kinds[0] == "IHDR" and kinds[-1] == "IEND", kinds
# ASCII texts in tEXt, the UTF-8 title and command line in iTXt
assert kinds.count("tEXt") == 3 and kinds.count("iTXt") == 2, kinds
assert kinds.index("tEXt") < kinds.index("IDAT"), kinds
PY
# bad files
printf 'not a png' >"$tmp/x.png"
expect_exit 1 "--info not png" -- "$bin" --info "$tmp/x.png"
expect_match "$err" "x.png: not a PNG file" "--info not png message"
head -c 40 "$tmp/m.png" >"$tmp/cut.png"
expect_exit 1 "--info truncated" -- "$bin" --info "$tmp/cut.png"
expect_match "$err" "cut.png: bad PNG" "--info truncated message"
expect_exit 1 "--info missing" -- "$bin" --info "$tmp/none.png"
# a PNG without texts (Graphviz's own, via -T png of svg? no: write one)
python3 - "$tmp/plain.png" <<'PY'
import struct, sys, zlib
def chunk(k, b): return struct.pack(">I", len(b)) + k + b + struct.pack(">I", zlib.crc32(k + b) & 0xffffffff)
raw = b"\x00\x00\x00\x00"
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + \
      chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY
expect_exit 1 "--info no texts" -- "$bin" --info "$tmp/plain.png"
expect_match "$err" "no text chunks" "--info no texts message"

# ---- --theme FILE -------------------------------------------------------------
expect_exit 0 "--theme" -- "$bin" "$stats" --theme "$src/tests/data/theme/green.conf"
expect_match "$out" 'color="#00ff00"' "--theme: the hot node in the theme's maxcolor"
expect_exit 0 "-c same file" -- "$bin" "$stats" -c "$src/tests/data/theme/green.conf"
cmp -s <("$bin" "$stats" --theme "$src/themes/color.theme") <("$bin" "$stats") && pass ||
  fail "--theme themes/color.theme differs from the built-in color"
expect_exit 1 "--theme bad" -- "$bin" "$stats" --theme "$src/tests/data/theme/bad.theme"
expect_match "$err" '^prof2png: [^ ]*bad.theme:7: theme: bad value for "maxcolor"' "--theme bad: line number"
expect_exit 1 "--theme unknown key" -- "$bin" "$stats" --theme "$src/tests/data/theme/unknown-key.theme"
expect_match "$err" 'unknown-key.theme:3: theme: unknown key "colour"' "--theme unknown key: line number"
expect_exit 1 "--theme missing" -- "$bin" "$stats" --theme "$tmp/nothere.theme"
expect_match "$err" 'nothere.theme' "--theme missing file named"
# a file named like a built-in theme is still a file
expect_exit 1 "--theme color" -- "$bin" "$stats" --theme color
expect_absent "$tmp/nothere.theme" "no file made"

finish
