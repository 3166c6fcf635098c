"""The call stacks the synthetic generators share (bench/gen_perf.py,
bench/gen_formats.py): a walk down a call DAG in which a function calls
later ones, with the interpreter's own recursion (functions 1-3 call each
other in a loop), 5 to 39 frames deep.  Frame indices, outermost first.
Deterministic for a given random.Random."""


def stack(rnd, nfunc):
    depth = rnd.randrange(5, 40)
    frames = [0]
    while len(frames) < depth:
        f = frames[-1]
        if f < 4 and rnd.random() < 0.5:
            frames.append(1 + f % 3)
        else:
            frames.append(min(nfunc - 1, f + 1 + int(rnd.expovariate(0.002))))
    return frames


def call_graph(rnd, nfunc, fanout=4):
    """A sparse call graph, as programs have: each function calls 1 to
    `fanout` later ones (callees[i], sorted)."""
    return [sorted({min(nfunc - 1, i + 1 + int(rnd.expovariate(0.002))) for _ in range(rnd.randrange(1, fanout + 1))})
            if i < nfunc - 1 else [] for i in range(nfunc)]


def walk(rnd, callees):
    """A stack that follows the call graph `callees` from function 0 (with
    the same recursive knot as stack()), 5 to 39 frames deep when the graph
    allows.  Frame indices, outermost first."""
    depth = rnd.randrange(5, 40)
    frames = [0]
    while len(frames) < depth:
        f = frames[-1]
        if f < 4 and rnd.random() < 0.5:
            frames.append(1 + f % 3)
        elif callees[f]:
            frames.append(rnd.choice(callees[f]))
        else:
            break
    return frames
