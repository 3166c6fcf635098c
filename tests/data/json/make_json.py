#!/usr/bin/env python3
"""Write the JSON test profiles of this folder (gprof2dot's JSON schema:
version, costs, functions, events with callchains, sampled function first).

    python3 tests/data/json/make_json.py

Everything is made up here, deterministically (fixed random seeds).
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, obj, indent=2):
    with open(os.path.join(HERE, name), 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=indent, ensure_ascii=False)
        f.write('\n')


def workload(seed, nfuncs, nevents, float_costs):
    """A call tree walked from main: recursion (self and mutual), shared
    helpers, modules, processes, a few functions never sampled."""
    rnd = random.Random(seed)
    mods = ['app', 'libc.so.6', 'libm.so.6', None]
    fns = [{'name': 'main', 'module': 'app', 'process': 'app'}]
    for i in range(1, nfuncs):
        fn = {'name': rnd.choice(['parse', 'eval', 'emit', 'hash', 'lookup', 'alloc', 'free', 'sort'])
              + '_%d' % i}
        mod = rnd.choice(mods)
        if mod is not None:
            fn['module'] = mod
        elif rnd.random() < 0.5:
            fn['module'] = None
        if rnd.random() < 0.3:
            fn['process'] = 'app'
        fns.append(fn)
    # callees of each function: a DAG plus a few back edges (cycles)
    callees = {i: sorted(rnd.sample(range(i + 1, nfuncs), min(3, nfuncs - i - 1))) for i in range(nfuncs)}
    for _ in range(3):
        a = rnd.randrange(2, nfuncs)
        callees[a].append(rnd.randrange(1, a))
    callees[1].append(1)  # self recursion
    events = []
    for _ in range(nevents):
        stack = [0]
        while len(stack) < 12 and callees[stack[-1]] and rnd.random() < 0.8:
            stack.append(rnd.choice(callees[stack[-1]]))
        cost = round(rnd.uniform(0.5, 100.0), 3) if float_costs else rnd.randint(1, 1000)
        events.append({'callchain': list(reversed(stack)), 'cost': [cost]})
    return {'version': 0, 'costs': [{'description': 'Samples', 'unit': 'samples'}],
            'functions': fns, 'events': events}


def main():
    write('workload.json', workload(1, 40, 300, False))
    write('workload-float.json', workload(2, 25, 120, True), indent=None)
    # the same kind of profile with "events" before "functions" (JSON objects
    # are unordered; the parser then reads the events in a second pass)
    w = workload(3, 20, 80, False)
    write('events-first.json', {'events': w['events'], 'costs': w['costs'], 'version': 0,
                                'functions': w['functions']}, indent=None)
    # hand-made: a cycle a -> b -> c -> a entered from main, self recursion
    # in d, unused function, extra keys, a second cost that is ignored,
    # non-ASCII and escaped names
    write('cycle.json', {
        'version': 0,
        'costs': [{'description': 'Memory', 'unit': 'bytes'}, {'description': 'Calls'}],
        'functions': [
            {'name': 'main', 'module': 'prog', 'process': 'prog'},
            {'name': 'a', 'module': 'prog'},
            {'name': 'b', 'module': None},
            {'name': 'c'},
            {'name': 'd\u00e9j\u00e0_vu', 'extra': [1, {'x': None}]},
            {'name': 'never sampled "quoted" \\ name'},
            {'name': '\u65e5\u672c\u8a9e'},
        ],
        'events': [
            {'callchain': [1, 0], 'cost': [10, 1]},
            {'callchain': [2, 1, 0], 'cost': [20, 1]},
            {'callchain': [3, 2, 1, 0], 'cost': [30, 1]},
            {'callchain': [1, 3, 2, 1, 0], 'cost': [5, 1]},
            {'callchain': [4, 4, 4, 3, 2, 1, 0], 'cost': [7.5, 1]},
            {'callchain': [6, 0], 'cost': [0]},
            {'callchain': [0], 'cost': [2]},
        ],
        'comment': 'keys the schema does not know are ignored',
    })


main()
