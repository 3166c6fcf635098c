# -*- coding: utf-8 -*-
"""Write the hand-made pstats file of the --stats golden tests (see
make_expected.sh): non-ASCII names (Python 3 pads them by code points,
Python 2 by bytes), a name with a quote, built-ins with and without <>,
a ("jprofile", 0, "profiler") caller (pstats' "top level" lines), exact
ties on every number, and a function nobody calls.  Runs under Python 2.7
(keys as UTF-8 byte strings) and 3.x.

    python make_data.py OUT.pstats
"""
import marshal
import sys


def s(text):
    return text.encode('utf-8') if sys.version_info[0] == 2 else text


CAFE = s(u'caf\u00e9.py')
G = (CAFE, 1, s(u'gr\u00fc\u00dfe'))
J = (CAFE, 2, s(u'\u65e5\u672c'))
Q = (s('q.py'), 3, s("it's"))
X = (s('~'), 0, s('<built-in method x>'))
P = (s('~'), 0, s('plain_builtin'))
TOP = (s('jprofile'), 0, s('profiler'))
M = (s('long/path/to/a/module.py'), 100, s('main'))
L = (s('z.py'), 7, s('lonely'))

stats = {
    M: (1, 1, 0.25, 2.0, {TOP: (1, 1, 0.25, 2.0)}),
    G: (3, 5, 0.25, 1.0, {M: (3, 3, 0.25, 1.0), G: (2, 0, 0.0, 0.5)}),
    J: (3, 3, 0.25, 0.5, {G: (3, 3, 0.25, 0.5)}),
    Q: (2, 2, 0.125, 0.125, {M: (1, 1, 0.0625, 0.0625), J: (1, 1, 0.0625, 0.0625)}),
    X: (2, 2, 0.125, 0.125, {Q: (2, 2, 0.125, 0.125)}),
    P: (1, 1, 0.0, 0.0, {M: (1, 1, 0.0, 0.0)}),
    L: (1, 1, 0.0, 0.0, {}),
}
with open(sys.argv[1], 'wb') as f:
    marshal.dump(stats, f)
