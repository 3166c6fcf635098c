"""Write hand-made pstats files whose numbers are known exactly (see
make_pstats.sh).  Usage: python pstats_synth.py OUTDIR"""
import marshal
import os
import sys

out = sys.argv[1]


def dump(name, stats):
    with open(os.path.join(out, name), 'wb') as f:
        marshal.dump(stats, f)


# Module names: basename(splitext(filename)[0]) with posixpath's rules.
A = ('/usr/lib/python3.10/posixpath.py', 10, 'join')
B = ('~', 0, '<built-in method builtins.exec>')
C = ('', 0, 'exec')
D = ('<frozen importlib._bootstrap>', 1165, '_find_and_load')
E = ('/home/u/.bashrc', 1, 'dot')
F = ('/x/..x', 2, 'dots')
G = ('/a.b/c', 3, 'nodir')
H = ('a/b.tar.gz', 4, 'twoext')
dump('synth-names.pstats', {
    A: (1, 1, 0.5, 2.0, {B: (1, 1, 0.5, 2.0)}),
    B: (1, 1, 1.0, 4.0, {}),
    C: (2, 3, 0.25, 0.75, {A: (2, 3, 0.25, 0.75), C: (1, 1, 0.0, 0.125)}),
    D: (1, 1, 0.125, 0.125, {E: (1, 1, 0.125, 0.125)}),
    E: (1, 1, 0, 0, {}),
    F: (1, 1, 0, 0, {G: (1, 1, 0, 0)}),
    G: (1, 1, 0, 0, {}),
    H: (1, 1, 0, 0, {H: (1, 1, 0, 0)}),
})

# Profile-module style callers (int call counts), and a cProfile tuple with
# two groups of four.
P = ('p.py', 1, 'p')
Q = ('p.py', 2, 'q')
R = ('p.py', 3, 'r')
S = ('p.py', 4, 's')
dump('synth-ints.pstats', {
    # QUIRK: the int-valued caller R is divided by the nc and ct of the
    # tuple read just before it (6 and 1.5), not by Q's own (4 and 3.0)
    Q: (4, 4, 1.0, 3.0, {P: (6, 2, 0.25, 1.5), R: 3}),
    P: (1, 1, 0.5, 4.0, {}),
    R: (1, 1, 0.5, 3.5, {P: (1, 1, 0.25, 1.0, 2, 2, 0.25, 1.5)}),
    # 5 calls out of nc = 2: the ratio is clamped to 1 (with a warning)
    S: (2, 2, 0.0, 1.0, {P: 2, Q: 5}),
})

# Three files to merge: Stats(m1, m2, m3) loads m1, then adds m3, then m2;
# Stats(m1, m3, m2) adds m2 first.  The two orders give different ids.
X = ('m.py', 1, 'x')
Y = ('m.py', 2, 'y')
Z = ('m.py', 3, 'z')
W = ('m.py', 4, 'w')
V = ('m.py', 5, 'v')
U = ('m.py', 6, 'u')
dump('synth-merge1.pstats', {
    X: (1, 1, 1.0, 8.0, {}),
    Y: (2, 2, 2.0, 4.0, {X: (2, 2, 2.0, 4.0)}),
})
dump('synth-merge2.pstats', {
    Z: (1, 1, 0.5, 0.5, {}),
    Y: (1, 1, 1.0, 1.5, {V: (1, 1, 1.0, 1.5)}),
    V: (1, 1, 0.0, 0.0, {}),
})
dump('synth-merge3.pstats', {
    W: (1, 1, 0.25, 3.0, {}),
    Y: (3, 3, 0.5, 1.0, {U: (1, 1, 0.0, 0.0), X: (3, 3, 0.5, 1.0),
                         V: (1, 1, 0.125, 0.25)}),
    U: (1, 1, 0.0, 0.0, {}),
    V: (1, 1, 0.0, 0.0, {}),
})

# No functions at all, and a file that is not a dict.
dump('synth-empty.pstats', {})
dump('synth-list.pstats', [1, 2, 3])

# A caller with no stats entry of its own (gprof2dot fails an assertion):
# prof2png draws it with no self time and its calls' time as its total.
O = ('o.py', 1, 'orphan')
K = ('o.py', 5, 'known')
dump('synth-orphan.pstats', {
    K: (2, 2, 0.5, 1.5, {O: (2, 2, 0.5, 1.5)}),
})
