#!/usr/bin/env python3
"""Write a big synthetic callgrind file for timing the callgrind parser.

    usage: bench/gen_callgrind.py [SIZE_MB] [FUNCTIONS] > big.callgrind
           (defaults 100 MB, 20000 functions)

The layout of `valgrind --tool=callgrind --dump-instr=yes --dump-line=yes
--compress-strings=no --compress-pos=no`: a header, then blocks of `fn=` with
instruction+line cost lines and `cfn=`/`calls=` calls, names of 60-200 bytes
with `'` caller contexts, and recursion cycles.  The same functions come back
block after block (callgrind sums their costs), so the number of distinct
functions and calls is fixed by FUNCTIONS while the size grows: time should
grow linearly with the size, and memory not at all.  Deterministic.
"""
import random
import sys

target = int(float(sys.argv[1]) * 1000 * 1000) if len(sys.argv) > 1 else 100 * 1000 * 1000
nfunc = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
rnd = random.Random(4242)
out = sys.stdout.buffer

MODS = [b'/usr/lib/x86_64-linux-gnu/libc.so.6', b'/usr/bin/python3.13', b'/usr/lib/libssl.so.3']
FILES = [b'Objects/dictobject.c', b'Python/ceval.c', b'Modules/_io/bufferedio.c', b'???']


def name(i):
    base = b'%s_%d' % (rnd.choice([b'PyObject_GetAttr', b'_PyEval_EvalFrameDefault', b'dict_lookup',
                                   b'memcpy_avx_unaligned', b'std::vector<int>::push_back(int const&)']), i)
    ctx = b"'".join(b'caller_%d' % rnd.randrange(nfunc) for _ in range(rnd.randrange(0, 4)))
    return base + (b"'" + ctx if ctx else b'')


names = [name(i) for i in range(nfunc)]
mods = [MODS[i % len(MODS)] for i in range(nfunc)]
files = [FILES[i % len(FILES)] for i in range(nfunc)]
# a call tree-like DAG: each function calls 1-3 later ones; every 50th calls
# back a few places, making small recursion cycles (as interpreters do)
callees = []
for i in range(nfunc):
    cs = set(min(nfunc - 1, i + 1 + int(rnd.expovariate(0.01))) for _ in range(rnd.randrange(1, 4)))
    if i % 50 == 0 and i > 10:
        cs.add(i - rnd.randrange(1, 10))
    cs.discard(i)
    callees.append(sorted(cs))


def block(i):
    b = [b'ob=%s\nfl=%s\nfn=%s\n' % (mods[i], files[i], names[i])]
    addr = 0x400000 + i * 0x100
    for k in range(rnd.randrange(2, 6)):
        b.append(b'0x%x %d %d\n' % (addr + k * 4, 100 + k, rnd.randrange(1, 500) * (1000 if i % 997 == 5 else 1)))
    for c in callees[i]:
        b.append(b'cob=%s\ncfl=%s\ncfn=%s\ncalls=%d 0x%x %d\n0x%x %d %d\n' % (
            mods[c], files[c], names[c], rnd.randrange(1, 50), 0x400000 + c * 0x100, 10,
            addr + 0x40, 120, rnd.randrange(500, 50000) * (1000 if c % 997 == 5 else 1)))
    b.append(b'\n')
    return b''.join(b)


# one round over every function, written again and again up to the size
chunk = b''.join(block(i) for i in range(nfunc))
head = (b'# callgrind format\nversion: 1\ncreator: bench/gen_callgrind.py\npid: 1\ncmd: synthetic\n'
        b'part: 1\n\npositions: instr line\nevents: Ir\nsummary: 1000000\n\n')
out.write(head)
written = len(head)
while written < target:
    cut = len(chunk) if target - written >= len(chunk) else chunk.rfind(b'\n\nob=', 0, target - written)
    if cut <= 0:
        break
    piece = chunk[:cut] + (b'' if cut == len(chunk) else b'\n\n')
    out.write(piece)
    written += len(piece)
out.write(b'totals: 1000000\n')
