#!/bin/sh
# Regenerate tests/data/pstats/*.pstats: cProfile and profile runs of
# pstats_workload.py under every pyenv Python, merged files, and the
# hand-made files of pstats_synth.py.  Run from anywhere:
#     sh tests/data/make_pstats.sh
# Times differ from run to run; the tests only rely on names, call counts,
# and on relations between times that hold for every run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/pstats
pyenv=${PYENV_ROOT:-/root/.pyenv}/versions
mkdir -p "$out"
# Run in tests/data with a relative script name, so that the files record
# "pstats_workload.py" and not a path of this machine.
cd "$here"
for v in 2.7.18 3.6.15 3.7.16 3.8.18 3.9.18 3.10.13 3.11.7 3.12.1 3.13.0; do
    py=$pyenv/$v/bin/python
    short=$(echo "$v" | cut -d. -f1,2)
    for prof in cProfile profile; do
        "$py" -m $prof -o "$out/work-$short-$prof.pstats" pstats_workload.py
    done
    # three partial runs, and pstats' own merge of them
    "$py" -m cProfile -o "$out/part-f-$short.pstats" pstats_workload.py f
    "$py" -m cProfile -o "$out/part-m-$short.pstats" pstats_workload.py m
    "$py" -m cProfile -o "$out/part-b-$short.pstats" pstats_workload.py b
    "$py" -c '
import pstats, sys
pstats.Stats(*sys.argv[2:]).dump_stats(sys.argv[1])
' "$out/merged-fmb-$short.pstats" "$out/part-f-$short.pstats" "$out/part-m-$short.pstats" "$out/part-b-$short.pstats"
done
"$pyenv/3.11.7/bin/python" pstats_synth.py "$out"
