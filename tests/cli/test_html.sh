#!/usr/bin/env bash
# The HTML view as a file (-T html, -o FILE.html): the same bytes on every
# run, nothing loaded from outside, a Content-Security-Policy whose hashes
# are those of the page's own script and style, markup from names never
# made (hostile profiles of tests/data/html), and --href limited to
# http:, https:, file: and relative links for every output type.  The page
# in a browser: tests/html/test_browser.sh.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
stats=$src/samples/myapp.stats
data=$src/tests/data/html

# ---- the type, from -T or the extension --------------------------------------
expect_exit 0 "-o a.html" -- "$bin" "$stats" -o "$tmp/a.html"
head -c 15 "$tmp/a.html" | grep -q '^<!DOCTYPE html>' && pass || fail "-o a.html is not an HTML page"
# the pages differ only in the command line they show
strip_cmd() { grep -v '^<pre id="command">' "$1"; }
expect_exit 0 "-o b.HTM" -- "$bin" "$stats" -o "$tmp/b.HTM"
cmp -s <(strip_cmd "$tmp/a.html") <(strip_cmd "$tmp/b.HTM") && pass || fail ".HTM gives another page than .html"
"$bin" "$stats" -T html > "$tmp/c.html" 2>/dev/null
cmp -s <(strip_cmd "$tmp/a.html") <(strip_cmd "$tmp/c.html") && pass || fail "-T html on stdout differs from -o a.html"
expect_match "$(cat "$tmp/c.html")" '<pre id="command">prof2png [^<]*myapp.stats -T html</pre>' "-T html: the command line"
expect_exit 2 "-T htlm" -- "$bin" "$stats" -T htlm
expect_match "$err" "expected dot, gv, png, svg, html," "-T: the message names html"

# ---- the same bytes on every run ------------------------------------------------
mv "$tmp/a.html" "$tmp/a1.html"
expect_exit 0 "again" -- "$bin" "$stats" -o "$tmp/a.html"
cmp -s "$tmp/a.html" "$tmp/a1.html" && pass || fail "two runs give different pages"
expect_exit 0 "svg" -- "$bin" "$stats" -o "$tmp/a.svg"

# ---- what the page holds: checked with Python's own HTML tokenizer -------------
# (html.parser), not with prof2png's code.
check_page() { # PAGE SVG-OR-EMPTY WHAT
  python3 - "$@" <<'PY'
import base64, hashlib, html.parser, os, re, sys
page_path, svg_path, what = sys.argv[1:4]
page = open(page_path, "rb").read()
text = page.decode("utf-8")  # raises on invalid UTF-8
problems = []

# 1. nothing from outside: the only URLs are the SVG namespaces
urls = set(re.findall(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>)]*", text))
urls -= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
urls = {u for u in urls if not u.startswith("file:///src/")}  # --href links of the hostile page
if urls:
    problems.append("URLs: %s" % sorted(urls))

# 2. the elements, attributes and links, as a browser's tokenizer sees them
SVG = {"svg", "g", "title", "a", "polygon", "polyline", "path", "ellipse", "text", "tspan",
       "defs", "lineargradient", "radialgradient", "stop", "rect"}
HTML = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "input", "output",
        "span", "button", "main", "div", "aside", "section", "p", "pre", "ol", "a", "dl", "dt",
        "dd", "script"}
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self.styles, self.csp, self.stack = [], [], [], None, []
        self.data = None
    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in SVG | HTML:
            problems.append("element <%s>" % tag)
        for name, value in attrs:
            if name.startswith("on"):
                problems.append("handler %s on <%s>" % (name, tag))
            if name in ("href", "xlink:href", "src", "action", "formaction", "style"):
                if name != "href" and name != "xlink:href":
                    problems.append("attribute %s on <%s>" % (name, tag))
                elif not re.match(r"(https?|file):", value or "") and re.match(r"[^/?#]*:", value or ""):
                    problems.append("link %r" % value)
        d = dict(attrs)
        if tag == "meta" and d.get("http-equiv") == "Content-Security-Policy":
            self.csp = d["content"]
        if tag in ("script", "style"):
            self.data = (tag, [])
    def handle_data(self, data):
        if self.data:
            self.data[1].append(data)
    def handle_endtag(self, tag):
        if self.data and tag == self.data[0]:
            (self.scripts if tag == "script" else self.styles).append("".join(self.data[1]))
            self.data = None
p = P()
p.feed(text)
p.close()
if len(p.scripts) != 1 or len(p.styles) != 1:
    problems.append("%d scripts and %d styles" % (len(p.scripts), len(p.styles)))

# 3. the policy: nothing by default, the script and the style by their hashes
def h(s):
    return "'sha256-%s'" % base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
csp = p.csp or ""
if "default-src 'none'" not in csp or "unsafe" in csp:
    problems.append("policy %r" % csp)
if p.scripts and "script-src %s;" % h(p.scripts[0]) not in csp:
    problems.append("the script's hash is not the policy's")
if p.styles and "style-src %s;" % h(p.styles[0]) not in csp:
    problems.append("the style's hash is not the policy's")

# 4. the size: the SVG and at most 50 kB more
if svg_path:
    extra = len(page) - os.path.getsize(svg_path)
    if extra > 50000:
        problems.append("%d bytes more than the SVG" % extra)
for q in problems:
    print("%s: %s" % (what, q))
sys.exit(1 if problems else 0)
PY
}
check_page "$tmp/a.html" "$tmp/a.svg" "myapp.html" && pass || fail "myapp.html: see above"

# ---- title, legend and the command line: in the page, not in the picture ------
expect_exit 0 "--title --legend" -- "$bin" "$stats" --title 'A <b>title</b> & more' --legend -o "$tmp/t.html"
page=$(cat "$tmp/t.html")
expect_match "$page" '<h1 id="title">A &lt;b&gt;title&lt;/b&gt; &amp; more</h1>' "the title, escaped, heads the page"
expect_match "$page" '<title>A &lt;b&gt;title&lt;/b&gt; &amp; more</title>' "the title names the page"
expect_match "$page" '<section id="legend">' "the legend"
expect_match "$page" 'total: 8\.289438 s' "the legend: the total"
expect_match "$page" "<pre id=\"command\">prof2png .*myapp.stats --title &#39;A &lt;b&gt;title&lt;/b&gt; &amp; more&#39; --legend -o " "the command line"
svgpart=$(sed -n '/<div id="graph">/,/<\/div>/p' "$tmp/t.html")
printf '%s' "$svgpart" | grep -q 'more' && fail "the title is drawn in the picture too" || pass
expect_exit 0 "compare" -- "$bin" --compare "$stats" "$stats" -o "$tmp/cmp.html"
check_page "$tmp/cmp.html" "" "compare.html" && pass || fail "compare.html: see above"

# ---- hostile names: the page holds no markup made from them ---------------------
expect_exit 0 "hostile callgrind" -- "$bin" -q -n0 -e0 "$data/hostile.callgrind" -o "$tmp/h1.html"
expect_exit 0 "hostile pstats" -- "$bin" -q -n0 -e0 --href 'file:///src/{file}#L{line}' "$data/hostile.pstats" -o "$tmp/h2.html"
expect_exit 0 "hostile json" -- "$bin" -q -n0 -e0 "$data/hostile.json" -o "$tmp/h3.html"
for f in h1 h2 h3; do
  check_page "$tmp/$f.html" "" "$f.html" && pass || fail "$f.html: see above"
done
expect_match "$(cat "$tmp/h2.html")" 'xlink:href="file:///src/javascript%3Ap2pPwned%3D31#L1"' "a javascript: file name is a path"

# ---- --href: only http:, https:, file: and relative links, for every type -----
for bad in 'javascript:alert(1)' 'JavaScript:x' 'data:text/html,x' 'vbscript:x' ' javascript:x' \
           'java	script:x' '{file}:{line}' 'x&#58;y' 'ftp://example.org/{file}' ':x'; do
  expect_exit 2 "--href '$bad'" -- "$bin" "$stats" --href "$bad" -o "$tmp/bad.html"
  expect_absent "$tmp/bad.html" "--href '$bad'"
done
for t in dot svg png html; do
  expect_exit 2 "--href javascript: -T $t" -- "$bin" "$stats" -T $t --href 'javascript:alert(1)' -o "$tmp/bad.$t"
  expect_absent "$tmp/bad.$t" "--href javascript: -T $t"
  expect_match "$err" "^prof2png: --href: expected an http:, https:, file: or relative URL, found 'javascript:'" \
    "--href -T $t: the message"
done
for good in 'https://example.org/{file}#L{line}' 'HTTP://x/{name}' 'file:///src/{file}' 'src/{file}' \
            '/{file}#L{line}' '{file}#L{line}' '//host/{file}' '?f={name}&m={module}' '#{name}'; do
  expect_exit 0 "--href '$good'" -- "$bin" "$stats" --href "$good" -T html -o "$tmp/good.html"
done
finish
