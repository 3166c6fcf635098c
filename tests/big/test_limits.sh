#!/usr/bin/env bash
# Issue 7 item 3: a 1,000,000-frame call stack, a 1,000,000-member cycle and
# 10,000,000 distinct functions each work, within memory proportional to the
# input; a cycle too costly to integrate fails with a clear message.  Inputs
# are written on the fly by gen_limits.py, in every format that can hold
# them and that the binary knows.  Each run's peak memory (wait4's maxrss)
# must stay under RSS_PER_BYTE times the input plus RSS_BASE.
#
# Label "big" (tests/CMakeLists.txt): run by .ci/test in the normal build,
# left out of the sanitizer build.  About two minutes and 4 GB at the peak
# (the 10,000,000 functions).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"

formats=$("$bin" -f ' ' x 2>&1 | sed -n 's/.*(expected \(.*\))$/\1/p' | tr -d ',')

python3 - "$bin" "$src/tests/big/gen_limits.py" "$tmp" $formats <<'PY'
import os, subprocess, sys, time

binary, gen, tmp, formats = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4:])
RSS_PER_BYTE = 128         # peak memory per input byte, at most
RSS_BASE = 200 << 20       # plus this much
TIMEOUT = 300

# (case, format, n, expected exit code, expected text on stderr)
CASES = [
    ('chain', 'collapse', 1000000, 0, None),
    ('cycle', 'collapse', 1000000, 0, None),
    ('distinct', 'collapse', 10000000, 0, None),
    ('entries', 'collapse', 20000, 0, None),
    ('entries', 'collapse', 40000, 1, 'recursion cycle of 40000 functions is entered from 40000 places'),
    ('chain', 'prof', 1000000, 0, None),
    ('cycle', 'prof', 1000000, 0, None),
    ('chain', 'pstats', 1000000, 0, None),
    ('cycle', 'pstats', 1000000, 0, None),
]
bad = 0
for case, fmt, n, want_rc, want_err in CASES:
    if fmt not in formats:
        print('skipped %s %s: no such format in this build' % (case, fmt))
        continue
    path = os.path.join(tmp, '%s.%s' % (case, fmt))
    subprocess.run([sys.executable, gen, case, fmt, str(n), path], check=True)
    size = os.path.getsize(path)
    out = os.path.join(tmp, 'out.dot')
    errf = open(os.path.join(tmp, 'err'), 'w+b')
    t0 = time.time()
    p = subprocess.Popen([binary, '-f', fmt, path, '-o', out], stdout=subprocess.DEVNULL, stderr=errf)
    deadline = t0 + TIMEOUT
    while True:
        pid, status, ru = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.time() > deadline:
            p.kill()
            pid, status, ru = os.wait4(p.pid, 0)
            break
        time.sleep(0.05)
    secs = time.time() - t0
    rc = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss * 1024
    errf.seek(0)
    err = errf.read().decode('utf-8', 'replace')
    limit = RSS_PER_BYTE * size + RSS_BASE
    what = '%s %s n=%d: %d MB input, exit %d, %.1f s, %d MB peak (%.0f bytes per input byte)' % (
        case, fmt, n, size >> 20, rc, secs, rss >> 20, rss / size)
    problems = []
    if secs > TIMEOUT:
        problems.append('timeout')
    if rc != want_rc:
        problems.append('expected exit %d: %s' % (want_rc, err.strip()[-300:]))
    if want_err and want_err not in err:
        problems.append('expected the message "%s"' % want_err)
    if rss > limit:
        problems.append('peak memory over %d MB' % (limit >> 20))
    if rc == 0 and not open(out, 'rb').read().startswith(b'digraph {'):
        problems.append('no DOT graph')
    print(what + (': ' + '; '.join(problems) if problems else ''))
    bad += bool(problems)
    for f in (path, out):
        if os.path.exists(f):
            os.remove(f)
sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] && pass || fail "limits: see above"
finish
