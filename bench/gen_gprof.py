#!/usr/bin/env python3
"""Write a big synthetic GNU gprof text file for timing the gprof parser.

    usage: bench/gen_gprof.py [SIZE_MB] > big.prof      (default 100)

The file has gprof's layout: a flat profile with its explanation, then the
call graph (GNU header, `<spontaneous>`, parent and child lines with
called/total, called+self recursion, `<cycle N>` members and `<cycle N as a
whole>` entries, long C++ names), then the form feed and an index.  It is
deterministic (fixed seed).  Only speed is measured on it: the numbers are
plausible, not consistent.
"""
import random
import sys

target = int(float(sys.argv[1]) if len(sys.argv) > 1 else 100) * 1000 * 1000
rnd = random.Random(12345)
out = sys.stdout
write = out.write

NS = ['std', 'boost::asio', 'app::core', 'app::net::detail', 'llvm::sys', 'engine::render']
TYPES = ['int', 'double', 'std::string', 'std::vector<int, std::allocator<int> >',
         'std::map<std::string, long, std::less<std::string>, std::allocator<std::pair<std::string const, long> > >']


def name(i):
    r = i % 7
    if r == 0:
        return 'f%d' % i
    if r == 1:
        return 'process_item_%d' % i
    ns = NS[i % len(NS)]
    t = TYPES[i % len(TYPES)]
    return '%s::Widget%d<%s>::method%d(%s const&, unsigned long) const' % (ns, i % 97, t, i, t)


# Size the function count so that the file comes out near the target:
# an entry comes to about 1130 bytes with these names.
nfunc = max(100, target // 1130)
ncycles = max(1, nfunc // 500)
in_cycle = {}
for c in range(ncycles):
    for k in range(3):
        in_cycle[(c * 500 + 17 + k * 5) % nfunc + 1] = c + 1

write('Flat profile:\n\nEach sample counts as 0.01 seconds.\n')
write('  %   cumulative   self              self     total           \n')
write(' time   seconds   seconds    calls  ms/call  ms/call  name    \n')
for i in range(1, min(nfunc, 5000) + 1):
    write('%6.2f %9.2f %8.2f %8d %8.2f %8.2f  %s\n' % (0.01, 1.0, 0.01, i, 0.0, 0.0, name(i)))
write('\n\f\n\t\t     Call graph (explanation follows)\n\n\n')
write('granularity: each sample hit covers 2 byte(s) for 0.01% of 100.00 seconds\n\n')
write('index % time    self  children    called     name\n')


def tag(i):
    return ' <cycle %d>' % in_cycle[i] if i in in_cycle else ''


written = 0
cycle_done = set()
for i in range(1, nfunc + 1):
    lines = []
    c = in_cycle.get(i)
    if c and c not in cycle_done:
        cycle_done.add(c)
        lines.append('[%d]     1.0    0.10    0.20     10+30      <cycle %d as a whole> [%d]' % (nfunc + c, c, nfunc + c))
        for j, m in in_cycle.items():
            if m == c:
                lines.append('                0.03    0.00      10             %s <cycle %d> [%d]' % (name(j), c, j))
        lines.append('-----------------------------------------------')
    if i == 1:
        lines.append('                                                 <spontaneous>')
    for _ in range(rnd.randint(1, 3)):
        p = rnd.randint(1, nfunc)
        lines.append('                %4.2f    %4.2f %7d/%-7d     %s%s [%d]' % (
            rnd.random(), rnd.random(), rnd.randint(1, 999), 1000, name(p), tag(p), p))
    called = '%d+%d' % (rnd.randint(1, 99), rnd.randint(1, 99)) if i % 11 == 0 else '%d' % rnd.randint(1, 99999)
    lines.append('[%d]%s%5.1f %7.2f %7.2f %8s         %s%s [%d]' % (
        i, ' ' * max(1, 6 - len(str(i))), rnd.random() * 100, rnd.random(), rnd.random(), called, name(i), tag(i), i))
    for _ in range(rnd.randint(2, 6)):
        k = rnd.randint(1, nfunc)
        lines.append('                %4.2f    %4.2f %7d/%-7d     %s%s [%d]' % (
            rnd.random(), rnd.random(), rnd.randint(1, 999), 1000, name(k), tag(k), k))
    lines.append('-----------------------------------------------')
    s = '\n'.join(lines) + '\n'
    write(s)
    written += len(s)
write('\n\f\nIndex by function name\n\n')
for i in range(1, min(nfunc, 1000) + 1):
    write('  [%d] %s\n' % (i, name(i)))
