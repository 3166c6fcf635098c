#!/usr/bin/env python3
"""Write the hostile-names profiles of the HTML view's browser test
(tests/html/browser.js): names that would be markup or code if the page
took them as such.  Each piece of script in them sets the global p2pPwned,
which the test checks stays unset.

    python3 tests/data/html/make_hostile.py      (writes next to itself)

hostile.callgrind: function names (fn=), file names (fl=: one is a
javascript: URL, for --href '{file}') and module names (ob=), among them
invalid UTF-8 and U+2028/U+2029, which callgrind files can carry.
hostile.json: gprof2dot's JSON schema, which carries process (thread)
names and names holding newlines.
hostile.pstats: Python's pstats (a marshal dict), the format that carries
file names and lines (what --href '{file}#L{line}' links to): a file named
javascript:..., names with markup, and invalid UTF-8 (marshal writes only
valid UTF-8: a placeholder's bytes are replaced in the output).
"""
import json
import marshal
import os

here = os.path.dirname(os.path.abspath(__file__))

# function names; every one is drawn (each has a share of the total)
NAMES = [
    b"</script><script>p2pPwned=1</script>",
    b"<img src=x onerror=p2pPwned=2>",
    b"<svg onload=p2pPwned=3><desc>x</desc></svg>",
    b"\"quotes' & ]]> <!-- comment --> <![CDATA[ x ]]>",
    b"&lt;script&gt;p2pPwned=5&lt;/script&gt; &#60;b&#62;",
    b"</title><script>p2pPwned=6</script><title>",
    b"--><script>p2pPwned=7</script><!--",
    b"line\xe2\x80\xa8separator\xe2\x80\xa9paragraph",
    b"bad \xff\xfe utf-8 \xc3",
    b"javascript:p2pPwned=8",
    b"${p2pPwned=9} {{constructor.constructor('p2pPwned=10')()}}",
]
FILES = [
    b"javascript:p2pPwned=4",
    b"<img src=x onerror=p2pPwned=11>.c",
    b"\"><script>p2pPwned=12</script>.c",
]
MODULES = [
    b"<iframe src=\"javascript:p2pPwned=13\"></iframe>",
    b"data:text/html,<script>p2pPwned=14</script>",
]


def callgrind():
    out = [b"# callgrind format", b"version: 1",
           b"creator: tests/data/html/make_hostile.py", b"positions: line", b"events: Ir", b""]
    # main calls every hostile function; each costs 100 of its own
    out += [b"ob=" + MODULES[0], b"fl=" + FILES[0], b"fn=main", b"1 10"]
    for i, name in enumerate(NAMES):
        out += [b"cob=" + MODULES[i % 2], b"cfi=" + FILES[i % 3], b"cfn=" + name,
                b"calls=1 %d" % (i + 1), b"2 100"]
    out.append(b"")
    for i, name in enumerate(NAMES):
        out += [b"ob=" + MODULES[i % 2], b"fl=" + FILES[i % 3], b"fn=" + name, b"%d 100" % (i + 1), b""]
    return b"\n".join(out)


def profile_json():
    names = ["main", "</script><script>p2pPwned=21</script>",
             "multi\nline\ntotal time: 999 s (100.00%)\nself time: 999 s (100.00%)",
             "<img src=x onerror=p2pPwned=22>", "u2028\u2028u2029\u2029"]
    functions = [{"name": n, "module": "<b onmouseover=p2pPwned=23>mod</b>",
                  "process": "</script><script>p2pPwned=24</script>"} for n in names]
    events = [{"callchain": [i, 0], "cost": [10 * i]} for i in range(1, len(names))]
    return json.dumps({"version": 0, "functions": functions, "events": events}, indent=1).encode()


def pstats():
    main = ("main.py", 1, "main")
    keys = [("javascript:p2pPwned=31", 1, "</script><script>p2pPwned=32</script>"),
            ("\"><img src=x onerror=p2pPwned=33>.py", 2, "<img src=x onerror=p2pPwned=34>"),
            ("data:text/html,<script>p2pPwned=35</script>", 3, "f\u00e9\u00e9"),
            ("  JavaScript:p2pPwned=36", 4, "spaces before a scheme")]
    stats = {main: (1, 1, 0.5, 10.0, {})}
    for i, k in enumerate(keys):
        stats[k] = (1, 1, 1.0 + i, 1.0 + i, {main: (1, 1, 1.0 + i, 1.0 + i)})
    data = marshal.dumps(stats)
    # "f\u00e9\u00e9" -> "f", then four bytes that are not UTF-8
    assert data.count("f\u00e9\u00e9".encode()) == 1
    return data.replace("f\u00e9\u00e9".encode(), b"f\xff\xc3\x28\xfe")


with open(os.path.join(here, "hostile.pstats"), "wb") as f:
    f.write(pstats())
with open(os.path.join(here, "hostile.callgrind"), "wb") as f:
    f.write(callgrind())
with open(os.path.join(here, "hostile.json"), "wb") as f:
    f.write(profile_json() + b"\n")
