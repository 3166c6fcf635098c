#!/usr/bin/env python3
"""Write repeats.xperf: xperf rows whose stacks repeat (one row a sample, as
xperf exports are), for the row cache of src/parse/xperf.c.  Repeated rows
have other weights, counts, addresses and timestamps; there are several
processes (one with a '!' in its name), recursion, a sampled function that
is not the last frame, `?` stacks, a bare `[Root]` and Idle rows.
Deterministic:  python3 make_repeats.py > repeats.xperf"""
import random
import sys

rng = random.Random(3)
funcs = ['main', 'run', 'step', 'parse', 'emit', 'walk', 'fold']
mods = ['app.exe', 'ntdll.dll', 'kernel32.dll']
procs = ['app.exe', 'svc!x.exe', 'app.exe']
stacks = []
for _ in range(10):
    frames = ['%s!%s' % (rng.choice(mods), rng.choice(funcs)) for _ in range(rng.randint(1, 7))]
    stacks.append((rng.choice(procs), frames))
out = ['Process Name, Display Name, Stack, Module, Function, Address, Weight, Count, TimeStamp\n']
for i in range(120):
    proc, frames = stacks[rng.randrange(len(stacks))]
    if i % 17 == 3:
        mod, fn = 'app.exe', 'other'  # not the last frame: appended
    else:
        mod, fn = frames[-1].split('!', 1)
    stack = '/'.join(['[Root]'] + frames)
    if i % 29 == 5:
        stack = '?'
    if i % 31 == 7:
        stack = '[Root]'
    if i % 37 == 9:
        proc = 'Idle'
    out.append('%s, %s, %s, %s, %s, 0x%x, %.6f, %d, %.3f\n' % (proc, proc, stack, mod, fn, 0x401000 + i,
                                                               rng.uniform(0.5, 2.0), rng.randint(1, 4), i / 10))
sys.stdout.write(''.join(out))
