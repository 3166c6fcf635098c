#!/usr/bin/env python3
"""Write regex-vectors.txt: call graph lines and what gprof2dot's regular
expressions (SEMANTICS.md §3.2, Python `re` on str: `\\s` is Unicode
whitespace, NAME is lazy) capture from them.  tests/unit/test_gprof.c feeds
each line to the parser and checks the result, so the hand-written matchers
of src/parse/gprof.c must agree with Python on every vector.

    usage: tests/data/gprof/make_vectors.py > tests/data/gprof/regex-vectors.txt

One vector a line: KIND HEXLINE RESULT, where KIND is P (primary line) or C
(child line), HEXLINE the line's UTF-8 bytes in hex, and RESULT `-` for no
match, else for P `index|called|called_self|namehex|cycle` and for C
`index|called|namehex`, with `N` for an absent group.
"""
import random
import re

D = r'\d+'
F = r'\d+\.\d+'
NAME = r'(?P<name>\S.*?)(?:\s+<cycle\s(?P<cycle>\d+)>)?\s\[(?P<last>\d+)\]$'
PRIMARY = re.compile(r'^\[(?P<index>\d+)\]?\s+' + F + r'\s+' + F + r'\s+' + F +
                     r'\s+(?:(?P<called>\d+)(?:\+(?P<called_self>\d+))?)?\s+' + NAME)
CHILD = re.compile(r'^\s+(?:' + F + r')?\s+(?:' + F + r')?\s+(?P<called>\d+)(?:/\d+)?\s+' + NAME)

random.seed(20240611)
TOKS = ['[', ']', '1', '23', '1.5', '0.00', '+', '/', '1+2', '3/4', ' ', '  ', '\t', '\u00a0',
        '\u3000', '\x1c', '<cycle', '<cycle 1>', ' <cycle 2>', 'whole>', 'foo', 'b a r', '(12)',
        'x', '\u00e9', '>', '<', 'std::vector<int, std::allocator<int> >', 'f (a.c:3 @ 12)']
WS = lambda: random.choice([' ', ' ', '  ', '   ', '\t', '\u00a0', '\u3000', ' \t', '', '\x1f'])
W1 = lambda: random.choice([' ', ' ', ' ', '\t', '\u00a0', '  ', ''])
DIG = lambda: random.choice(['0', '1', '12', '345', '007', 'x'])
FLT = lambda: random.choice(['0.00', '1.5', '12.34', '1.', '.5', '3', '0.0', ''])
CALLED = lambda: random.choice(['', DIG(), DIG() + '+' + DIG(), DIG() + '/' + DIG(), DIG() + '+', '+' + DIG()])
NM = lambda: ''.join(random.choice(TOKS) for _ in range(random.randint(0, 4)))
TAIL = lambda: (random.choice(['', WS() + '<cycle' + W1() + DIG() + '>']) + W1() + '[' + DIG() + ']' +
                random.choice(['', '', '', ' ', ']']))


def primary():
    return ('[' + DIG() + random.choice([']', ']', '']) + WS() + FLT() + WS() + FLT() + WS() + FLT() +
            WS() + CALLED() + WS() + NM() + TAIL())


def child():
    return WS() + FLT() + WS() + FLT() + WS() + CALLED() + WS() + NM() + TAIL()


def opt(v):
    return 'N' if v is None else str(int(v))


def usable(line):
    # lines the parser would treat as something else: blank, separators,
    # form feeds; and, for child lines, ones that start a new primary
    return line.strip() != '' and not re.fullmatch('--+', line) and '\r' not in line and '\n' not in line


out = []
for kind, gen, rx in (('P', primary, PRIMARY), ('C', child, CHILD)):
    hits = misses = 0
    seen = set()
    while hits < 300 or misses < 150:
        line = gen()
        if line in seen or not usable(line) or (kind == 'C' and line.startswith('[')):
            continue
        seen.add(line)
        m = rx.match(line)
        if m and hits < 300:
            hits += 1
            g = m.groupdict()
            name = g['name'].encode().hex()
            if kind == 'P':
                res = '|'.join([opt(g['index']), opt(g['called']), opt(g['called_self']), name, opt(g['cycle'])])
            else:
                res = '|'.join([opt(g['last']), opt(g['called']), name])
        elif not m and misses < 150:
            misses += 1
            res = '-'
        else:
            continue
        out.append('%s %s %s' % (kind, line.encode().hex(), res))
print('\n'.join(out))
