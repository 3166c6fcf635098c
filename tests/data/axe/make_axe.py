#!/usr/bin/env python3
"""Write the hand-made VTune gprof-cc reports of this folder (calc.axe and
calc-slower.axe, the same program 1.3 times slower with another split of
time, for --compare).  Separator lines are spaces, as VTune writes them.
Run from this folder: python3 make_axe.py"""
W = 120


def prim(idx, pct, self_, ch, name, cyc=None):
    nm = name + (' <cycle %d>' % cyc if cyc else '')
    return ('%-7s%-18s%-15s%-19s%-46s%s' % ('[%d]' % idx, pct, self_, ch, nm, '[%d]' % idx)).ljust(W)


def line(self_, ch, name, idx, cyc=None):
    nm = name + (' <cycle %d>' % cyc if cyc else '')
    return ('%-25s%-15s%-21s%-44s%s' % ('', self_, ch, nm, '[%d]' % idx)).ljust(W)


def bare(name, idx):
    return ('%-61s%-44s%s' % ('', name, '[%d]' % idx)).ljust(W)


def cyc_whole(idx, pct, self_, ch, c):
    return prim(idx, pct, self_, ch, '<cycle %d as a whole>' % c)


HEADER = ['Index  % CPU Time:Total  CPU Time:Self  CPU Time:Children  Name' + ' ' * 42 + 'Index',
          '-----  ----------------  -------------  -----------------  ' + '-' * 44 + '  -----']
FOOTER = ['', '', 'Index by function name', '', 'Index  Function', '-----  --------', '[1]    start',
          '[2]    main']
PUSH = 'std::vector<int>::push_back(int const&)'


def report(scale, pcts):
    s = lambda x: '%.3f' % (x * scale)
    rows = [('%-61s%s' % ('', '<spontaneous>')).ljust(W), prim(1, '100.0', '0.0', s(10.0), 'start'),
            line('0.0', s(10.0), 'main', 2), None,
            line('0.0', s(10.0), 'start', 1), prim(2, '100.0', '0.0', s(10.0), 'main'),
            line(s(1.5), s(4.0), 'parse_input', 3), line(s(0.5), s(3.5), 'eval', 5, 1),
            line(s(0.5), '0.0', PUSH, 7), None,
            line(s(1.5), s(4.0), 'main', 2), prim(3, pcts[0], s(1.5), s(4.0), 'parse_input'),
            line(s(4.0), '0.0', 'read_token', 4), None,
            line(s(4.0), '0.0', 'parse_input', 3), prim(4, pcts[1], s(4.0), '0.0', 'read_token'), None,
            # the recursion cycle eval <-> apply, as a whole
            line(s(0.5), s(3.5), 'main', 2), cyc_whole(8, '40.0', s(2.0), s(2.0), 1),
            line(s(1.0), s(1.5), 'eval', 5, 1), line(s(1.0), s(0.5), 'apply', 6, 1), None,
            line(s(0.5), s(3.5), 'main', 2), bare('apply <cycle 1>', 6),
            prim(5, pcts[2], s(1.0), s(3.0), 'eval', 1), bare('apply <cycle 1>', 6),
            line(s(2.0), '0.0', 'lookup', 9), None,
            bare('eval <cycle 1>', 5), prim(6, '20.0', s(1.0), s(1.0), 'apply', 1),
            bare('eval <cycle 1>', 5), line(s(1.0), '0.0', PUSH, 7), None,
            line(s(0.5), '0.0', 'main', 2), line(s(1.0), '0.0', 'apply', 6, 1),
            prim(7, '15.0', s(1.5), '0.0', PUSH), None,
            line(s(2.0), '0.0', 'eval', 5, 1), prim(9, '20.0', s(2.0), '0.0', 'lookup'), None]
    rows = [' ' * W if r is None else r for r in rows]
    return '\n'.join(HEADER + rows + FOOTER) + '\n'


with open('calc.axe', 'w') as f:
    f.write(report(1.0, ['55.00', '40.00', '40.0']))
with open('calc-slower.axe', 'w') as f:
    f.write(report(1.3, ['40.00', '52.00', '45.0']))
