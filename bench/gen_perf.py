#!/usr/bin/env python3
"""Write a big synthetic `perf script` text file for timing the perf parser.

    usage: bench/gen_perf.py [SIZE_MB] [FUNCTIONS] > big.perf
           (defaults 100 MB, 20000 functions)

Samples as `perf script` prints them for `perf record -g`: a header line per
sample (comm, pid/tid, time, period, event), then one frame per line with
address, symbol+offset and module, deepest first; some frames are
`[unknown]` with distinct addresses, as in real interpreter profiles.  The
stacks repeat from a fixed set, so the distinct functions and calls are
bounded while the size grows: time should grow linearly with the size, and
memory not at all.  Deterministic.
"""
import random
import sys

import stacks as stacks_mod

target = int(float(sys.argv[1]) * 1000 * 1000) if len(sys.argv) > 1 else 100 * 1000 * 1000
nfunc = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
rnd = random.Random(777)
out = sys.stdout.buffer

MODS = [b'/usr/bin/python3.11', b'/usr/lib/x86_64-linux-gnu/libc.so.6', b'[kernel.kallsyms]']
syms = []
for i in range(nfunc):
    if i % 5 == 0:
        syms.append((b'[unknown]', b'[unknown]'))
    else:
        syms.append((b'%s_%d' % (rnd.choice([b'_PyEval_EvalFrameDefault', b'PyObject_Call', b'dict_lookup',
                                               b'__memmove_avx_unaligned_erms', b'do_syscall_64']), i),
                     MODS[i % len(MODS)]))


# Stacks from bench/stacks.py, printed deepest first.
def stack():
    frames = stacks_mod.stack(rnd, nfunc)
    lines = []
    for i in reversed(frames):
        sym, mod = syms[i]
        addr = 0x7f0000000000 + i * 0x1000 + (rnd.randrange(4096) if sym == b'[unknown]' else 0)
        off = b'' if sym == b'[unknown]' else b'+0x%x' % rnd.randrange(1, 0x400)
        lines.append(b'\t%16x %s%s (%s)\n' % (addr, sym, off, mod))
    return b''.join(lines)


stacks = [stack() for _ in range(4000)]
parts = []
t = 1000.0
for k in range(20000):
    t += 0.0001
    parts.append(b'python3 %d/%d %12.6f: %10d cpu-clock:\n%s\n' % (
        31598, 31598 + k % 4, t, 100000, stacks[rnd.randrange(len(stacks))]))
chunk = b''.join(parts)
written = 0
while written < target:
    cut = len(chunk) if target - written >= len(chunk) else chunk.rfind(b'\n\n', 0, target - written) + 2
    if cut <= 2:
        break
    piece = chunk[:cut]
    out.write(piece)
    written += len(piece)
