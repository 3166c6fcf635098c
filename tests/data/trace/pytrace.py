#!/usr/bin/env python3
"""Trace every Python call and return of tests/data/speedscope/work.py with
sys.setprofile and write them in Chrome's Trace Event Format, as tracers
such as viztracer do:

  work-be.trace.json  duration events (B at the call, E at the return) in
                      the JSON Array Format, one event a line, with the
                      thread and process names as metadata (M) events at
                      the end and no closing ']' (the format allows a trace
                      cut off as the program ran)
  work-x.trace.json   the same run as complete events (X, with dur), written
                      when each call returns (so children come before their
                      callers), in the JSON Object Format with traceEvents

    python3 tests/data/trace/pytrace.py
"""
import json
import os
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'speedscope'))
import work  # noqa: E402


def main():
    pid = 4242
    be, x = [], []
    stacks = {}
    tids = {}
    names = {}
    t0 = time.perf_counter_ns()

    def prof(frame, what, arg):
        t = threading.current_thread()
        tid = tids.setdefault(t.ident, 100 + len(tids))
        names.setdefault(tid, t.name)
        ts = (time.perf_counter_ns() - t0) / 1000.0
        code = frame.f_code
        st = stacks.setdefault(tid, [])
        if what == 'call':
            st.append((code.co_name, ts))
            be.append({'name': code.co_name, 'ph': 'B', 'ts': ts, 'pid': pid, 'tid': tid,
                       'args': {'filename': os.path.basename(code.co_filename), 'line': code.co_firstlineno}})
        elif what == 'return' and st and st[-1][0] == code.co_name:
            name, start = st.pop()
            be.append({'name': name, 'ph': 'E', 'ts': ts, 'pid': pid, 'tid': tid})
            x.append({'name': name, 'cat': 'python', 'ph': 'X', 'ts': start, 'dur': round(ts - start, 3),
                      'pid': pid, 'tid': tid,
                      'args': {'filename': os.path.basename(code.co_filename), 'line': code.co_firstlineno}})

    threading.setprofile(prof)
    sys.setprofile(prof)
    work.main(2)
    sys.setprofile(None)
    threading.setprofile(None)
    meta = [{'name': 'process_name', 'ph': 'M', 'pid': pid, 'tid': 0, 'args': {'name': 'work.py'}}]
    for tid in sorted(names):
        meta.append({'name': 'thread_name', 'ph': 'M', 'pid': pid, 'tid': tid, 'args': {'name': names[tid]}})
    # a counter and an instant event, which prof2png counts and skips
    meta.append({'name': 'memory', 'ph': 'C', 'ts': 0, 'pid': pid, 'args': {'bytes': 1024}})
    meta.append({'name': 'mark', 'ph': 'i', 'ts': 1, 'pid': pid, 'tid': 100, 's': 't'})
    with open(os.path.join(HERE, 'work-be.trace.json'), 'w') as f:
        f.write('[\n' + ',\n'.join(json.dumps(e, separators=(',', ':')) for e in be + meta) + ',\n')
    with open(os.path.join(HERE, 'work-x.trace.json'), 'w') as f:
        json.dump({'traceEvents': x + meta, 'displayTimeUnit': 'ms', 'otherData': {'tracer': 'pytrace.py'}}, f,
                  separators=(',', ':'))
        f.write('\n')


if __name__ == '__main__':
    main()
