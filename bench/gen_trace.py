#!/usr/bin/env python3
"""Write a big synthetic Chrome trace (or speedscope file), for timing
prof2png's `-f trace` (and `-f speedscope`).

    usage: bench/gen_trace.py [trace|speedscope] [SIZE_MB] [FUNCTIONS] > big.json
           (defaults: trace, 100 MB, 20000 functions)

trace: the JSON Object Format as Chrome writes it, one event a line: 3
processes of 8 threads each, named by metadata (M) events; on each thread a
run of calls that walks a sparse call graph over FUNCTIONS functions
(bench/stacks.py: each calls 1 to 4 others), 1 to 30 deep; two threads of
each process record duration events (B when a call begins, E when it ends)
and the others complete events (X, written when the call ends, so callees
come before their callers, with ts and dur in microseconds to the
nanosecond); each event has a category and small args, as Chrome's do; a
counter event now and then.  The threads' events come in chunks of a few
hundred, interleaved, as tracing buffers are flushed.

speedscope: 8 profiles (threads): 6 sampled, as py-spy writes them (frames
with the line being run, stacks root first, weights in seconds), and 2
evented, as pyinstrument writes them (microseconds), over the same frames.

Deterministic (fixed seeds).
"""
import json
import random
import sys

import stacks

fmt = sys.argv[1] if len(sys.argv) > 1 else 'trace'
target = int(float(sys.argv[2]) * 1000 * 1000) if len(sys.argv) > 2 else 100 * 1000 * 1000
nfunc = int(sys.argv[3]) if len(sys.argv) > 3 else 20000
rnd = random.Random(11)
callees = stacks.call_graph(rnd, nfunc)
out = sys.stdout
CATS = ['devtools.timeline', 'v8', 'blink', 'toplevel', 'disabled-by-default-v8.compile']


def walk_events(rnd, tid_state, n):
    """n opens and closes of one thread: (kind, function, start, end) for a
    close, ('O', function, time) for an open; time in microseconds."""
    st, t = tid_state['stack'], tid_state['t']
    evs = []
    while len(evs) < n:
        t += rnd.randrange(1, 4000) / 1000.0
        f = st[-1][0] if st else 0
        if st and (len(st) >= 30 or not callees[f] or rnd.random() < 0.45):
            g, start = st.pop()
            evs.append(('C', g, start, t))
        else:
            g = rnd.choice(callees[f]) if st else rnd.randrange(0, 50)
            st.append((g, t))
            evs.append(('O', g, t))
    tid_state['t'] = t
    return evs


def trace():
    threads = []
    for p in range(3):
        pid = 1000 + p * 17
        for k in range(8):
            threads.append({'pid': pid, 'tid': pid + 1 + k, 'be': k < 2, 'stack': [], 't': 1.0e9 + p * 1000,
                            'name': ['CrBrowserMain', 'CrRendererMain', 'Compositor', 'IOThread', 'ThreadPool',
                                     'ThreadPool', 'VizCompositor', 'AudioThread'][k]})
    size = out.write('{"traceEvents":[\n')
    first = True

    def put(e):
        nonlocal first, size
        line = ('' if first else ',\n') + json.dumps(e, separators=(',', ':'))
        first = False
        size += len(line)
        out.write(line)

    for p in range(3):
        pid = threads[p * 8]['pid']
        put({'pid': pid, 'tid': pid, 'ts': 0, 'ph': 'M', 'cat': '__metadata', 'name': 'process_name',
             'args': {'name': ['Browser', 'Renderer', 'GPU Process'][p]}})
    for th in threads:
        put({'pid': th['pid'], 'tid': th['tid'], 'ts': 0, 'ph': 'M', 'cat': '__metadata', 'name': 'thread_name',
             'args': {'name': th['name']}})
    while size < target:
        th = rnd.choice(threads)
        for e in walk_events(rnd, th, rnd.randrange(100, 600)):
            cat = CATS[e[1] % len(CATS)]
            if th['be']:
                ev = {'pid': th['pid'], 'tid': th['tid'], 'ts': round(e[2] if e[0] == 'O' else e[3], 3),
                      'ph': 'B' if e[0] == 'O' else 'E', 'cat': cat, 'name': 'Function%d' % e[1]}
                if e[0] == 'O':
                    ev['args'] = {'data': {'frame': '%X' % (e[1] * 2654435761 % (1 << 32))}}
                put(ev)
            elif e[0] == 'C':
                put({'pid': th['pid'], 'tid': th['tid'], 'ts': round(e[2], 3), 'ph': 'X', 'cat': cat,
                     'name': 'Function%d' % e[1], 'dur': round(e[3] - e[2], 3), 'tdur': round((e[3] - e[2]) * 0.8, 3),
                     'args': {'data': {'frame': '%X' % (e[1] * 2654435761 % (1 << 32)), 'url': ''}}})
        if rnd.random() < 0.05:
            put({'pid': th['pid'], 'ts': round(th['t'], 3), 'ph': 'C', 'name': 'UpdateCounters',
                 'args': {'documents': 3, 'nodes': rnd.randrange(1000)}})
    out.write('],\n"metadata":{"trace-config":"","clock-domain":"LINUX_CLOCK_MONOTONIC"}}\n')


def speedscope():
    frames, index = [], {}

    def frame(f, line):
        key = (f, line)
        if key not in index:
            index[key] = len(frames)
            frames.append({'name': 'function_%d' % f, 'file': 'module_%d.py' % (f % 400), 'line': line})
        return index[key]

    out.write('{"$schema":"https://www.speedscope.app/file-format-schema.json","profiles":[')
    size, per = 0, target // 8
    for k in range(8):
        out.write(',' if k else '')
        if k < 6:
            samples, weights, n = [], [], 0
            while n < per:
                st = [frame(f, 10 + f % 50 + rnd.randrange(3)) for f in stacks.walk(rnd, callees)]
                samples.append(st)
                weights.append(0.01)
                n += 4 * len(st) + 6
            text = json.dumps({'type': 'sampled', 'name': 'Thread %d "worker-%d"' % (3000 + k, k), 'unit': 'seconds',
                               'startValue': 0, 'endValue': round(0.01 * len(samples), 2), 'samples': samples,
                               'weights': weights}, separators=(',', ':'))
        else:
            th = {'stack': [], 't': 0.0}
            evs, n = [], 0
            while n < per:
                for e in walk_events(rnd, th, 200):
                    fr = frame(e[1], 10 + e[1] % 50)
                    evs.append({'type': e[0], 'frame': fr, 'at': round(e[2] if e[0] == 'O' else e[3], 3)})
                    n += 36
            for g, start in reversed(th['stack']):
                evs.append({'type': 'C', 'frame': frame(g, 10 + g % 50), 'at': round(th['t'], 3)})
            text = json.dumps({'type': 'evented', 'name': 'Thread %d "main-%d"' % (3000 + k, k), 'unit': 'microseconds',
                               'startValue': 0, 'endValue': round(th['t'], 3), 'events': evs}, separators=(',', ':'))
        out.write(text)
        size += len(text)
    out.write('],"shared":{"frames":' + json.dumps(frames, separators=(',', ':')) + '},"exporter":"gen_trace.py"}\n')


if fmt == 'trace':
    trace()
elif fmt == 'speedscope':
    speedscope()
else:
    sys.exit('usage: bench/gen_trace.py [trace|speedscope] [SIZE_MB] [FUNCTIONS]')
