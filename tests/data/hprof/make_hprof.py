#!/usr/bin/env python3
"""Write the Java HPROF text test profiles of this folder: a header of our
own (it mentions TRACE and CPU SAMPLES before the '--------' line, as the
real one does), THREAD records, TRACE records (sampled frame first, a tab
before each frame) and a CPU SAMPLES or CPU TIME table.

    python3 tests/data/hprof/make_hprof.py

Everything is made up here, deterministically (fixed random seeds).
"""
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))

HEADER = """JAVA PROFILE 1.0.1, created Sat Dec  5 05:00:00 2026

A test profile written by make_hprof.py in the shape of the output of
java -agentlib:hprof.  Records:

TRACE           a stack trace, its frames one a line
CPU SAMPLES     how often each TRACE was sampled
CPU TIME        the same measured in time

--------

"""


def workload(seed, nclasses, ntraces, table):
    rnd = random.Random(seed)
    pkgs = ['org.example.app', 'org.example.db', 'java.util', 'java.io']
    methods = []
    for i in range(nclasses):
        cls = '%s.C%d' % (rnd.choice(pkgs), i)
        for m in rnd.sample(['run', 'get', 'put', 'read', 'write', 'hashCode', '<init>', 'access$000'], 3):
            methods.append((cls + '.' + m, 'C%d.java' % i))
    callees = {i: rnd.sample(range(i + 1, len(methods)), min(3, len(methods) - i - 1))
               for i in range(len(methods))}
    callees[4].append(4)  # recursion
    callees[9].append(2)  # a cycle
    out = [HEADER]
    out.append('THREAD START (obj=50000001, id = 200001, name="main", group="main")\n')
    out.append('THREAD START (obj=50000002, id = 200002, name="Worker-1", group="main")\n')
    traces = []
    seen = set()
    tid = 300000
    while len(traces) < ntraces:
        stack = [rnd.randrange(0, 3)]
        while len(stack) < 10 and callees[stack[-1]] and rnd.random() < 0.75:
            stack.append(rnd.choice(callees[stack[-1]]))
        if tuple(stack) in seen:
            continue
        seen.add(tuple(stack))
        tid += rnd.randint(1, 5)
        traces.append((tid, stack))
        out.append('TRACE %d:\n' % tid)
        for f in reversed(stack):
            name, src = methods[f]
            line = rnd.choice(['Unknown line', str(rnd.randint(1, 900))])
            if rnd.random() < 0.1:
                src = '<Unknown Source>'
            out.append('\t%s(%s:%s)\n' % (name, src, line))
    out.append('THREAD END (id = 200002)\n')
    out.append('THREAD END (id = 200001)\n')
    counts = sorted(((rnd.randint(1, 400), t) for t, _ in traces), reverse=True)
    # a few traces are never sampled
    counts = counts[:len(counts) - 3]
    total = sum(c for c, _ in counts)
    if table == 'samples':
        out.append('CPU SAMPLES BEGIN (total = %d) Sat Dec  5 05:00:00 2026\n' % total)
    else:
        out.append('CPU TIME (ms) BEGIN (total = %d) Sat Dec  5 05:00:00 2026\n' % total)
    out.append('rank   self  accum   count trace method\n')
    accum = 0.0
    for rank, (c, t) in enumerate(counts, 1):
        accum += 100.0 * c / total
        stack = dict(traces)[t]
        pct = '%.2f%%' % (100.0 * c / total)
        acc = '%.2f%%' % accum
        if table != 'samples':  # a locale with decimal commas
            pct, acc = pct.replace('.', ','), acc.replace('.', ',')
        out.append('%4d %6s %6s %7d %d %s\n' % (rank, pct, acc, c, t, methods[stack[-1]][0]))
    out.append('CPU SAMPLES END\n' if table == 'samples' else 'CPU TIME (ms) END\n')
    return ''.join(out)


# Hand-made: a redefined trace id (first place, last frames), a trace id
# sampled twice (the last count), a sample of an undefined trace, frames
# whose names hold parentheses and colons, a frame with an empty name
# (the frame after it is counted as sampled too, as in gprof2dot), a
# `<empty>` trace (not a frame: it ends its trace, and the next TRACE
# record is read).
QUIRKS = HEADER + """THREAD START (obj=1, id = 1, name="main", group="main")
TRACE 1:
\tA.leaf(A.java:10)
\tA.main(A.java:3)
TRACE 2:
\tB.lambda$run$0(B.java:Unknown line)
\tB.run(B.java:7)
\tA.main(A.java:4)
TRACE 3:
\tC.<init>(C.java:1)
\tA.main(A.java:5)
TRACE 1:
\tA.leaf2(A.java:11)
\tA.main(A.java:3)
TRACE 4:
\tD.f(x:1)(D.java:2)
\tD.g(D.java:3)
\tA.main(A.java:6)
TRACE 5:
\t(Empty.java:1)
\tE.afterEmpty(E.java:2)
\tA.main(A.java:7)
TRACE 8:
\t<empty>
TRACE 6:
\tR.rec(R.java:1)
\tR.rec(R.java:1)
\tR.rec(R.java:1)
\tA.main(A.java:8)
CPU SAMPLES BEGIN (total = 100) Sat Dec  5 05:00:00 2026
rank   self  accum   count trace method
   1 40.00% 40.00%      40 1 A.leaf2
   2 20.00% 60.00%      20 2 B.lambda$run$0
   3 10.00% 70.00%      10 4 D.f
   4 10.00% 80.00%      10 2 B.lambda$run$0
   5  5.00% 85.00%       5 99 Nowhere.x
   6  5.00% 90.00%       5 5 (empty)
   7 10.00% 100.00%      10 6 R.rec
   8  0.00% 100.00%       0 8 <empty>
CPU SAMPLES END
"""


# A tab line that is not a frame ends its trace; when another tab line
# follows, gprof2dot stops reading traces: the TRACE records after it are
# ignored (prof2png warns).
STOP = QUIRKS.replace('TRACE 3:\n', 'TRACE 7:\n\t<empty>\n\t<empty>\nTRACE 3:\n')


def main():
    for name, text in [('samples.hprof', workload(1, 12, 60, 'samples')),
                       ('times.hprof', workload(2, 8, 30, 'times')),
                       ('quirks.hprof', QUIRKS),
                       ('stop.hprof', STOP),
                       ('crlf.hprof', workload(3, 6, 20, 'samples').replace('\n', '\r\n'))]:
        with open(os.path.join(HERE, name), 'w', encoding='utf-8', newline='') as f:
            f.write(text)


main()
