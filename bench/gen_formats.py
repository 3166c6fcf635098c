#!/usr/bin/env python3
"""Write a big synthetic profile of one of the stack-sample formats, for
timing prof2png on every format (bench/run's $FORMATS).

    usage: bench/gen_formats.py FORMAT [SIZE_MB] [FUNCTIONS] > big.FORMAT
           FORMAT: collapse, dtrace, json, xperf, hprof, sleepy, pstats, axe,
                   sysprof
           (defaults 100 MB, 20000 functions)

collapse and dtrace files are aggregated, as real ones are: distinct
stacks, each once with its count, until the file has SIZE_MB megabytes;
the stacks are walks in a sparse call graph over FUNCTIONS functions (each
calls 1 to 4 others: bench/stacks.py), so the distinct calls stay bounded
as the size grows.  The others (json, xperf, hprof, sleepy) draw their
samples from one fixed set of 4000 stacks over FUNCTIONS functions
(bench/stacks.py: a call DAG with a small recursive knot, as
bench/gen_perf.py uses), repeated until the file has SIZE_MB megabytes: the
distinct functions and calls are bounded while the size grows, so time
should grow linearly with the size and memory hardly at all.  (sleepy is
a zip archive: its size is the compressed size, roughly.)

pstats is a dict of functions, so its size grows with the functions:
FUNCTIONS is ignored and as many functions are made as SIZE_MB needs, each
with a few callers, as cProfile writes them (marshal of the running
Python).  axe (a VTune gprof-cc report) is likewise a table of functions:
as many as SIZE_MB needs, in a call tree.  sysprof
is an XML call tree: stacks of the fixed kind are added to it until its
nodes fill SIZE_MB.  Deterministic (fixed seeds).
"""
import io
import json
import marshal
import random
import sys
import zipfile

import stacks

fmt = sys.argv[1] if len(sys.argv) > 1 else ''
target = int(float(sys.argv[2]) * 1000 * 1000) if len(sys.argv) > 2 else 100 * 1000 * 1000
nfunc = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
rnd = random.Random(4242)
out = sys.stdout.buffer

MODS = ['app', 'libc.so.6', 'libpython3.11.so.1.0', 'vmlinux']
BASES = ['_PyEval_EvalFrameDefault', 'PyObject_Call', 'dict_lookup', 'memmove', 'do_syscall_64', 'parse',
         'render']


def name(i):
    return '%s_%d' % (BASES[i % len(BASES)], i)


def module(i):
    return MODS[i % len(MODS)]


def stack():
    """Frame indices, outermost first (bench/stacks.py)."""
    return stacks.stack(rnd, nfunc)


def repeat(records, sep=b''):
    """Write records (bytes) round-robin at random until the target size."""
    written = 0
    while written < target:
        r = records[rnd.randrange(len(records))]
        out.write(r)
        written += len(r)


def distinct_stacks(text_of):
    """Texts of distinct stacks until the target size, sorted: collapse and
    dtrace files are aggregated (each stack once, with its count), as
    stackcollapse-* and dtrace's aggregations write them."""
    callees = stacks.call_graph(rnd, nfunc)
    seen, size = set(), 0
    while size < target:
        t = text_of(stacks.walk(rnd, callees))
        if t not in seen:
            seen.add(t)
            size += len(t) + 4
    return sorted(seen)


def gen_collapse():
    for t in distinct_stacks(lambda s: ';'.join(name(f) for f in s)):
        out.write(('%s %d\n' % (t, rnd.randrange(1, 50))).encode())


def gen_dtrace():
    out.write(b'CPU     ID                    FUNCTION:NAME\n  1  29684                        :tick-60s \n\n')
    frame = lambda f: '              %s`%s+0x%x' % (module(f), name(f), 16 * (f % 64) + 4)
    for t in distinct_stacks(lambda s: '\n'.join(frame(f) for f in reversed(s))):
        out.write(('%s\n              %d\n\n' % (t, rnd.randrange(1, 50))).encode())


def gen_xperf():
    out.write(b'Process Name, Display Name, Process, Stack, Module, Function, Address, Thread ID, CPU, '
              b'Weight, % Weight, Count, TimeStamp\n')
    recs = []
    for s in (stack() for _ in range(4000)):
        path = '/'.join(['[Root]'] + ['%s!%s' % (module(f), name(f)) for f in s])
        leaf = s[-1]
        recs.append(('app.exe, app.exe, app.exe (812), %s, %s, %s, 0x%016x, 900, %d, %.6f, 0.01, 1, 0.1\n' %
                     (path, module(leaf), name(leaf), 0x401000 + leaf * 16, rnd.randrange(2),
                      rnd.uniform(0.5, 2.0))).encode())
    repeat(recs)


def gen_json():
    # one JSON document: functions first, then events until the size
    head = {'version': 0, 'costs': [{'description': 'Samples', 'unit': 'samples'}],
            'functions': [{'name': name(i), 'module': module(i)} for i in range(nfunc)]}
    text = json.dumps(head)
    assert text.endswith('}')
    out.write(text[:-1].encode() + b', "events": [')
    stacks = [stack() for _ in range(4000)]
    recs = [json.dumps({'callchain': list(reversed(s)), 'cost': [rnd.randrange(1, 50)]}).encode() for s in stacks]
    written, first = len(text), True
    while written < target:
        r = recs[rnd.randrange(len(recs))]
        if not first:
            out.write(b', ')
        out.write(r)
        written += len(r) + 2
        first = False
    out.write(b']}\n')


def gen_hprof():
    out.write(b'JAVA PROFILE 1.0.1, created Sat Dec  5 05:00:00 2026\n\n--------\n\n'
              b'THREAD START (obj=50000001, id = 200001, name="main", group="main")\n')
    # traces are the bulk: distinct trace ids, each a stack of the fixed set
    stacks = [stack() for _ in range(4000)]
    counts = []
    written, tid = 0, 300001
    while written < target * 0.9:
        s = stacks[rnd.randrange(len(stacks))]
        lines = ['TRACE %d:' % tid] + ['\tcom.example.%s.%s(%s.java:%d)' % (module(f).replace('.', '_'), name(f),
                                                                            name(f), 10 + f % 500)
                                      for f in reversed(s)]
        rec = ('\n'.join(lines) + '\n').encode()
        out.write(rec)
        written += len(rec)
        counts.append((tid, s[-1], rnd.randrange(1, 400)))
        tid += 1
    counts.sort(key=lambda c: -c[2])
    total = sum(c[2] for c in counts)
    out.write(b'CPU SAMPLES BEGIN (total = %d) Sat Dec  5 05:00:00 2026\nrank   self  accum   count trace method\n'
              % total)
    accum = 0.0
    for rank, (t, leaf, n) in enumerate(counts, 1):
        accum += 100.0 * n / total
        out.write(b'%4d %5.2f%% %5.2f%% %7d %d com.example.%s\n' % (rank, 100.0 * n / total, accum, n, t,
                                                                  name(leaf).encode()))
    out.write(b'CPU SAMPLES END\n')


def gen_sleepy():
    syms = ''.join('sym%d "%s" "%s" "c:\\\\src\\\\%s.c" %d\n' % (i, module(i), name(i), name(i), 10 + i % 900)
                   for i in range(nfunc))
    stacks = [stack() for _ in range(4000)]
    recs = ['%g %s\n' % (rnd.randrange(1, 64) / 64.0, ' '.join('sym%d' % f for f in reversed(s))) for s in stacks]
    buf = io.StringIO()
    # the members are deflated about 5:1: write 5x the target of text
    written = 0
    while written < target * 5:
        r = recs[rnd.randrange(len(recs))]
        buf.write(r)
        written += len(r)
    z = io.BytesIO()
    with zipfile.ZipFile(z, 'w', zipfile.ZIP_DEFLATED) as zf:
        def member(name, text):  # fixed dates: the same archive every time
            zf.writestr(zipfile.ZipInfo(name, (2026, 12, 5, 0, 0, 0)), text, zipfile.ZIP_DEFLATED)
        member('Stats.txt', 'Filename: C:\\app.exe\nDuration: 1.000000\nSamples: 1\n')
        member('Symbols.txt', syms)
        member('Callstacks.txt', buf.getvalue())
        member('Version 0.82 required', '0.82\n')
    out.write(z.getvalue())


def gen_pstats():
    # about 215 bytes a function with 3 callers (measured): size / 215 functions
    n = max(100, target // 215)
    keys = [('/usr/lib/python3.11/%s/%s.py' % (module(i), name(i // 7)), 1 + i % 2000, name(i)) for i in range(n)]
    stats = {}
    for i, k in enumerate(keys):
        callers = {}
        for _ in range(rnd.randrange(1, 6)):
            c = keys[rnd.randrange(max(1, i))] if i else keys[0]
            nc = rnd.randrange(1, 1000)
            tt = rnd.random() * 0.01
            callers[c] = (nc, nc, tt, tt * 3)
        nc = sum(v[0] for v in callers.values())
        tt = sum(v[2] for v in callers.values())
        stats[k] = (nc, nc, tt, tt * 3, callers)
    out.write(marshal.dumps(stats))


def gen_axe():
    # about 610 bytes a function (5 lines of 121): size / 610 functions
    n = max(10, target // 610)
    w = 120
    parent = [-1] + [rnd.randrange(max(0, i - 50), i) for i in range(1, n)]
    callers = [[] for _ in range(n)]
    for i in range(1, n):
        callers[i].append(parent[i])
    selft = [round(rnd.uniform(0.0, 2.0), 3) for _ in range(n)]
    kids = [[] for _ in range(n)]
    for i in range(1, n):
        kids[parent[i]].append(i)
    total = selft[:]
    for i in range(n - 1, 0, -1):
        total[parent[i]] += total[i]
    grand = total[0]
    nm = lambda i: 'ns::%s(int)' % name(i)
    out.write(('Index  % CPU Time:Total  CPU Time:Self  CPU Time:Children  Name' + ' ' * 42 + 'Index\n'
               '-----  ----------------  -------------  -----------------  ' + '-' * 44 + '  -----\n').encode())
    sub = lambda a, b, who, j: ('%-25s%-15.3f%-21.3f%-44s[%d]' % ('', a, b, who, j + 1)).ljust(w) + '\n'
    rows = []
    for i in range(n):
        if i == 0:
            rows.append(('%-61s%s' % ('', '<spontaneous>')).ljust(w) + '\n')
        for c in callers[i]:
            rows.append(sub(selft[i], total[i] - selft[i], nm(c), c))
        # the index column widens past [99999] as VTune's does: one space at least
        rows.append(('%-6s %-18.2f%-15.3f%-19.3f%-46s[%d]' % ('[%d]' % (i + 1), 100.0 * total[i] / grand, selft[i],
                                                           total[i] - selft[i], nm(i), i + 1)).ljust(w) + '\n')
        for k in kids[i]:
            rows.append(sub(selft[k], total[k] - selft[k], nm(k), k))
        rows.append(' ' * w + '\n')
        if len(rows) > 4096:
            out.write(''.join(rows).encode())
            rows = []
    out.write(''.join(rows).encode())
    out.write(b'\n\nIndex by function name\n\nIndex  Function\n-----  --------\n')
    out.write(''.join('[%d]    %s\n' % (i + 1, nm(i)) for i in range(n)).encode())


def gen_sysprof():
    # a call tree of nodes (about 330 bytes each) grown from stacks, after
    # the objects (about 120 bytes each) whose self counts sum their nodes'
    objs = ['"[app]"', '"Everything"'] + ['"%s"' % name(i) for i in range(nfunc)]
    nodes = [[2, 0, 0], [1, 1, 0]]  # [object id, parent node id, self]
    child = {}  # (parent node id, function) -> node id
    size = 120 * len(objs)
    while size < target:
        at = 2
        for f in stacks.stack(rnd, nfunc):
            key = (at, f)
            if key not in child:
                nodes.append([f + 3, at, 0])
                child[key] = len(nodes)
                size += 330
            at = child[key]
        nodes[at - 1][2] += rnd.randrange(1, 20)
    total = [nd[2] for nd in nodes]
    for k in range(len(nodes) - 1, 0, -1):
        total[nodes[k][1] - 1] += total[k]
    oself, ototal = [0] * (len(objs) + 1), [0] * (len(objs) + 1)
    for k, (obj, par, self_) in enumerate(nodes):
        oself[obj] += self_
        ototal[obj] += total[k]
    out.write(b'<?xml version="1.0"?>\n<profile>\n    <size>%d</size>\n    <call_tree>1</call_tree>\n'
              b'    <objects>\n' % total[0])
    out.write(''.join('        <object id="%d">\n            <name>%s</name>\n            <total>%d</total>\n'
                      '            <self>%d</self>\n        </object>\n' % (k + 1, o, ototal[k + 1], oself[k + 1])
                      for k, o in enumerate(objs)).encode())
    out.write(b'    </objects>\n    <nodes>\n')
    rows = []
    for k, (obj, par, self_) in enumerate(nodes):
        rows.append('        <node id="%d">\n            <object>%d</object>\n            <siblings>0</siblings>\n'
                    '            <children>0</children>\n            <parent>%d</parent>\n'
                    '            <total>%d</total>\n            <self>%d</self>\n'
                    '            <toplevel>0</toplevel>\n        </node>\n' % (k + 1, obj, par, total[k], self_))
        if len(rows) > 4096:
            out.write(''.join(rows).encode())
            rows = []
    out.write(''.join(rows).encode())
    out.write(b'    </nodes>\n</profile>\n')


GENS = {'collapse': gen_collapse, 'dtrace': gen_dtrace, 'xperf': gen_xperf, 'json': gen_json, 'hprof': gen_hprof,
        'sleepy': gen_sleepy, 'pstats': gen_pstats, 'axe': gen_axe, 'sysprof': gen_sysprof}
if fmt not in GENS:
    sys.exit('usage: gen_formats.py FORMAT [SIZE_MB] [FUNCTIONS]; FORMAT one of ' + ', '.join(sorted(GENS)))
GENS[fmt]()
