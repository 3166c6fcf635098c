"""The call stacks the synthetic generators share (bench/gen_perf.py,
bench/gen_formats.py).  Deterministic for a given random.Random."""


def descend(rnd, step):
    """A stack from function 0 down, 5 to 39 frames deep: each frame calls
    step(f) (None: the stack ends there), except in the interpreter's own
    recursion, where functions 1-3 call each other in a loop.  Frame
    indices, outermost first."""
    depth = rnd.randrange(5, 40)
    frames = [0]
    while len(frames) < depth:
        f = frames[-1]
        if f < 4 and rnd.random() < 0.5:
            frames.append(1 + f % 3)
            continue
        g = step(f)
        if g is None:
            break
        frames.append(g)
    return frames


def stack(rnd, nfunc):
    """A walk down a call DAG in which a function calls any later one
    (mostly one of the next few hundred)."""
    return descend(rnd, lambda f: min(nfunc - 1, f + 1 + int(rnd.expovariate(0.002))))


def call_graph(rnd, nfunc, fanout=4):
    """A sparse call graph, as programs have: each function calls 1 to
    `fanout` later ones (callees[i], sorted)."""
    return [sorted({min(nfunc - 1, i + 1 + int(rnd.expovariate(0.002))) for _ in range(rnd.randrange(1, fanout + 1))})
            if i < nfunc - 1 else [] for i in range(nfunc)]


def walk(rnd, callees):
    """A stack that follows the call graph `callees` (call_graph())."""
    return descend(rnd, lambda f: rnd.choice(callees[f]) if callees[f] else None)
