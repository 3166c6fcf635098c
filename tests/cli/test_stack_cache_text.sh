#!/usr/bin/env bash
# The collapse and dtrace parsers cache the text of whole stacks as the perf
# parser does (test_stack_cache.sh): a stack whose text was seen before is
# added again without reading its frames.  That must never show: a file
# whose stacks repeat byte for byte must give the same graph and the same
# warnings as its twin, in which every repeat is written differently but
# means the same (collapse: another line number in a py-spy frame
# `FUNC (FILE:LINE)`; dtrace: another `+0x` offset), so that no stack text
# repeats.  The files mix in what the caches must not be fooled by: CRLF
# and CR line ends, blank lines, lines without a count, lenient counts
# (`\t2.5`, `1_0`), dtrace's CPU header lines, frames without a backtick,
# lines that are neither frame nor count, a last stack without a count,
# invalid UTF-8 and recursion; and over 4096 stacks that never repeat, after
# which no more stacks are cached.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"

python3 - "$tmp" <<'PY'
import random, sys

tmp = sys.argv[1]
rng = random.Random(11)
funcs = ['main', 'run', 'step', 'parse', 'emit', 'walk', 'fold', 'hash', 'fib', 'b\xe9t']
mods = ['prog', 'libc.so.1', '/usr/lib/libm.so']
stacks = []
for _ in range(12):
    frames = [(rng.choice(funcs), rng.choice(mods), rng.random() < 0.1) for _ in range(rng.randint(1, 9))]
    stacks.append(frames)

def enc(text):
    # 'b\xe9t' stays a lone Latin-1 byte: invalid UTF-8
    return text.encode('latin-1')

# ---- collapse
def collapse_frame(f, twin, serial, k):
    name, mod, _ = f
    if k == 0:  # each stack has one py-spy frame: FUNC (FILE:LINE)
        return '%s (%s.py:%d)' % (name, mod, 100 + serial if twin else 7)
    return name

def write_collapse(twin, rng2):
    out = []
    for i in range(700):
        end = '\r\n' if 200 <= i < 230 else ('\r' if 230 <= i < 240 else '\n')
        st = stacks[rng2.randint(0, len(stacks) - 1)]
        text = ';'.join(collapse_frame(f, twin, i, k) for k, f in enumerate(st))
        kind = i % 23
        if kind == 3:
            line = '%s\t2.5' % text
        elif kind == 5:
            line = '%s 1_0' % text
        elif kind == 7:
            line = '%s 4   ' % text
        elif kind == 11:
            line = 'main;no_count'  # skipped with a warning (quoted: the same in both)
        else:
            line = '%s %d' % (text, 1 + i % 9)
        out.append(line + end)
        if i % 37 == 4:
            out.append('   ' + end)
    return enc(''.join(out))

def write_collapse_many(twin):
    out = []
    for i in range(7000):
        st = stacks[i % len(stacks)]
        frames = [collapse_frame(f, twin, i, k) for k, f in enumerate(st)]
        if 12 <= i < 5000:
            frames.append('leaf_%d' % i)
        out.append(';'.join(frames) + ' 1\n')
    return enc(''.join(out))

# ---- dtrace
def dtrace_frame(f, twin, serial):
    name, mod, bare = f
    if bare:
        return '              0x%x' % (0x7fff0000 + len(name))
    off = 0x10 + serial if twin else 0x10
    return '              %s`%s+0x%x' % (mod, name, off)

def write_dtrace(twin, rng2):
    out = ['CPU     ID                    FUNCTION:NAME\n', '  0  29684                        :tick-60s \n', '\n']
    for i in range(700):
        end = '\r\n' if 200 <= i < 230 else ('\r' if 230 <= i < 240 else '\n')
        st = stacks[rng2.randint(0, len(stacks) - 1)]
        lines = [dtrace_frame(f, twin, i) for f in reversed(st)]
        if i % 41 == 6:
            lines.insert(1, '')  # a blank line inside a stack
        if i % 43 == 8:
            lines.insert(0, 'garbage')  # neither frame nor count
        if i % 47 == 9:
            lines.insert(len(lines), 'CPU     ID   FUNCTION:NAME')
            lines.insert(len(lines), '  1   2   :tick')
        count = '              %d' % (1 + i % 9) if i % 29 != 2 else '  1_0'
        out.append(end.join(lines + [count]) + end + end)
    out.append('              prog`main+0x1\n')  # no count
    return enc(''.join(out))

def write_dtrace_many(twin):
    out = []
    for i in range(7000):
        st = stacks[i % len(stacks)]
        lines = [dtrace_frame(f, twin, i) for f in reversed(st)]
        if 12 <= i < 5000:
            lines.insert(0, '              prog`leaf_%d' % i)
        out.append('\n'.join(lines) + '\n              1\n\n')
    return enc(''.join(out))

for twin in (False, True):
    name = 'twin' if twin else 'same'
    open('%s/%s.collapse' % (tmp, name), 'wb').write(write_collapse(twin, random.Random(5)))
    open('%s/%s2.collapse' % (tmp, name), 'wb').write(write_collapse_many(twin))
    open('%s/%s.dtrace' % (tmp, name), 'wb').write(write_dtrace(twin, random.Random(6)))
    open('%s/%s2.dtrace' % (tmp, name), 'wb').write(write_dtrace_many(twin))
PY

for fmt in collapse dtrace; do
    for opts in "" "--total=callstacks" "-n0 -e0"; do
        for f in "" 2; do
            # shellcheck disable=SC2086
            "$bin" -f $fmt $opts "$tmp/same$f.$fmt" >"$tmp/same.dot" 2>"$tmp/same.err"; rc1=$?
            # shellcheck disable=SC2086
            "$bin" -f $fmt $opts "$tmp/twin$f.$fmt" >"$tmp/twin.dot" 2>"$tmp/twin.err"; rc2=$?
            sed -i "s|$tmp/[a-z0-9]*\.$fmt|INPUT|g" "$tmp/same.err" "$tmp/twin.err"
            what="$fmt$f $opts"
            if [ "$rc1" = 0 ] && [ "$rc2" = 0 ]; then pass; else fail "$what: exit $rc1 and $rc2"; fi
            if cmp -s "$tmp/same.dot" "$tmp/twin.dot"; then pass; else fail "$what: the graphs differ"; fi
            if cmp -s "$tmp/same.err" "$tmp/twin.err"; then pass; else
                fail "$what: the warnings differ: $(diff "$tmp/same.err" "$tmp/twin.err" | head -5)"; fi
            expect_match "$(grep -c 'label=' "$tmp/same.dot")" "^[1-9][0-9]*$" "$what: the graph has nodes"
        done
    done
done
# Carriage returns alone as line ends: each line feed search stops at the
# next carriage return (it once ran to the end of the input for every line,
# hours for a big file; a few MB take a fraction of a second now).
python3 - "$tmp" <<'PY'
import sys
tmp = sys.argv[1]
open(tmp + '/cr.dtrace', 'wb').write(b'  prog`main+0x1\r  prog`run\r 3\r\r' * 150000)
open(tmp + '/lf.dtrace', 'wb').write(b'  prog`main+0x1\n  prog`run\n 3\n\n' * 150000)
open(tmp + '/cr.collapse', 'wb').write(b'main;run;step 2\rmain;walk 1\r' * 150000)
open(tmp + '/lf.collapse', 'wb').write(b'main;run;step 2\nmain;walk 1\n' * 150000)
PY
for fmt in dtrace collapse; do
    timeout 60 "$bin" -f $fmt "$tmp/cr.$fmt" >"$tmp/cr.dot" 2>&1; rc=$?
    "$bin" -f $fmt "$tmp/lf.$fmt" >"$tmp/lf.dot" 2>&1
    if [ "$rc" = 0 ] && cmp -s "$tmp/cr.dot" "$tmp/lf.dot"; then pass; else fail "$fmt with CR line ends: exit $rc, or another graph"; fi
done
"$bin" -f collapse "$tmp/same.collapse" 2>&1 >/dev/null | grep -q "invalid UTF-8" && pass || fail "collapse: the repair is reported"
"$bin" -f collapse "$tmp/same.collapse" 2>&1 >/dev/null | grep -Eq "skipped [0-9]+ lines with no sample count" && pass ||
    fail "collapse: the lines without a count are reported"
"$bin" -f dtrace "$tmp/same.dtrace" 2>&1 >/dev/null | grep -q "invalid UTF-8" && pass || fail "dtrace: the repair is reported"
"$bin" -f dtrace "$tmp/same.dtrace" 2>&1 >/dev/null | grep -q "has no count line" && pass || fail "dtrace: the last stack is reported"
finish
