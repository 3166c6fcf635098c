#!/usr/bin/env python3
"""Write the small Very Sleepy (.sleepy zip) and Sysprof (XML) test inputs
of tests/data/sleepy/ and tests/data/sysprof/, good and bad ones.

    python3 tests/data/make_sleepy_sysprof.py

Everything is made up here (a toy program: main calls parse and render,
parse recurses through lex, ...), deterministically: the zip entries have a
fixed date, so the files only change when this script does.
"""
import os
import struct
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
SLEEPY = os.path.join(HERE, 'sleepy')
SYSPROF = os.path.join(HERE, 'sysprof')
DATE = (2024, 3, 1, 12, 0, 0)


def write_zip(path, members, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path, 'w') as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, DATE)
            info.compress_type = method
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


# ---- Very Sleepy --------------------------------------------------------

SYMBOLS = [
    # id, module, procname, source file, line
    ('sym0', 'toy', 'main', 'c:\\toy\\main.c', 10),
    ('sym1', 'toy', 'parse', 'c:\\toy\\parse.c', 20),
    ('sym2', 'toy', 'lex', 'c:\\toy\\lex.c', 30),
    ('sym3', 'toy', 'render', 'c:\\toy\\render.c', 40),
    ('sym4', 'KERNEL32', 'WriteFile', '[unknown]', 0),
    ('sym5', 'ntdll', 'RtlAllocateHeap', '[unknown]', 0),
    # the same function at another address: one node
    ('sym6', 'toy', 'parse', 'c:\\toy\\parse.c', 25),
    ('sym7', 'toy', 'std::vector<int>::push_back', 'c:\\toy\\vec.h', 99),
    ('sym8', 'toy', 'unused', 'c:\\toy\\unused.c', 1),
]

# samples, then the stack: the sampled symbol first, then its callers
STACKS = [
    (0.250000, ['sym2', 'sym1', 'sym0']),
    (0.125000, ['sym2', 'sym1', 'sym2', 'sym1', 'sym0']),   # recursion through lex
    (0.500000, ['sym4', 'sym3', 'sym0']),
    (0.062500, ['sym5', 'sym7', 'sym6', 'sym0']),
    (0.031250, ['sym1', 'sym1', 'sym0']),                   # direct recursion
    (0.015625, ['sym3', 'sym0']),
    (0.007812, ['sym0']),
    (1.5e-3, ['sym7', 'sym3', 'sym0']),
]


def symbols_text(eol='\n'):
    lines = ['%s "%s" "%s" "%s" %d' % s for s in SYMBOLS]
    lines.insert(3, 'this line is not a symbol and is skipped')
    return (eol.join(lines) + eol).encode()


def stacks_text(eol='\n', extra=()):
    lines = ['%g %s' % (n, ' '.join(st)) for n, st in STACKS] + list(extra)
    return (eol.join(lines) + eol).encode()


STATS = b'Filename: C:\\toy\\toy.exe\nDuration: 1.000000\nDate: Fri Mar 01 12:00:00 2024\nSamples: 100\n'
IPCOUNTS = b'0x401000 7\n0x401010 3\n'


def sleepy_members(symbols, stacks, names=('Stats.txt', 'IPCounts.txt', 'Symbols.txt', 'Callstacks.txt')):
    return [(names[0], STATS), (names[1], IPCOUNTS), (names[2], symbols), (names[3], stacks),
            ('Version 0.82 required', b'0.82\n')]


def patch_sizes(data, name, size):
    """Make every header of member `name` declare `size` bytes uncompressed."""
    out = bytearray(data)
    bname = name.encode()
    i = 0
    while True:
        i = out.find(b'PK\x03\x04', i)
        if i < 0:
            break
        n = struct.unpack_from('<H', out, i + 26)[0]
        if out[i + 30:i + 30 + n] == bname:
            struct.pack_into('<I', out, i + 22, size)
        i += 4
    i = 0
    while True:
        i = out.find(b'PK\x01\x02', i)
        if i < 0:
            break
        n = struct.unpack_from('<H', out, i + 28)[0]
        if out[i + 46:i + 46 + n] == bname:
            struct.pack_into('<I', out, i + 24, size)
        i += 4
    return bytes(out)


def make_sleepy():
    os.makedirs(SLEEPY, exist_ok=True)
    p = lambda n: os.path.join(SLEEPY, n)
    write_zip(p('toy.sleepy'), sleepy_members(symbols_text(), stacks_text()))
    # lower-case member names (some Very Sleepy versions), CRLF, stored
    write_zip(p('toy-lower-crlf.sleepy'),
              sleepy_members(symbols_text('\r\n'), stacks_text('\r\n'),
                             ('stats.txt', 'ipcounts.txt', 'symbols.txt', 'callstacks.txt')),
              zipfile.ZIP_STORED)
    # bad stack lines gprof2dot crashes on: skipped with a warning here
    write_zip(p('toy-badlines.sleepy'),
              sleepy_members(symbols_text(), stacks_text(extra=['', 'nan sym0', 'x sym1 sym0',
                                                                 '0.5 sym0 sym99', '0.25'])))
    # invalid UTF-8 in a name (gprof2dot: UnicodeDecodeError)
    write_zip(p('toy-latin1.sleepy'),
              sleepy_members(symbols_text().replace(b'"render"', b'"r\xe9nder"'), stacks_text()))

    # ---- bad archives
    good = open(p('toy.sleepy'), 'rb').read()
    with open(p('bad-truncated.sleepy'), 'wb') as f:
        f.write(good[:len(good) // 2])
    write_zip(p('bad-no-callstacks.sleepy'),
              [m for m in sleepy_members(symbols_text(), stacks_text()) if m[0] != 'Callstacks.txt'])
    write_zip(p('bad-no-stack.sleepy'), sleepy_members(symbols_text(), b'x y\nnan sym0\n'))
    with open(p('bad-bomb-size.sleepy'), 'wb') as f:
        f.write(patch_sizes(good, 'Callstacks.txt', 0xf0000000))
    with open(p('bad-bomb-ratio.sleepy'), 'wb') as f:
        f.write(patch_sizes(good, 'Callstacks.txt', 200 << 20))
    # compressed data damaged: a CRC or inflate error
    plain = bytearray(open(p('toy.sleepy'), 'rb').read())
    k = plain.find(b'Callstacks.txt') + len('Callstacks.txt') + 4
    for j in range(k, k + 8):
        plain[j] ^= 0x55
    with open(p('bad-corrupt-data.sleepy'), 'wb') as f:
        f.write(bytes(plain))
    with open(p('bad-not-zip.sleepy'), 'wb') as f:
        f.write(b'0.25 sym2 sym1 sym0\n' * 4)


# ---- Sysprof ------------------------------------------------------------

# id, name, total, self (self 0: a "fake" object, left out)
OBJECTS = [
    (1, '"[toy]"', 100, 0),
    (2, '"Everything"', 100, 0),
    (3, '"main"', 100, 5),
    (4, '"parse"', 60, 10),
    (5, '"lex"', 40, 30),
    (6, '"render"', 35, 20),
    (7, '"In file /usr/lib/libc.so.6"', 15, 15),
    (8, '"g_object_unref"', 5, 0),
    (9, '"std::vector<int>::push_back"', 4, 4),
]

# id, object, parent, self, total
NODES = [
    (1, 2, 0, 0, 100),     # Everything
    (2, 1, 1, 0, 100),     # process
    (3, 3, 2, 5, 100),     # main
    (4, 4, 3, 10, 60),     # main -> parse
    (5, 5, 4, 20, 30),     # parse -> lex
    (6, 4, 5, 0, 10),      # lex -> parse (recursion, no self here)
    (7, 5, 6, 10, 10),     # ... -> lex
    (8, 6, 3, 20, 35),     # main -> render
    (9, 8, 8, 0, 15),      # render -> g_object_unref (left out)
    (10, 7, 9, 15, 15),    # ... -> libc: its caller is render
    (11, 9, 4, 4, 4),      # parse -> push_back
    (12, 3, 0, 0, 0),      # a node of no samples
]


def sysprof_xml(objects=OBJECTS, nodes=NODES, head='', extra_obj='', extra_node=''):
    out = ['<?xml version="1.0"?>', head, '<profile>', '    <size>100</size>',
           '    <call_tree>1</call_tree>', '    <objects>']
    for i, name, total, self in objects:
        out += ['        <object id="%d">' % i, '            <name>%s</name>' % escape(name),
                '            <total>%d</total>' % total, '            <self>%d</self>' % self,
                '        </object>']
    out.append(extra_obj)
    out.append('    </objects>')
    out.append('    <nodes>')
    for i, obj, parent, self, total in nodes:
        out += ['        <node id="%d">' % i, '            <object>%d</object>' % obj,
                '            <siblings>0</siblings>', '            <children>0</children>',
                '            <parent>%d</parent>' % parent, '            <total>%d</total>' % total,
                '            <self>%d</self>' % self, '            <toplevel>0</toplevel>',
                '        </node>']
    out.append(extra_node)
    out += ['    </nodes>', '</profile>', '']
    return '\n'.join(l for l in out if l != '')


def make_sysprof():
    os.makedirs(SYSPROF, exist_ok=True)
    p = lambda n: os.path.join(SYSPROF, n)
    w = lambda n, s: open(p(n), 'wb').write(s.encode() if isinstance(s, str) else s)
    w('toy.sysprof', sysprof_xml())
    # UTF-16 with a byte-order mark, which expat reads as well
    w('toy-utf16.sysprof', ('\ufeff' + sysprof_xml().replace('<?xml version="1.0"?>',
                                                              '<?xml version="1.0" encoding="UTF-16"?>'))
      .encode('utf-16-le'))
    # a node whose own object is left out but has samples (gprof2dot: AssertionError)
    w('toy-fakecallee.sysprof', sysprof_xml(nodes=NODES + [(13, 8, 3, 3, 3)]))

    xml = sysprof_xml()
    w('bad-unclosed.sysprof', xml[:xml.index('</nodes>')])
    w('bad-mismatch.sysprof', xml.replace('</total>', '</totl>', 1))
    w('bad-deep.sysprof', '<profile><size>' + '<a>' * 5000 + '</a>' * 5000 + '</size></profile>\n')
    w('bad-laughs.sysprof',
      '<?xml version="1.0"?>\n<!DOCTYPE profile [\n <!ENTITY a "aaaaaaaaaa">\n'
      + ''.join(' <!ENTITY %s "%s">\n' % (chr(98 + i), ('&%s;' % chr(97 + i)) * 10) for i in range(8))
      + ']>\n<profile><size>&i;</size></profile>\n')
    w('bad-loop.sysprof', sysprof_xml(nodes=[(1, 2, 3, 0, 1), (2, 1, 1, 0, 1), (3, 1, 2, 0, 1),
                                            (4, 3, 3, 5, 5)]))
    w('bad-missing-parent.sysprof', sysprof_xml(nodes=NODES + [(13, 4, 99, 3, 3)]))
    w('bad-self.sysprof', xml.replace('<self>10</self>', '<self>ten</self>', 1))
    w('bad-root.sysprof', '<?xml version="1.0"?>\n<capture>\n</capture>\n')
    w('bad-empty.sysprof', '')


if __name__ == '__main__':
    make_sleepy()
    make_sysprof()
