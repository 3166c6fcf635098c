"""Rewrite a pstats file into one any Python 3 can read, for checking
prof2png against gprof2dot on files gprof2dot cannot load (Python 2.7 and
the 3.6-3.10 profile module).  Run it with the Python that wrote the file:
    python2.7 convert_pstats.py IN OUT
Code-object function names become '<code object NAME, file "F", line N>',
the name prof2png gives them; nothing else changes."""
import marshal
import sys

try:
    text = unicode  # Python 2: str is bytes, which Python 3 would read as bytes
except NameError:
    text = str


def name(f):
    if hasattr(f, 'co_name'):
        return '<code object %s, file "%s", line %d>' % (f.co_name, f.co_filename, f.co_firstlineno)
    return f


def key(k):
    return (text(k[0]), k[1], text(name(k[2])))


with open(sys.argv[1], 'rb') as fp:
    stats = marshal.load(fp)
out = {}
for k, (cc, nc, tt, ct, callers) in stats.items():
    out[key(k)] = (cc, nc, tt, ct, dict((key(c), v) for c, v in callers.items()))
with open(sys.argv[2], 'wb') as fp:
    marshal.dump(out, fp, 2)
