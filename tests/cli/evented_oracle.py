#!/usr/bin/env python3
"""An independent answer for speedscope and trace-event files.

    python3 tests/cli/evented_oracle.py PROF2PNG FILE [--thread REGEX] [-v]

Reads FILE itself (speedscope JSON, or a Chrome trace: an array of events or
an object with traceEvents), works out every function's self time, its
inclusive time (recursion counted once) and the calls on every edge with its
own plain algorithm, then runs `PROF2PNG -n0 -e0 FILE` and compares the DOT
graph: each node's self share and total share (to the 0.01% the labels
print) and each edge's call count (exactly).  Prints what it compared and
every difference; exits 1 on a difference.

The algorithm, written for clarity rather than speed (the files it is meant
for have thousands of events, not millions):
  - speedscope evented profiles: walk the events keeping the stack; the time
    between two events goes to the stack as it was: its top frame's self,
    the total of each distinct function on it once.  Each open is one call
    of the frame below it -> the opened frame.
  - speedscope sampled profiles: each stack's weight goes to its leaf's self
    and each distinct function's total; samples of weight 0 are left out,
    as speedscope leaves them.  No call counts.
  - trace events, per (pid, tid): X events are [ts, ts + dur); B and E,
    taken in time order (file order at the same ts), pair as a stack (an E
    closes the latest open B; an E with none is ignored; a B never closed
    ends at the thread's last time).  Between any two successive event
    boundaries, the events open are sorted by (start, longer first, file
    order): the last is the innermost.  Each event is one call, from the
    innermost event open when it begins.  clang's "Total ..." events (with
    an "avg ms" argument) are left out.
A function is (name, file): for speedscope a frame's name and file; for
trace events the event's name, with ": " and args.detail when it has one,
and args.filename or args.file.
"""
import collections
import json
import re
import subprocess
import sys

UNITS = {'none': 1, 'nanoseconds': 1e-9, 'microseconds': 1e-6, 'milliseconds': 1e-3, 'seconds': 1, 'bytes': 1}


class Sums:
    def __init__(self):
        self.self = collections.Counter()
        self.total = collections.Counter()
        self.calls = collections.Counter()    # (caller, callee) -> count
        self.counted = False

    def span(self, stack, dt):
        """Time dt with `stack` (functions, root first) open."""
        if not stack or dt <= 0:
            return
        self.self[stack[-1]] += dt
        for f in set(stack):
            self.total[f] += dt


def speedscope(doc, thread):
    s = Sums()
    frames = doc['shared']['frames']
    fn = [(f['name'], f.get('file') or '') for f in frames]
    for i, p in enumerate(doc['profiles']):
        name = p.get('name') or 'profile %d' % i
        if thread and not re.search(thread, name):
            continue
        scale = UNITS[p.get('unit', 'none')]
        if p['type'] == 'evented':
            s.counted = True
            stack, last = [], None
            for e in p['events']:
                if last is not None:
                    s.span([fn[x] for x in stack], (e['at'] - last) * scale)
                last = e['at']
                if e['type'] == 'O':
                    s.total[fn[e['frame']]] += 0   # a call, even of no time
                    if stack:
                        s.calls[(fn[stack[-1]], fn[e['frame']])] += 1
                    stack.append(e['frame'])
                else:
                    assert stack and stack[-1] == e['frame'], 'unbalanced events'
                    stack.pop()
        else:
            for st, w in zip(p['samples'], p['weights']):
                if w > 0:
                    s.span([fn[x] for x in st], w * scale)
    return s


def trace(doc, thread):
    events = doc['traceEvents'] if isinstance(doc, dict) else doc
    s = Sums()
    s.counted = True
    names, procs = {}, {}
    for e in events:
        if e.get('ph') == 'M' and isinstance(e.get('args'), dict) and 'name' in e['args']:
            if e.get('name') == 'thread_name':
                names[(str(e.get('pid', '')), str(e.get('tid', '')))] = e['args']['name']
            elif e.get('name') == 'process_name':
                procs[str(e.get('pid', ''))] = e['args']['name']
    threads = collections.defaultdict(list)
    for i, e in enumerate(events):
        if e.get('ph') not in ('X', 'B', 'E') or not isinstance(e.get('ts'), (int, float)):
            continue
        args = e.get('args') if isinstance(e.get('args'), dict) else {}
        if e['ph'] == 'X' and 'avg ms' in args and str(e.get('name', '')).startswith('Total '):
            continue
        threads[(str(e.get('pid', '')), str(e.get('tid', '')))].append((e['ts'], i, e, args))
    for (pid, tid), evs in threads.items():
        label = ('%s (pid %s)' % (procs[pid], pid) if pid in procs else 'pid %s' % pid) + ' / ' + \
                ('%s (tid %s)' % (names[(pid, tid)], tid) if (pid, tid) in names else 'tid %s' % tid)
        if thread and not re.search(thread, label):
            continue
        evs.sort(key=lambda x: (x[0], x[1]))
        last = max(max(ts, ts + (e.get('dur', 0) if e['ph'] == 'X' else 0)) for ts, i, e, a in evs)
        ivs, open_b = [], []
        for ts, i, e, args in evs:
            name = e.get('name', '(unnamed)')
            if isinstance(args.get('detail'), str):
                name += ': ' + args['detail']
            f = (name, args.get('filename', args.get('file', '')) or '')
            if e['ph'] == 'X':
                ivs.append([ts, ts + e.get('dur', 0), i, f])
            elif e['ph'] == 'B':
                iv = [ts, None, i, f]
                ivs.append(iv)
                open_b.append(iv)
            elif open_b:
                open_b.pop()[1] = ts
        for iv in open_b:
            iv[1] = last
        order = sorted(ivs, key=lambda v: (v[0], -v[1], v[2]))
        rank = {id(v): k for k, v in enumerate(order)}
        # calls: the innermost event open when each begins
        for k, v in enumerate(order):
            s.total[v[3]] += 0   # a call, even of no time
            parent = [w for w in order[:k] if w[1] > v[0]]
            if parent:
                s.calls[(parent[-1][3], v[3])] += 1
        # time: between successive boundaries
        cuts = sorted(set([v[0] for v in ivs] + [v[1] for v in ivs]))
        for a, b in zip(cuts, cuts[1:]):
            live = sorted((v for v in ivs if v[0] <= a < v[1]), key=lambda v: rank[id(v)])
            s.span([v[3] for v in live], (b - a) * 1e-6)
    return s


def unescape(text):
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == '\\' and i + 1 < len(text):
            n = text[i + 1]
            out.append('\n' if n in 'nlr' else n)
            i += 2
        else:
            out.append(c)
            i += 1
    return ''.join(out)


ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\]]+)')


def attrs(text):
    return {k: unescape(v[1:-1]) if v.startswith('"') else v for k, v in ATTR.findall(text)}


def read_dot(dot):
    nodes, edges = {}, {}
    for line in dot.splitlines():
        m = re.match(r'\t(\d+) -> (\d+) \[(.*)\];$', line)
        if m:
            edges[(m.group(1), m.group(2))] = attrs(m.group(3))
            continue
        m = re.match(r'\t(\d+) \[(.*)\];$', line)
        if m:
            nodes[m.group(1)] = attrs(m.group(2))
    fns = {}
    for nid, a in nodes.items():
        lines = a['label'].split('\n')
        calls = None
        if lines[-1].endswith('\u00d7'):
            calls = int(lines.pop()[:-1])
        self_pct = float(lines.pop().strip('()%'))
        total_pct = float(lines.pop().rstrip('%'))
        fns[nid] = {'key': ('\n'.join(lines), a.get('tooltip', '')), 'self': self_pct, 'total': total_pct,
                    'calls': calls}
    calls = {}
    for (a, b), at in edges.items():
        last = at.get('label', '').split('\n')[-1]
        calls[(fns[a]['key'], fns[b]['key'])] = int(last[:-1]) if last.endswith('\u00d7') else None
    return {f['key']: f for f in fns.values()}, calls


def main():
    args = sys.argv[1:]
    verbose = '-v' in args
    args = [a for a in args if a != '-v']
    thread = None
    if '--thread' in args:
        k = args.index('--thread')
        thread = args[k + 1]
        del args[k:k + 2]
    binary, path = args
    with open(path, 'rb') as f:
        raw = f.read()
    text = raw.decode('utf-8-sig')
    if text.lstrip().startswith('['):
        # the array format may end without its ']'
        body = text.rstrip()
        if not body.endswith(']'):
            text = body.rstrip(',') + ']'
    doc = json.loads(text)
    kind = 'speedscope' if isinstance(doc, dict) and 'profiles' in doc else 'trace'
    sums = speedscope(doc, thread) if kind == 'speedscope' else trace(doc, thread)
    cmd = [binary, '-f', kind, '-n0', '-e0', path] + (['--thread', thread] if thread else [])
    dot = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout.decode()
    fns, edges = read_dot(dot)
    whole = sum(sums.self.values())
    bad = []
    for key in sorted(set(sums.total) | set(fns)):
        if key not in fns:
            bad.append('%s: not in the graph' % (key,))
            continue
        if key not in sums.total:
            bad.append('%s: in the graph only' % (key,))
            continue
        want_self = 100.0 * sums.self[key] / whole
        want_total = 100.0 * sums.total[key] / whole
        got = fns[key]
        if abs(got['self'] - want_self) > 0.0051 or abs(got['total'] - want_total) > 0.0051:
            bad.append('%s: self %.2f%% total %.2f%% in the graph, %.4f%% and %.4f%% here' %
                       (key, got['self'], got['total'], want_self, want_total))
        elif verbose:
            print('ok %s: self %.2f%% total %.2f%%' % (key, got['self'], got['total']))
    ncalls = 0
    if sums.counted:
        for pair, n in sorted(sums.calls.items()):
            ncalls += 1
            if edges.get(pair) != n:
                bad.append('%s -> %s: %s calls in the graph, %d here' % (pair[0], pair[1], edges.get(pair), n))
    print('%s: %d functions and %d edges with calls compared, %d differences' %
          (path, len(sums.total), ncalls, len(bad)))
    for b in bad[:30]:
        print('  ' + b)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
