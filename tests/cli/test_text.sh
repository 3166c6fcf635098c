#!/usr/bin/env bash
# Issue 7 item 4, for every text format the binary knows: invalid UTF-8
# never aborts a parse, bad bytes in names become U+FFFD with one warning
# on stderr, and UTF-16 (LE and BE) with a byte-order mark reads as the
# UTF-8 file does (a UTF-8 byte-order mark too).  The inputs are seeds of
# fuzz/corpus/<format>/ that read cleanly.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"

formats=$("$bin" -f ' ' x 2>&1 | sed -n 's/.*(expected \(.*\))$/\1/p' | tr -d ',')

python3 - "$bin" "$src" "$tmp" $formats <<'PY'
import os, re, subprocess, sys

binary, src, tmp, formats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
BINARY_FORMATS = {'pstats', 'sleepy'}  # not text: item 4 does not apply
bad = 0

def run(fmt, data, name):
    path = os.path.join(tmp, name)
    open(path, 'wb').write(data)
    p = subprocess.run([binary, '-f', fmt, '-n0', '-e0', path], capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode('utf-8', 'replace').replace(path, 'INPUT')

def report(fmt, what, problem):
    global bad
    bad += 1
    print('%s: %s: %s' % (fmt, what, problem))

for fmt in formats:
    if fmt in BINARY_FORMATS:
        continue
    d = os.path.join(src, 'fuzz', 'corpus', fmt)
    seeds = sorted(os.path.join(d, f) for f in os.listdir(d) if f.startswith('seed-')) if os.path.isdir(d) else []
    chosen = None
    for s in seeds:
        data = open(s, 'rb').read()
        if b'--p2p-next-input--' in data or b'\r' in data or not data.isascii() or len(data) > 32768:
            continue
        rc, out, err = run(fmt, data, 'plain')
        # a name of 4+ letters that is drawn, to damage below
        words = sorted(set(re.findall(rb'[A-Za-z_]{4,}', data)), key=lambda w: (-len(w), w))
        word = next((w for w in words if w in out and data.count(w) < 50), None)
        if rc == 0 and not err and out.count(b'label=') >= 2 and word:
            chosen = (os.path.basename(s), data, out, word)
            break
    if not chosen:
        print('%s: skipped: no clean ASCII seed in fuzz/corpus/%s' % (fmt, fmt))
        continue
    seed, data, want, word = chosen
    print('%s: %s' % (fmt, seed))
    text = data.decode('ascii')
    for what, enc in (('UTF-8 BOM', b'\xef\xbb\xbf' + data),
                      ('UTF-16LE BOM', b'\xff\xfe' + text.encode('utf-16-le')),
                      ('UTF-16BE BOM', b'\xfe\xff' + text.encode('utf-16-be'))):
        rc, out, err = run(fmt, enc, 'enc')
        if rc != 0 or out != want:
            report(fmt, what, 'exit %d, %s' % (rc, 'same graph' if out == want else 'a different graph: ' + err[-200:]))
    # invalid UTF-8 inside a name that is drawn: every occurrence of the
    # longest identifier that shows in the graph gets stray bytes
    broken = word[:3] + b'\xff\xc3' + word[3:]
    rc, out, err = run(fmt, data.replace(word, broken), 'broken')
    notes = [l for l in err.splitlines() if 'U+FFFD' in l]
    if rc != 0:
        report(fmt, 'invalid UTF-8', 'exit %d: %s' % (rc, err[-300:]))
    elif (word[:3] + b'\xef\xbf\xbd\xef\xbf\xbd' + word[3:]) not in out:
        report(fmt, 'invalid UTF-8', 'the name %r is not drawn with two U+FFFD' % broken)
    elif len(notes) != 1:
        report(fmt, 'invalid UTF-8', 'expected one note naming U+FFFD on stderr, got: %r' % err[-400:])
    try:
        out.decode('utf-8')
    except UnicodeDecodeError as e:
        report(fmt, 'invalid UTF-8', 'the DOT output is not UTF-8: %s' % e)
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] && pass || fail "text encodings: see above"

# pstats: names are marshal strings; bytes that are not UTF-8 (Python 2
# str, or a damaged file) become U+FFFD with one note too.
python3 - "$tmp/latin.pstats" <<'PY'
import marshal, sys
k = ('/src/caf\xe9.py', 1, 'main')
# a Python 2 style bytes filename and a text name with a lone surrogate's bytes
stats = {k: (1, 1, 1.0, 1.0, {}), (b'/src/x\xff.py', 2, 'f'): (1, 1, 0.5, 0.5, {k: (1, 1, 0.5, 0.5)})}
open(sys.argv[1], 'wb').write(marshal.dumps(stats))
PY
expect_exit 0 "pstats with bytes names" -- "$bin" -f pstats -n0 -e0 "$tmp/latin.pstats"
expect_match "$out" 'x�:2:f' "pstats: U+FFFD in the module name"
expect_match "$out" 'café:1:main' "pstats: Latin-1 text stays text"
[ "$(printf '%s\n' "$err" | grep -c 'U+FFFD')" -eq 1 ] && pass || fail "pstats: one U+FFFD note expected, got: $err"

finish
