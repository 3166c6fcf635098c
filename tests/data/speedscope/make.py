#!/usr/bin/env python3
"""Make the speedscope test files from real runs of work.py (beside this
script), written to speedscope's published schema
(https://www.speedscope.app/file-format-schema.json):

  work-evented.speedscope.json  every Python call and return of each thread,
                                 recorded with sys.setprofile (one evented
                                 profile per thread, in microseconds; frames
                                 carry the line a function is defined at, as
                                 pyinstrument's do)
  work-sampled.speedscope.json  the stacks of every thread sampled every
                                 millisecond from a sampling thread (one
                                 sampled profile per thread, weights in
                                 seconds; frames carry the line being run,
                                 as py-spy's do, so one function has frames
                                 of several lines)
  work-austin.speedscope.json   Austin's samples of the same program
                                 (`austin -i 1000`, collapsed stacks with the
                                 line being run and the time in
                                 microseconds), converted: made only when
                                 AUSTIN_PYTHON names a Python that austin can
                                 sample (austin 1.0.1 reads 3.8, not 3.11)

    python3 tests/data/speedscope/make.py
"""
import json
import os
import re
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = 'https://www.speedscope.app/file-format-schema.json'
sys.path.insert(0, HERE)
import work  # noqa: E402


class Frames:
    def __init__(self):
        self.index = {}
        self.frames = []

    def get(self, name, file, line):
        key = (name, file, line)
        if key not in self.index:
            self.index[key] = len(self.frames)
            f = {'name': name, 'file': file}
            if line is not None:
                f['line'] = line
            self.frames.append(f)
        return self.index[key]


def rel(path):
    """File names relative to the repository, so that the files do not
    depend on where it was checked out."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
    return os.path.relpath(path, root) if path.startswith(root) else os.path.basename(path)


def write(path, frames, profiles, exporter):
    doc = {'$schema': SCHEMA, 'profiles': profiles, 'shared': {'frames': frames.frames},
           'name': 'work.py', 'activeProfileIndex': 0, 'exporter': exporter}
    with open(os.path.join(HERE, path), 'w') as f:
        json.dump(doc, f, separators=(',', ':'))
        f.write('\n')


def evented():
    frames = Frames()
    events = {}      # thread name -> events
    stacks = {}      # thread name -> open frame indexes
    t0 = time.perf_counter_ns()

    def prof(frame, what, arg):
        name = threading.current_thread().name
        at = (time.perf_counter_ns() - t0) / 1000.0
        ev = events.setdefault(name, [])
        st = stacks.setdefault(name, [])
        code = frame.f_code
        if what == 'call':
            i = frames.get(code.co_name, rel(code.co_filename), code.co_firstlineno)
            st.append(i)
            ev.append({'type': 'O', 'frame': i, 'at': at})
        elif what == 'return' and st:
            i = frames.get(code.co_name, rel(code.co_filename), code.co_firstlineno)
            if st[-1] == i:
                st.pop()
                ev.append({'type': 'C', 'frame': i, 'at': at})

    threading.setprofile(prof)
    sys.setprofile(prof)
    work.main()
    sys.setprofile(None)
    threading.setprofile(None)
    end = (time.perf_counter_ns() - t0) / 1000.0
    profiles = []
    for name in sorted(events):
        ev = events[name]
        if not ev:
            continue
        for i in reversed(stacks[name]):   # still open: closed at the end
            ev.append({'type': 'C', 'frame': i, 'at': end})
        profiles.append({'type': 'evented', 'name': name, 'unit': 'microseconds',
                         'startValue': 0, 'endValue': end, 'events': ev})
    write('work-evented.speedscope.json', frames, profiles, 'make.py (sys.setprofile)')


def sampled():
    frames = Frames()
    samples = {}     # thread id -> (stacks, weights)
    names = {}
    done = threading.Event()
    me = []

    def sampler():
        me.append(threading.get_ident())
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.001)
            now = time.perf_counter()
            dt, last = now - last, now
            for t in threading.enumerate():
                names.setdefault(t.ident, t.name)
            for tid, frame in sys._current_frames().items():
                if tid == me[0]:
                    continue
                stack = []
                while frame is not None:
                    code = frame.f_code
                    stack.append(frames.get(code.co_name, rel(code.co_filename), frame.f_lineno))
                    frame = frame.f_back
                stack.reverse()
                s, w = samples.setdefault(tid, ([], []))
                s.append(stack)
                w.append(round(dt, 6))

    th = threading.Thread(target=sampler, name='sampler')
    th.start()
    work.main(30)
    done.set()
    th.join()
    profiles = []
    for tid in sorted(samples, key=lambda t: names.get(t, '')):
        s, w = samples[tid]
        profiles.append({'type': 'sampled', 'name': 'Thread %d "%s"' % (tid % 100000, names.get(tid, '?')),
                         'unit': 'seconds', 'startValue': 0, 'endValue': round(sum(w), 6),
                         'samples': s, 'weights': w})
    write('work-sampled.speedscope.json', frames, profiles, 'make.py (sys._current_frames)')


def austin(python):
    out = os.path.join(HERE, 'austin.tmp')
    subprocess.run(['austin', '-i', '1000', '-o', out, python, os.path.join(HERE, 'work.py'), '10'], check=True,
                   stdout=subprocess.DEVNULL)
    frames = Frames()
    threads = {}
    for line in open(out):
        stack, _, metric = line.rstrip('\n').rpartition(' ')
        parts = stack.split(';')
        if not parts or not parts[0].startswith('Thread '):
            continue
        tid, idx, i = parts[0][7:], [], 1
        while i < len(parts):
            m = re.match(r'(.*) \((.*)\)$', parts[i])
            line_no = int(parts[i + 1][1:]) if i + 1 < len(parts) and parts[i + 1].startswith('L') else None
            if m:
                idx.append(frames.get(m.group(1), rel(m.group(2)), line_no))
            i += 2
        s, w = threads.setdefault(tid, ([], []))
        s.append(idx)
        w.append(int(metric))
    os.remove(out)
    profiles = [{'type': 'sampled', 'name': 'Thread %s' % tid, 'unit': 'microseconds', 'startValue': 0,
                 'endValue': sum(w), 'samples': s, 'weights': w} for tid, (s, w) in sorted(threads.items())]
    write('work-austin.speedscope.json', frames, profiles, 'austin 1.0.1 (collapsed stacks, converted)')


if __name__ == '__main__':
    evented()
    sampled()
    if os.environ.get('AUSTIN_PYTHON'):
        austin(os.environ['AUSTIN_PYTHON'])
