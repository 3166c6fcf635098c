"""The oracle of the --stats golden tests: what Python's own pstats prints
for a prof2png report command line.  Runs under Python 2.7 and 3.x.

    python oracle.py [--stats] [--sort K[,K...]] [--limit N|X]... \
                     [--filter RE]... [--callers RE] [--callees RE] FILE...

does what prof2png does with the same options:

    s = pstats.Stats(FILE, ..., stream=buffer)
    s.sort_stats(K, ...)                       # when --sort is given
    s.print_stats(*amounts)                    # --stats
    s.print_callers(RE, *amounts)              # --callers RE
    s.print_callees(RE, *amounts)              # --callees RE

where amounts are the --limit (int, or float when written with '.', 'e')
and --filter values in command-line order.  What varies from run to run is
left out, as prof2png leaves it out: the "date    file" lines print_stats()
starts with (and the blank line after them), and the " at 0x..." address
in the repr of a code object (profile-module files), which also widens the
name column.
"""
import pstats
import re
import sys

try:
    from io import StringIO
except ImportError:  # pragma: no cover
    from StringIO import StringIO
if sys.version_info[0] == 2:
    from StringIO import StringIO  # noqa: F811 (str, not unicode)


# Without its address, the repr of a code object (a profile-module key)
# is the same from run to run; the name column is as wide as this text.
_std_string = pstats.func_std_string


def _std_string_no_address(func):
    return re.sub(' at 0x[0-9a-fA-F]+,', ',', _std_string(func))


pstats.func_std_string = _std_string_no_address


def main(argv):
    stats = False
    sort = None
    amounts = []
    callers = callees = None
    files = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--stats':
            stats = True
        elif a in ('--sort', '--limit', '--filter', '--callers', '--callees'):
            i += 1
            v = argv[i]
            if a == '--sort':
                sort = v
            elif a == '--limit':
                amounts.append(float(v) if re.search('[.eE]', v) else int(v))
            elif a == '--filter':
                amounts.append(v)
            elif a == '--callers':
                callers = v
            else:
                callees = v
        else:
            files.append(a)
        i += 1
    buf = StringIO()
    s = pstats.Stats(*files, **{'stream': buf})
    if sort:
        keys = [k.strip() for k in sort.split(',')]
        old = {'-1': -1, '0': 0, '1': 1, '2': 2}
        if len(keys) == 1 and keys[0] in old:
            s.sort_stats(old[keys[0]])
        else:
            s.sort_stats(*keys)
    if stats:
        s.print_stats(*amounts)
        text = buf.getvalue()
        # the "date    file" lines, one per file, and a blank line
        lines = text.split('\n')
        text = '\n'.join(lines[len(files) + 1:])
    else:
        text = ''
    buf.seek(0)
    buf.truncate()
    if callers is not None:
        s.print_callers(*([callers] + amounts))
    if callees is not None:
        s.print_callees(*([callees] + amounts))
    text += buf.getvalue()
    if sys.version_info[0] == 2:
        sys.stdout.write(text)
    else:
        sys.stdout.buffer.write(text.encode('utf-8', 'surrogateescape'))


main(sys.argv[1:])
