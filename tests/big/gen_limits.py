#!/usr/bin/env python3
"""Big inputs for tests/big/test_limits.sh (issue 7 item 3), written on the
fly: a call stack N frames deep, an N-member recursion cycle, N distinct
functions, and a cycle entered from every member, in the formats that can
hold them.

    python3 gen_limits.py CASE FORMAT N OUT

CASE: chain (main -> f0 -> ... -> fN-1), cycle (main -> f0 -> ... -> fN-1
-> f0), distinct (N functions called from main, or N roots), entries (an
N-member cycle whose every member main also calls).  In every case main has
most of the time, so the default thresholds prune the big part away and the
DOT output stays small: the test measures the work, not the output size.
"""
import marshal
import sys

case, fmt, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]


def calls(case, n):
    """(caller, callee) pairs, callers by index (-1 is main)."""
    if case == 'chain':
        yield -1, 0
        for i in range(n - 1):
            yield i, i + 1
    elif case == 'cycle':
        yield -1, 0
        for i in range(n):
            yield i, (i + 1) % n
    elif case == 'distinct':
        for i in range(n):
            yield -1, i
    elif case == 'entries':
        for i in range(n):
            yield -1, i
            yield i, (i + 1) % n
    else:
        raise SystemExit('unknown case ' + case)


def name(i):
    return 'main' if i < 0 else 'f%d' % i


def collapse(f):
    f.write(b'main 100000000\n')
    if case == 'chain':
        f.write(b';'.join([b'main'] + [b'f%d' % i for i in range(n)]) + b' 1\n')
    elif case == 'cycle':
        f.write(b';'.join([b'main'] + [b'f%d' % i for i in range(n)] + [b'f0']) + b' 1\n')
    elif case == 'distinct':
        for i in range(n):
            f.write(b'main;f%d 1\n' % i)
    else:
        for i in range(n):
            f.write(b'main;f%d;f%d 1\n' % (i, (i + 1) % n))


def gprof(f):
    """gprof -q text: one entry per function with one parent line and its
    children, cycle members tagged <cycle 1>."""
    incycle = case in ('cycle', 'entries')
    tag = b' <cycle 1>' if incycle else b''
    kids, parent = {}, {}
    for a, b in calls(case, n):
        kids.setdefault(a, []).append(b)
        parent.setdefault(b, a)
    w = f.write
    w(b'index % time    self  children    called     name\n')
    if incycle:
        w(b'[%d]     1.0    0.00    0.00       1+%d   <cycle 1 as a whole> [%d]\n' % (n + 2, n, n + 2))
        w(b'-----------------------------------------------\n')
    w(b'                                                 <spontaneous>\n')
    w(b'[1]    100.0  100.00    0.01                 main [1]\n')
    for b in kids.get(-1, []):
        w(b'                0.00    0.00       1/1           f%d%s [%d]\n' % (b, tag, b + 2))
    w(b'-----------------------------------------------\n')
    for i in range(n):
        # an entry needs a parent line before its primary line (SEMANTICS
        # §12 item 8); one is enough, prof2png only checks them
        a = parent[i]
        w(b'                0.00    0.00       1/1           %s%s [%d]\n' % (name(a).encode(), tag if a >= 0 else b'', a + 2))
        w(b'[%d]      0.0    0.00    0.00       1         f%d%s [%d]\n' % (i + 2, i, tag, i + 2))
        for b in kids.get(i, []):
            w(b'                0.00    0.00       1/1           f%d%s [%d]\n' % (b, tag, b + 2))
        w(b'-----------------------------------------------\n')
    w(b'\x0c\n')


def pstats(f):
    """cProfile stats: (file, line, name) -> (cc, nc, tt, ct, callers)."""
    key = lambda i: ('big.py', i + 2, name(i))
    callers = {}
    for a, b in calls(case, n):
        callers.setdefault(b, {})[key(a)] = (1, 1, 0.0, 0.0)
    stats = {key(-1): (1, 1, 100.0, 100.0, {})}
    for i in range(n):
        stats[key(i)] = (1, 1, 0.0, 0.0, callers.get(i, {}))
    f.write(marshal.dumps(stats))


with open(out, 'wb') as f:
    {'collapse': collapse, 'prof': gprof, 'pstats': pstats}[fmt](f)
