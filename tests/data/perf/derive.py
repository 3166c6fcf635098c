"""Derive the other stack formats from `perf script` text, for
tests/data/perf/make.sh:

    python3 derive.py collapse IN.perf OUT.collapse   # stackcollapse-perf.pl style
    python3 derive.py dtrace IN.perf OUT.dtrace       # dtrace @[ustack()] = count() style
    python3 derive.py encode IN OUT utf-16-le|utf-16-be|crlf

collapse: one line per distinct stack, `comm;root;...;leaf count`, frame
names without their +0x offset ([unknown] frames keep that name), in order
of first appearance.  dtrace: one block per distinct stack, leaf first,
`module`symbol+0xoff` frames (module = last path component), then the
count, after dtrace's two header lines."""
import re
import sys

FRAME = re.compile(r'^\s+(?P<address>[0-9a-fA-F]+)\s+(?P<symbol>.*)\s+\((?P<module>.*)\)$')


def events(path):
    comm, frames = None, []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if line.startswith('#'):
                continue
            if not line.strip():
                if comm is not None and frames:
                    yield comm, frames
                comm, frames = None, []
                continue
            m = FRAME.match(line)
            if comm is not None and m:
                frames.append((m.group('address'), m.group('symbol'), m.group('module')))
            else:
                comm = line.split()[0]
    if comm is not None and frames:
        yield comm, frames


def counted(items):
    order, counts = [], {}
    for k in items:
        if k not in counts:
            order.append(k)
            counts[k] = 0
        counts[k] += 1
    return [(k, counts[k]) for k in order]


def collapse(src, dst):
    stacks = []
    for comm, frames in events(src):
        names = [re.sub(r'\+0x[0-9a-fA-F]+$', '', s) or '[unknown]' for _, s, _ in frames]
        stacks.append(';'.join([comm] + names[::-1]))
    with open(dst, 'w', encoding='utf-8') as f:
        for stack, n in counted(stacks):
            f.write('%s %d\n' % (stack, n))


def dtrace(src, dst):
    stacks = []
    for _, frames in events(src):
        stacks.append(tuple('%s`%s' % (m.rsplit('/', 1)[-1], s) for _, s, m in frames))
    with open(dst, 'w', encoding='utf-8') as f:
        f.write('CPU     ID                    FUNCTION:NAME\n')
        f.write('  1  29684                        :tick-60s \n\n')
        for stack, n in counted(stacks):
            f.write('\n')
            for fr in stack:
                f.write('              %s\n' % fr)
            f.write('              %d\n' % n)


def encode(src, dst, how):
    text = open(src, encoding='utf-8').read()
    if how == 'crlf':
        open(dst, 'wb').write(text.replace('\n', '\r\n').encode('utf-8'))
    elif how == 'utf-16-le':
        open(dst, 'wb').write(b'\xff\xfe' + text.encode('utf-16-le'))
    elif how == 'utf-16-be':
        open(dst, 'wb').write(b'\xfe\xff' + text.encode('utf-16-be'))
    else:
        sys.exit('unknown encoding ' + how)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'collapse':
        collapse(sys.argv[2], sys.argv[3])
    elif cmd == 'dtrace':
        dtrace(sys.argv[2], sys.argv[3])
    elif cmd == 'encode':
        encode(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
