#!/usr/bin/env bash
# Issue 7 item 3: no recursion whose depth the input decides, so none at
# all in the library.  GCC's -fcallgraph-info (CMakeLists.txt) writes each
# object's call graph as a .ci file next to it; this test joins them and
# fails on any cycle of calls (a function calling itself, or f -> g -> f).
# Calls through function pointers (the format table, qsort) are not in the
# graph; none of those callbacks calls back into its caller.
set -u
bin=$1
build=$(cd "$(dirname "$bin")" && pwd)
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
mapfile -t files < <(find "$build/CMakeFiles/prof2png_lib.dir" -name '*.ci' 2> /dev/null)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no call graph files (not GCC >= 10): skipped"
  finish
  exit 0
fi
python3 - "${files[@]}" > "$tmp/cycles" <<'PY'
import re, sys
from collections import defaultdict
edge = re.compile(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"')
calls = defaultdict(set)
for path in sys.argv[1:]:
    for line in open(path, errors='replace'):
        m = edge.match(line)
        if m:
            calls[m.group(1)].add(m.group(2))
# A static function is "file:name" everywhere; an external one is named
# "file:name" where it is defined and "name" where it is called.
defined = defaultdict(list)
for node in calls:
    defined[node.rsplit(':', 1)[-1]].append(node)
graph = {a: {r for b in bs for r in ([b] if ':' in b else defined.get(b, [b]))} for a, bs in calls.items()}
# Tarjan's strongly connected components, iteratively.
index, low, stack, on, order = {}, {}, [], set(), 0
for root in sorted(graph):
    if root in index:
        continue
    index[root] = low[root] = order; order += 1; stack.append(root); on.add(root)
    work = [(root, iter(sorted(graph.get(root, ()))))]
    while work:
        v, it = work[-1]
        for w in it:
            if w not in index:
                index[w] = low[w] = order; order += 1; stack.append(w); on.add(w)
                work.append((w, iter(sorted(graph.get(w, ())))))
                break
            if w in on:
                low[v] = min(low[v], index[w])
        else:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop(); on.discard(w); comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1 or v in graph.get(v, ()):
                    print(' -> '.join(sorted(comp)))
print('checked %d functions' % len(graph), file=sys.stderr)
PY
if [ -s "$tmp/cycles" ]; then
  fail "recursive calls in the library: $(cat "$tmp/cycles")"
else
  pass
fi
finish
