#!/usr/bin/env python3
"""Run the examples of the documentation and compare their output, for
tests/docs/test_examples.sh.

    python3 tests/docs/check_examples.py PROF2PNG SOURCE_DIR WORK_DIR

In README.md and docs/**/*.md, a fenced code block right after the comment

    <!-- input: NAME -->      is written to WORK_DIR/NAME;
    <!-- output: ARGS -->     is what `prof2png ARGS` prints on stdout, run in
                              WORK_DIR, where samples/ and tests/ lead to the
                              repository's (a first line "$ prof2png ..." in
                              the block is the command, shown to the reader,
                              and is not compared, nor are blank lines at the
                              end).

Prints one line per difference, then a summary; exit 1 when there is one.
"""
import os
import re
import shlex
import subprocess
import sys

binary, root, work = (os.path.abspath(a) for a in sys.argv[1:4])
MARK = re.compile(r'^<!--\s*(input|output):\s*(.*?)\s*-->\s*$')
FENCE = re.compile(r'^\s*(```|~~~)')


def blocks(path):
    """(kind, argument, line, text) for each marked block of a file."""
    lines = open(path, encoding='utf-8').read().split('\n')
    i = 0
    while i < len(lines):
        m = MARK.match(lines[i])
        i += 1
        if not m:
            continue
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines) or not FENCE.match(lines[i]):
            yield m.group(1), m.group(2), i, None
            continue
        start = i + 1
        i = start
        while i < len(lines) and not FENCE.match(lines[i]):
            i += 1
        yield m.group(1), m.group(2), start, '\n'.join(lines[start:i]) + '\n'
        i += 1


def main():
    for d in ('samples', 'tests'):
        if not os.path.exists(os.path.join(work, d)):
            os.symlink(os.path.join(root, d), os.path.join(work, d))
    docs = [os.path.join(root, 'README.md')]
    for d, _, files in os.walk(os.path.join(root, 'docs')):
        docs += [os.path.join(d, f) for f in files if f.endswith('.md')]
    problems, ran = [], 0
    for md in sorted(docs):
        rel = os.path.relpath(md, root)
        for kind, arg, line, text in blocks(md):
            where = '%s:%d' % (rel, line)
            if text is None:
                problems.append('%s: <!-- %s --> is not followed by a code block' % (where, kind))
            elif kind == 'input':
                with open(os.path.join(work, arg), 'w', encoding='utf-8') as f:
                    f.write(text)
            else:
                if text.startswith('$ '):
                    text = text.split('\n', 1)[1]
                args = shlex.split(arg)
                if args[:1] == ['prof2png']:
                    args = args[1:]
                p = subprocess.run([binary] + args, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                ran += 1
                got = p.stdout.decode('utf-8', 'replace')
                if p.returncode != 0:
                    problems.append('%s: %s: exit %d: %s' % (where, arg, p.returncode,
                                                                    p.stderr.decode('utf-8', 'replace').strip()))
                elif got.rstrip('\n') != text.rstrip('\n'):  # a block cannot end in blank lines
                    a, b = got.rstrip('\n').split('\n'), text.rstrip('\n').split('\n')
                    k = next((j for j in range(min(len(a), len(b))) if a[j] != b[j]), min(len(a), len(b)))
                    problems.append('%s: %s: line %d of the output is\n    %r\n  where the document says\n'
                                    '    %r' % (where, arg, k + 1, a[k] if k < len(a) else '(end)',
                                               b[k] if k < len(b) else '(end)'))
    for p in problems:
        print(p)
    print('%d examples run; %d problems' % (ran, len(problems)))
    return 1 if problems or not ran else 0


if __name__ == '__main__':
    sys.exit(main())
