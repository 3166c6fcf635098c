#!/usr/bin/env bash
# Issue 7, "done when": the mutation suite.  For every input format the
# binary knows, small seeds from fuzz/corpus/<format>/ are damaged in every
# way the issue lists: truncated at many offsets, bits flipped, a byte
# doubled, lengths and counts declared as 2^31, 2^32, 2^63 and 2^64, deep
# nesting (marshal containers, JSON, XML, brackets), 200,000 nested events
# (trace B/E and X, speedscope O/C and a sample's stack), a megabyte-long
# line, NUL bytes and invalid UTF-8.  Every case must either exit 0 with a whole
# DOT graph in the -o file, or exit 1 with one "prof2png: FILE..." line on
# stderr and no output file.  Never a signal, a timeout (10 s; 60 s for the
# 200,000-frame stack, drawn whole), another
# exit code, or a file left behind.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"

formats=$("$bin" -f ' ' x 2>&1 | sed -n 's/.*(expected \(.*\))$/\1/p' | tr -d ',')
[ -n "$formats" ] && pass || fail "could not list the formats"

python3 - "$bin" "$src" "$tmp" $formats > "$tmp/report" 2>&1 <<'PY'
import concurrent.futures, os, random, re, subprocess, sys

binary, src, tmp, formats = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
SEEDS_PER_FORMAT = 3
SEED_MAX = 16 * 1024
rng = random.Random(7)

def seeds(fmt):
    d = os.path.join(src, 'fuzz', 'corpus', fmt)
    if not os.path.isdir(d):
        return []
    files = sorted(f for f in os.listdir(d) if f.startswith('seed-'))
    data = [open(os.path.join(d, f), 'rb').read() for f in files]
    data = [x for x in data if 0 < len(x) <= SEED_MAX and b'--p2p-next-input--' not in x]
    data.sort(key=len)
    # the smallest, the largest and one between
    pick = [data[0], data[len(data) // 2], data[-1]] if len(data) >= 3 else data
    return pick[:SEEDS_PER_FORMAT]

BIG_NUMBERS = [b'2147483648', b'4294967296', b'9223372036854775808', b'18446744073709551616',
               b'1' + b'0' * 400, b'-9223372036854775809', b'nan', b'inf', b'1e999']
BIG_LE = [(1 << 31).to_bytes(4, 'little'), (0xffffffff).to_bytes(4, 'little'),
          (1 << 63).to_bytes(8, 'little'), (0xffffffffffffffff).to_bytes(8, 'little')]

def mutations(seed):
    n = len(seed)
    out = []
    offsets = sorted(set([0, 1, 2, 3, 4, 5, 7, 8, n // 2, n - 2, n - 1] +
                         [rng.randrange(n) for _ in range(12)]))
    for k in offsets:
        if 0 < k < n:
            out.append(('truncated at %d' % k, seed[:k]))
    for _ in range(24):
        k, bit = rng.randrange(n), 1 << rng.randrange(8)
        m = bytearray(seed); m[k] ^= bit
        out.append(('bit %d of byte %d flipped' % (bit, k), bytes(m)))
    for _ in range(6):
        k = rng.randrange(n)
        out.append(('byte %d doubled' % k, seed[:k + 1] + seed[k:]))
    # declared lengths: binary fields overwritten, decimal numbers replaced
    for _ in range(4):
        k = rng.randrange(n)
        for le in BIG_LE:
            out.append(('%d-byte length at %d' % (len(le), k), seed[:k] + le + seed[k + len(le):]))
    numbers = [m.span() for m in re.finditer(rb'\d+', seed)]
    for a, b in rng.sample(numbers, min(len(numbers), 6)):
        for big in BIG_NUMBERS:
            out.append(('number at %d is %s' % (a, big[:24].decode()), seed[:a] + big + seed[b:]))
    k = rng.randrange(n)
    out.append(('NUL and invalid UTF-8 at %d' % k, seed[:k] + b'\x00\xff\xfe\xc0\x80\xed\xa0\x80' + seed[k:]))
    return out

def nesting(fmt):
    deep = 200000
    return [
        ('marshal lists nested %d deep' % deep, b'{' + b'[\x01\x00\x00\x00' * deep + b'N'),
        ('marshal tuples nested %d deep' % deep, b'\xfb' + b')\x01' * deep + b'N'),
        ('JSON arrays nested %d deep' % deep, b'[' * deep + b']' * deep),
        ('JSON objects nested %d deep' % deep, b'{"a":' * deep + b'1' + b'}' * deep),
        ('XML elements nested %d deep' % deep, b'<?xml version="1.0"?>' + b'<a>' * deep + b'</a>' * deep),
        ('a 1 MB line of brackets', b'(' * (1 << 20) + b'\n'),
        ('a stack %d frames deep' % deep, b';'.join(b'f%d' % i for i in range(deep)) + b' 1\n'),
        ('UTF-16LE with a BOM', b'\xff\xfe' + 'a;b;c 1\n'.encode('utf-16-le')),
        ('UTF-16BE with a BOM, odd length', b'\xfe\xff' + 'a;b 1\n'.encode('utf-16-be') + b'\x00'),
        ('empty', b''),
    ] + deep_events(fmt, deep)

def deep_events(fmt, deep):
    """Stacks of nested events for the evented formats."""
    if fmt == 'trace':
        b = b','.join(b'{"ph":"B","ts":%d,"pid":1,"tid":1,"name":"f%d"}' % (i, i % 7) for i in range(deep))
        e = b','.join(b'{"ph":"E","ts":%d,"pid":1,"tid":1}' % (deep + i) for i in range(deep))
        x = b','.join(b'{"ph":"X","ts":%d,"dur":%d,"pid":1,"tid":1,"name":"g"}' % (i, 2 * (deep - i)) for i in range(deep))
        return [('B events %d frames deep' % deep, b'[' + b + b',' + e + b']'),
                ('B events %d frames deep, never closed' % deep, b'[' + b + b']'),
                ('X events %d frames deep' % deep, b'[' + x + b']')]
    if fmt == 'speedscope':
        head = b'{"shared":{"frames":[{"name":"f"},{"name":"g"}]},"profiles":[{"type":"evented","name":"t","unit":"none","events":['
        o = b','.join(b'{"type":"O","frame":%d,"at":%d}' % (i % 2, i) for i in range(deep))
        c = b','.join(b'{"type":"C","frame":%d,"at":%d}' % ((deep - 1 - i) % 2, deep + i) for i in range(deep))
        smp = b'{"shared":{"frames":[{"name":"f"}]},"profiles":[{"type":"sampled","name":"t","unit":"none","samples":[[' + \
            b','.join(b'0' for _ in range(deep)) + b']],"weights":[1]}]}'
        return [('O events %d frames deep' % deep, head + o + b',' + c + b']}]}'),
                ('O events %d frames deep, never closed' % deep, head + o + b']}]}'),
                ('a sample %d frames deep' % deep, smp)]
    return []

cases = []
for fmt in formats:
    for s in seeds(fmt):
        cases += [(fmt, what, data) for what, data in mutations(s)]
    cases += [(fmt, what, data) for what, data in nesting(fmt)]

def run(i, case):
    fmt, what, data = case
    d = os.path.join(tmp, 'case%d' % i)
    os.mkdir(d)
    inp = os.path.join(d, 'in')
    with open(inp, 'wb') as f:
        f.write(data)
    out = os.path.join(d, 'out.dot')
    # A stack 200,000 frames deep is drawn whole: 200,000 nodes and edges of
    # DOT (1.5 s of CPU here, several times that under ASan on a busy
    # machine), so it gets a larger budget; it is still a bounded, linear job.
    limit = 60 if 'frames deep' in what else 10
    try:
        p = subprocess.run([binary, '-f', fmt, inp, '-o', out], stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=limit)
    except subprocess.TimeoutExpired:
        return '%s, %s: timeout (%d s)' % (fmt, what, limit)
    err = p.stderr.decode('utf-8', 'replace')
    left = sorted(set(os.listdir(d)) - {'in', 'out.dot'})
    problem = None
    if left:
        problem = 'left %s behind' % left
    elif p.returncode == 0:
        text = open(out, 'rb').read() if os.path.exists(out) else b''
        if not (text.startswith(b'digraph {') and text.endswith(b'}\n')):
            problem = 'exit 0 without a whole DOT graph'
    elif p.returncode == 1:
        lines = [l for l in err.splitlines() if not l.startswith('prof2png: %s: warning:' % inp)]
        if os.path.exists(out):
            problem = 'exit 1 but the output was written'
        elif len(lines) != 1 or not lines[0].startswith('prof2png: %s' % inp):
            problem = 'exit 1 without one message naming the file: %r' % err[-300:]
    else:
        problem = 'exit %d: %r' % (p.returncode, err[-300:])
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))
    os.rmdir(d)
    return '%s, %s: %s' % (fmt, what, problem) if problem else None

with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
    results = list(ex.map(lambda ic: run(*ic), enumerate(cases)))
bad = [r for r in results if r]
print('%d cases over %d formats, %d bad' % (len(cases), len(formats), len(bad)))
for r in bad[:40]:
    print(r)
sys.exit(1 if bad else 0)
PY
rc=$?
cat "$tmp/report"
[ "$rc" -eq 0 ] && pass || fail "mutation suite: see above"
finish
