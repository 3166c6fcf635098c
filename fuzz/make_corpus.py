#!/usr/bin/env python3
"""Rebuild the seed corpora in fuzz/corpus/ from the samples, the test data
and (when present) the shared corpus of real profiles.

    python3 fuzz/make_corpus.py [SHARED_CORPUS_DIR]

Seeds from this repository are named seed-*; seeds taken from the shared
corpus are named shared-* and stay out of the repository (fuzz/.gitignore):
they exist where that corpus does, for fuzzing there.  The files named
crash-* or found-* are regression inputs found by fuzzing, and hand-* are
seeds written by a test script (not kept as test data): none is ever
touched.  Big files are cut to their first SEED_MAX bytes (at a line end for
text): a prefix is as good a seed as the whole, and keeps the corpus small.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/corpus'
SEED_MAX = 24 * 1024
SPLIT = b'\n--p2p-next-input--\n'  # fuzz_common.h P2P_FUZZ_SPLIT

# target -> [(source path relative to ROOT or SHARED, text?)]
SOURCES = {
    'pstats': [
        ('samples/myapp.stats', False),
        ('tests/data/pstats/part-f-2.7.pstats', False),
        ('tests/data/pstats/part-m-3.6.pstats', False),
        ('tests/data/pstats/part-b-3.13.pstats', False),
        ('tests/data/pstats/merged-fmb-3.12.pstats', False),
        ('tests/data/pstats/work-2.7-profile.pstats', False),
        ('tests/data/pstats/work-3.7-profile.pstats', False),
        ('tests/data/pstats/work-3.10-profile.pstats', False),
        ('tests/data/pstats/work-3.11-profile.pstats', False),
        ('tests/data/pstats/work-3.13-cProfile.pstats', False),
        ('tests/data/pstats/synth-ints.pstats', False),
        ('tests/data/pstats/synth-list.pstats', False),
        ('tests/data/pstats/synth-names.pstats', False),
        ('tests/data/pstats/synth-orphan.pstats', False),
        ('tests/data/pstats/synth-empty.pstats', False),
        ('@upstream/history/pstats/cProfile.pstats', False),
        ('@upstream/history/pstats/hotshot.pstats', False),
        ('@upstream/history/pstats/profile.pstats', False),
        ('@pstats/demo-2.7-profile.pstats', False),
        ('@pstats/cpu-3.11-cProfile.pstats', False),
    ],
    'prof': [
        ('tests/data/gprof/recur-bp.prof', True),
        ('tests/data/gprof/recur-bq.prof', True),
        ('tests/data/gprof/recur-bq-bom.prof', True),
        ('tests/data/gprof/recur-bq-utf16le.prof', False),
        ('tests/data/gprof/recur-bq-utf16be.prof', False),
        ('tests/data/gprof/recur-bqT.prof', True),
        ('tests/data/gprof/recur-bql.prof', True),
        ('tests/data/gprof/recur-p.prof', True),
        ('tests/data/gprof/recur-z.prof', True),
        ('tests/data/gprof/cxx-bq-nodemangle.prof', True),
        ('@upstream/prof/cycle.prof', True),
        ('@upstream/prof/zeros.prof', True),
        ('@upstream/prof/val3_gprof.prof', True),
        ('@upstream/prof/issue88.prof', True),
        ('@upstream/prof/ibm.prof', True),
        ('@gprof/cycles-flatonly.prof', True),
        ('@gprof/cycles-T.prof', True),
    ],
    'callgrind': [
        ('tests/data/callgrind/rec-default.callgrind', True),
        ('tests/data/callgrind/rec-cachesim.callgrind', True),
        ('tests/data/callgrind/rec-instr.callgrind', True),
        ('tests/data/callgrind/rec-jumps.callgrind', True),
        ('tests/data/callgrind/rec-nocompress.callgrind', True),
        ('tests/data/callgrind/rec-sepcallers2.callgrind', True),
        ('tests/data/callgrind/rec.cachegrind', True),
        ('tests/data/callgrind/threads-sep.callgrind-02', True),
        ('@upstream/callgrind/empty.callgrind', True),
        ('@upstream/callgrind/issue35.callgrind', True),
        ('@upstream/callgrind/bool.callgrind', True),
        ('@upstream/history/compare-callgrind-unmatched/unmatched1.callgrind', True),
        ('@callgrind/cycles-toggle.callgrind', True),
    ],
    'perf': [
        ('tests/data/perf/fp.perf', True),
        ('tests/data/perf/dwarf.perf', True),
        ('tests/data/perf/multievent.perf', True),
        ('tests/data/perf/nocallgraph.perf', True),
        ('@upstream/perf/issue28.perf', True),
        ('@upstream/perf/issue28-c++filt.perf', True),
        ('@upstream/perf/glxgears.perf', True),
        ('@perf/threads-fp.perf', True),
        ('@perf/cycles-nocallgraph.perf', True),
        ('@perf/cycles-multievent.perf', True),
        ('@perf/python311-fp-imports.perf', True),
        ('@perf/cxx-dwarf.perf', True),
    ],
    'collapse': [
        ('tests/data/perf/fp.collapse', True),
        ('tests/data/perf/py.collapse', True),
        ('tests/data/perf/fp-crlf.collapse', True),
        ('tests/data/perf/fp-utf16le.collapse', False),
        ('tests/data/perf/fp-utf16be.collapse', False),
        ('@upstream/collapse/keywords.collapse', True),
        ('@upstream/history/collapse/digits.collapse', True),
        ('@upstream/collapse/synapse.collapse', True),
        ('@collapse/threads-fp.collapse', True),
        ('@collapse/gzip9-fp.collapse', True),
        ('@collapse/cycles-fp-pid-kernel.collapse', True),
        ('@collapse/cycles-multievent.collapse', True),
    ],
    'dtrace': [
        ('tests/data/perf/fp.dtrace', True),
        ('@upstream/dtrace/go.dtrace', True),
        ('@upstream/dtrace/rust.dtrace', True),
    ],
    'json': [
        ('tests/data/json/cycle.json', True),
        ('tests/data/json/workload-float.json', True),
        ('tests/data/json/workload.json', True),
        ('tests/data/json/events-first.json', True),
        ('@upstream/json/empty.json', True),
        ('@upstream/json/diamond.json', True),
        ('@upstream/json/cycle.json', True),
        ('@upstream/json/memtrail.leaked.json', True),
        ('@upstream/json/memtrail.maximum.json', True),
    ],
    'hprof': [
        ('tests/data/hprof/quirks.hprof', True),
        ('tests/data/hprof/stop.hprof', True),
        ('tests/data/hprof/samples.hprof', True),
        ('tests/data/hprof/times.hprof', True),
        ('tests/data/hprof/crlf.hprof', True),
        ('@upstream/hprof/jdbc.hprof', True),
        ('@upstream/hprof/hadoop.hprof', True),
    ],
    'axe': [
        ('tests/data/axe/calc.axe', True),
        ('tests/data/axe/calc-slower.axe', True),
        ('tests/data/axe/quirks.axe', True),
        ('@upstream/axe/r000hs_vtune_gprof_2013.axe', True),
        ('@upstream/axe/r000hs_gprof_cc.axe', True),
        ('@upstream/axe/nucleotide.axe', True),
    ],
    'sleepy': [
        ('tests/data/sleepy/toy.sleepy', False),
        ('tests/data/sleepy/toy-lower-crlf.sleepy', False),
        ('tests/data/sleepy/toy-badlines.sleepy', False),
        ('tests/data/sleepy/toy-latin1.sleepy', False),
        ('tests/data/sleepy/bad-no-callstacks.sleepy', False),
        ('tests/data/sleepy/bad-bomb-ratio.sleepy', False),
        ('@upstream/sleepy/val3_sleepy.sleepy', False),
        ('@upstream/sleepy/apitrace.sleepy', False),
    ],
    'sysprof': [
        ('tests/data/sysprof/toy.sysprof', True),
        ('tests/data/sysprof/toy-utf16.sysprof', False),
        ('tests/data/sysprof/toy-fakecallee.sysprof', True),
        ('tests/data/sysprof/bad-loop.sysprof', True),
        ('tests/data/sysprof/bad-laughs.sysprof', True),
        ('@upstream/sysprof/nautilus.sysprof', True),
    ],
    'speedscope': [
        ('tests/data/speedscope/repeated.speedscope.json', True),
        ('tests/data/speedscope/units.speedscope.json', True),
        ('tests/data/speedscope/work-sampled.speedscope.json', True),
        ('tests/data/speedscope/work-austin.speedscope.json', True),
        ('tests/data/speedscope/work-evented.speedscope.json', True),
    ],
    'trace': [
        ('tests/data/trace/nesting.trace.json', True),
        ('tests/data/trace/recursion.trace.json', True),
        ('tests/data/trace/overlap.trace.json', True),
        ('tests/data/trace/unmatched.trace.json', True),
        ('tests/data/trace/threads.trace.json', True),
        ('tests/data/trace/work-be.trace.json', True),
        ('tests/data/trace/clang-cycles.trace.json', True),
    ],
    'xperf': [
        ('tests/data/xperf/calc.xperf', True),
        ('tests/data/xperf/reordered.xperf', True),
        ('tests/data/xperf/repeats.xperf', True),
        ('@upstream/xperf/val3_xperf.xperf', True),
    ],
}

# Merged inputs for the formats that read several files.
MERGES = {
    'pstats': [('tests/data/pstats/synth-merge1.pstats', 'tests/data/pstats/synth-merge2.pstats',
                'tests/data/pstats/synth-merge3.pstats'),
               ('tests/data/pstats/part-f-3.8.pstats', 'tests/data/pstats/part-m-3.8.pstats')],
    'callgrind': [('tests/data/callgrind/threads-sep.callgrind-02', 'tests/data/callgrind/threads-sep.callgrind-03')],
}

# Pipeline seeds: (format, options, source index in SOURCES[format], a
# tuple of such indices for inputs joined at SPLIT (C), or None for the
# second merge of MERGES[format]).
PIPELINE = [
    ('pstats', '', 0), ('pstats', 'n0 e0', 0), ('pstats', 'n0 e0 s w L0167 S', 4),
    ('pstats', 'z*main* d2 kpink', 0), ('pstats', 'l*sleep* n0 e0', 0), ('pstats', 'C n0 e0', None),
    ('pstats', 'c kbw K0.3 t%.3e L46', 9), ('pstats', 'n0 e0 p/usr', 13),
    ('prof', '', 1), ('prof', 'n0 e0', 2), ('prof', 'n0 e0 z* d1', 5), ('prof', 'e0 kgray', 7),
    ('prof', 'n0 e0 S', 9), ('prof', 'n0 e0', 10), ('prof', 'e0 kgray', 15),
    ('callgrind', '', 0), ('callgrind', 'n0 e0 EIr', 1), ('callgrind', 'n0 e0', 3),
    ('perf', 'n0 e0', 0), ('perf', '', 1), ('perf', 'n0 e0 T', 2), ('perf', 'n0 e0', 4),
    ('collapse', 'n0 e0', 0), ('collapse', 'T n0', 1), ('collapse', 'n0 e0 z*main*', 5),
    ('dtrace', 'n0 e0', 0), ('dtrace', 'T', 1),
    ('axe', '', 0), ('axe', 'n0 e0 s', 2), ('axe', 'C n0 e0', (0, 1)), ('axe', 'c z*main* d2', 0),
    ('xperf', '', 0), ('xperf', 'n0 e0 S', 1), ('xperf', 'l*work* n0 e0', 1),
    ('sleepy', 'n0 e0', 0), ('sysprof', 'n0 e0', 0),
    ('json', 'n0 e0', 0), ('hprof', 'n0 e0', 0), ('hprof', 'z* d3', 2),
    ('speedscope', 'n0 e0', 0), ('speedscope', 'n0 e0 T', 2), ('trace', 'n0 e0', 2), ('trace', 'C n0 e0', (0, 1)),
    ('trace', 'n0 e0 z* d2', 6),
]


def source(rel):
    if rel.startswith('@'):
        return os.path.join(SHARED, rel[1:])
    return os.path.join(ROOT, rel)

# Format detection (the format `auto`) and --ignore/--focus/--hide (I, F, H):
# (name, header line, repository file or None, literal body).
AUTO = [
    ('auto-collapse', 'auto n0 e0', None,
     b'main;a;h;x 40\nmain;b;h;y 20\nmain;c 30\nmain;a;z 10\n'),
    ('names-hide', 'auto n0 e0 H^h$', None, b'main;a;h;x 40\nmain;b;h;y 20\nmain;a;h;a 5\n'),
    ('names-focus-ignore', 'auto n0 e0 Fz Ib', None,
     b'main;a;h;x 40\nmain;b;h;z 20\nmain;c 30\nmain;a;z 10\n'),
    ('auto-unknown', 'auto', None, b'hello 12 world\n'),
    ('auto-perf', 'auto n0 e0 H.*', 'tests/data/perf/fp.perf', None),
    ('auto-gprof-hide', 'auto n0 e0 Hfib', 'tests/data/gprof/recur-bq.prof', None),
    ('auto-callgrind', 'auto n0 e0 Ifib', 'tests/data/callgrind/rec-default.callgrind', None),
    ('auto-pstats-focus', 'auto n0 e0 Fmedium', 'samples/myapp.stats', None),
]


def read_seed(rel, text):
    path = source(rel)
    if not os.path.exists(path):
        return None
    data = open(path, 'rb').read()
    if len(data) > SEED_MAX:
        data = data[:SEED_MAX]
        if text and b'\n' in data:
            data = data[:data.rindex(b'\n') + 1]
    return data


def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def prefix(rel):
    return 'shared-' if rel.startswith('@') else 'seed-'


def main():
    for target in list(SOURCES) + ['pipeline']:
        d = os.path.join(HERE, 'corpus', target)
        if os.path.isdir(d):
            for f in os.listdir(d):
                if f.startswith('seed-') or f.startswith('shared-'):
                    os.remove(os.path.join(d, f))
    total = 0
    for target, files in SOURCES.items():
        for rel, text in files:
            data = read_seed(rel, text)
            if data is None:
                continue
            write(target, prefix(rel) + os.path.basename(rel), data)
            total += len(data)
        for k, group in enumerate(MERGES.get(target, [])):
            parts = [read_seed(rel, False) for rel in group]
            if None not in parts:
                data = SPLIT.join(parts)
                write(target, 'seed-merged-%d' % k, data)
                total += len(data)
    for k, (fmt, opts, idx) in enumerate(PIPELINE):
        head = (fmt + (' ' + opts if opts else '')).encode() + b'\n'
        if idx is None:
            group = MERGES[fmt][1]
            body = SPLIT.join(read_seed(rel, False) for rel in group)
            rel = group[0]
        elif isinstance(idx, tuple):
            body = SPLIT.join(read_seed(*SOURCES[fmt][i]) for i in idx)
            rel = SOURCES[fmt][idx[0]][0]
        else:
            rel, text = SOURCES[fmt][idx]
            body = read_seed(rel, text)
            if body is None:
                continue
            if text and len(body) > 8192:
                body = body[:body.rindex(b'\n', 0, 8192) + 1] if b'\n' in body[:8192] else body[:8192]
        write('pipeline', '%s%02d-%s' % (prefix(rel), k, fmt), head + body)
        total += len(head + body)
    for name, head, rel, body in AUTO:
        if rel is not None:
            body = read_seed(rel, True)
            if body is None:
                continue
            if len(body) > 4096 and b'\n' in body[:4096]:
                body = body[:body.rindex(b'\n', 0, 4096) + 1]
        write('pipeline', 'seed-' + name, head.encode() + b'\n' + body)
        total += len(head) + 1 + len(body)
    print('%d bytes of seeds' % total)


main()
