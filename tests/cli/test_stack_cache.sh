#!/usr/bin/env bash
# The perf parser caches the text of whole stacks and, when the same text
# comes again, adds the stack without reading its lines (issues 5, 8).  That
# must never show: a file whose stacks repeat byte for byte must give the
# same graph, the same warnings and the same line numbers as its twin, in
# which every repeat is written differently but means the same (another
# `+0x` offset, another address for a named symbol), so that no stack text
# repeats and every stack is read line by line.  The files mix in what the
# cache must not be fooled by: comments and non-frame lines inside stacks,
# CRLF and CR line ends, blank lines of spaces, stacks that end at a new
# header or at the end of the file, several events and --event, invalid
# UTF-8, [unknown] frames (whose address is their name) and recursion.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"

python3 - "$tmp" <<'PY'
import random, sys

tmp = sys.argv[1]
rng = random.Random(8)
funcs = ['main', 'run', 'step', 'parse', 'emit', 'walk', 'fold', 'hash', 'fib', 'b\xe9t']
mods = ['/usr/bin/prog', '/lib/libc.so.6', '[kernel.kallsyms]']
stacks = []
for _ in range(12):
    depth = rng.randint(1, 9)
    frames = []
    for _ in range(depth):
        if rng.random() < 0.15:
            frames.append(('unknown', '%x' % rng.randint(0x1000, 0x1010), '[unknown]'))
        else:
            frames.append(('sym', rng.choice(funcs), rng.choice(mods)))
    stacks.append(frames)

def frame_line(f, twin, serial):
    kind, name, mod = f
    if kind == 'unknown':
        return '\t%16s [unknown] (%s)' % (name, mod)
    addr = 0x400000 + (serial if twin else 0)
    off = '+0x%x' % (0x10 + serial if twin else 0x10)
    return '\t%16x %s%s (%s)' % (addr, name, off, mod)

def write(twin):
    out = []
    serial = 0
    for i in range(600):
        ev = 'cycles' if i % 7 else 'instructions'
        end = '\r\n' if 200 <= i < 230 else ('\r' if 230 <= i < 240 else '\n')
        st = stacks[rng2.randint(0, len(stacks) - 1)]
        serial += 1
        lines = ['prog 12 %d.%06d: 1 %s: ' % (i, i, ev)]
        for j, f in enumerate(st):
            lines.append(frame_line(f, twin, serial))
            if i % 97 == 5 and j == 0:
                lines.append('# a comment inside a stack')
            if i % 89 == 7 and j == 0:
                lines.append('\t  prog.c:12')
        tail = '' if i == 599 else ('   ' if i % 53 == 3 else '')
        if i % 61 == 9:
            out.append(end.join(lines) + end)  # the next header ends it
        else:
            out.append(end.join(lines) + end + tail + end)
    data = ''.join(out).encode('utf-8')
    data = data.replace('b\xe9t'.encode('utf-8'), b'b\xe9t')  # invalid UTF-8
    return data

for twin in (False, True):
    rng2 = random.Random(5)
    open('%s/%s.perf' % (tmp, 'twin' if twin else 'same'), 'wb').write(write(twin))

# Over 4096 stacks that never repeat (each has a frame of its own) stop the
# caching; the stacks cached before still replay.
def write_many(twin):
    out = []
    for i in range(7000):
        st = stacks[i % len(stacks)]
        lines = ['prog 12 %d.000001: 1 cycles: ' % i]
        if 12 <= i < 5000:
            lines.append('\t%16x [unknown] ([unknown])' % (0x9000 + i))
        lines += [frame_line(f, twin, i) for f in st]
        out.append('\n'.join(lines) + '\n\n')
    return ''.join(out).encode('utf-8')

for twin in (False, True):
    open('%s/%s.perf' % (tmp, 'twin2' if twin else 'same2'), 'wb').write(write_many(twin))
PY

for opts in "" "--total=callstacks" "--total=callratios" "--event=cycles" "--event=instructions" "-n0 -e0"; do
    # shellcheck disable=SC2086
    "$bin" -f perf $opts "$tmp/same.perf" >"$tmp/same.dot" 2>"$tmp/same.err"; rc1=$?
    # shellcheck disable=SC2086
    "$bin" -f perf $opts "$tmp/twin.perf" >"$tmp/twin.dot" 2>"$tmp/twin.err"; rc2=$?
    sed -i "s|$tmp/[a-z]*\.perf|INPUT|g" "$tmp/same.err" "$tmp/twin.err"
    if [ "$rc1" = 0 ] && [ "$rc2" = 0 ]; then pass; else fail "$opts: exit $rc1 and $rc2"; fi
    if cmp -s "$tmp/same.dot" "$tmp/twin.dot"; then pass; else fail "$opts: the graphs differ"; fi
    if cmp -s "$tmp/same.err" "$tmp/twin.err"; then pass; else
        fail "$opts: the warnings differ: $(diff "$tmp/same.err" "$tmp/twin.err" | head -5)"; fi
done
for opts in "" "--total=callstacks"; do
    # shellcheck disable=SC2086
    "$bin" -f perf $opts "$tmp/same2.perf" >"$tmp/same.dot" 2>&1
    # shellcheck disable=SC2086
    "$bin" -f perf $opts "$tmp/twin2.perf" >"$tmp/twin.dot" 2>&1
    if cmp -s "$tmp/same.dot" "$tmp/twin.dot"; then pass; else fail "many stacks $opts: the graphs differ"; fi
done
expect_match "$(cat "$tmp/same.err")" "line [0-9]+: skipped [0-9]+ lines inside stacks" "the non-frame lines are counted"
expect_match "$(cat "$tmp/same.err")" "invalid UTF-8" "the repair is reported"
expect_match "$(grep -c 'label=' "$tmp/same.dot")" "^[1-9][0-9]+$" "the graph has nodes"
finish
