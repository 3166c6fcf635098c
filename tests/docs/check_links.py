#!/usr/bin/env python3
"""Check the links of the documentation, for tests/docs/test_links.sh.

    python3 tests/docs/check_links.py SOURCE_DIR

Every Markdown link `[text](target)` and HTML `src=`/`href=` of README.md and
docs/**/*.md that is not a URL must name a file or folder of the repository,
and a `#anchor` must name a heading of the Markdown file it points to (as
GitHub makes anchors: lower case, punctuation dropped, spaces made hyphens,
`-1`, `-2` for repeats) or an `<a id=...>`/`<a name=...>` in it.  Links in
code blocks and code spans are not links.

The comments of the code cite the documentation as `docs/<file>.md#<anchor>`:
those citations, in src/, include/, tests/, fuzz/, bench/ and cmake/, must
resolve too.

tests/docs/pending-links.txt lists files that other work in progress will
add: a link to one of them may dangle until it arrives, and then the line
must go (the check fails while a listed file exists).

Prints one line per problem, then a summary; exit 1 when there is a problem.
"""
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..'))
PENDING = os.path.join(ROOT, 'tests', 'docs', 'pending-links.txt')
CODE_DIRS = ['src', 'include', 'tests', 'fuzz', 'bench', 'cmake']

FENCE = re.compile(r'^\s*(```|~~~)')
INLINE_CODE = re.compile(r'(`+)(.+?)\1')
MD_LINK = re.compile(r'!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)')
HTML_ATTR = re.compile(r'<(?:a|img)\b[^>]*?\b(?:href|src)="([^"]+)"', re.I)
HTML_ID = re.compile(r'<a\b[^>]*?\b(?:id|name)="([^"]+)"', re.I)
HEADING = re.compile(r'^(#{1,6})\s+(.*?)\s*#*\s*$')
CITATION = re.compile(r'\bdocs/[A-Za-z0-9_./-]+\.md(?:#[A-Za-z0-9_-]+)?')


def slug(text):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r'!?\[([^\]]*)\]\([^)]*\)', r'\1', text)  # links: their text
    text = re.sub(r'<[^>]+>', '', text)                      # HTML tags
    text = text.replace('`', '')
    text = text.strip().lower()
    out = []
    for ch in text:
        if ch.isalnum() or ch in '-_':
            out.append(ch)
        elif ch == ' ':
            out.append('-')
    return ''.join(out)


def prose_lines(path):
    """(number, text) of the lines outside code blocks, code spans blanked."""
    fenced = False
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                yield n, INLINE_CODE.sub(lambda m: ' ' * len(m.group(0)), line)


_anchors = {}


def anchors(path):
    """The anchors of a Markdown file: its headings' and its <a id/name>s."""
    if path not in _anchors:
        found, seen, fenced = set(), {}, False
        with open(path, encoding='utf-8') as f:
            for line in f:
                if FENCE.match(line):
                    fenced = not fenced
                    continue
                if fenced:
                    continue
                m = HEADING.match(line)
                if m:
                    base = slug(m.group(2))
                    k = seen.get(base, 0)
                    seen[base] = k + 1
                    found.add(base if k == 0 else '%s-%d' % (base, k))
                found.update(HTML_ID.findall(INLINE_CODE.sub('', line)))
        _anchors[path] = found
    return _anchors[path]


def main():
    problems = []
    pending = set()
    if os.path.exists(PENDING):
        with open(PENDING, encoding='utf-8') as f:
            for n, line in enumerate(f, 1):
                line = line.split('#', 1)[0].strip()
                if not line:
                    continue
                pending.add(os.path.normpath(os.path.join(ROOT, line)))
                if os.path.exists(os.path.join(ROOT, line)):
                    problems.append('tests/docs/pending-links.txt:%d: %s exists now: remove it from the list'
                                    % (n, line))

    def check(src, n, target, base_dir):
        where = '%s:%d' % (os.path.relpath(src, ROOT), n)
        if re.match(r'^[a-z][a-z0-9+.-]*:', target, re.I):  # http:, https:, mailto:, ...
            return
        path, _, frag = target.partition('#')
        full = os.path.normpath(os.path.join(base_dir, path)) if path else src
        if not (full == ROOT or full.startswith(ROOT + os.sep)):
            problems.append('%s: %s leads out of the repository' % (where, target))
            return
        if not os.path.exists(full):
            if full not in pending:
                problems.append('%s: %s: no such file' % (where, target))
            return
        if frag:
            if os.path.isdir(full) or not full.endswith('.md'):
                problems.append('%s: %s: an anchor in something that is not a Markdown file' % (where, target))
            elif frag not in anchors(full):
                problems.append('%s: %s: no heading or anchor "%s" in %s'
                                % (where, target, frag, os.path.relpath(full, ROOT)))

    docs = [os.path.join(ROOT, 'README.md')]
    for d, _, files in os.walk(os.path.join(ROOT, 'docs')):
        docs += [os.path.join(d, f) for f in files if f.endswith('.md')]
    nlinks = 0
    for md in sorted(docs):
        for n, line in prose_lines(md):
            for target in MD_LINK.findall(line) + HTML_ATTR.findall(line):
                nlinks += 1
                check(md, n, target, os.path.dirname(md))

    ncites = 0
    for top in CODE_DIRS:
        for d, dirs, files in os.walk(os.path.join(ROOT, top)):
            dirs[:] = [x for x in dirs if x != 'corpus']  # fuzz inputs, not code
            for f in files:
                p = os.path.join(d, f)
                try:
                    text = open(p, encoding='utf-8').read()
                except (UnicodeDecodeError, OSError):
                    continue
                if 'docs/' not in text:
                    continue
                for n, line in enumerate(text.split('\n'), 1):
                    for cite in CITATION.findall(line):
                        ncites += 1
                        check(p, n, cite, ROOT)

    for p in problems:
        print(p)
    print('%d links in %d documents, %d citations in the code; %d problems'
          % (nlinks, len(docs), ncites, len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
