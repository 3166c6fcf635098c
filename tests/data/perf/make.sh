#!/bin/sh
# Regenerate the perf, collapse and dtrace test inputs in tests/data/perf:
# `perf script` text of short runs of stacks.c (and of pyfib.py under
# Python 3.12's -X perf, for py:: frame names), and the collapsed-stack and
# DTrace forms derived from them by derive.py.  Needs Linux perf (the
# cpu-clock software event is enough), a C compiler, python3, and for
# py.perf a Python >= 3.12 (PY312, default: pyenv's 3.12.1 or python3.12).
# Run from anywhere:
#     sh tests/data/perf/make.sh
# Few samples are taken, so that the files stay small.  Samples differ from
# run to run: the tests rely on names, stack shapes and relations that hold
# for every run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=${TMPDIR:-/tmp}/p2p-perf-data
rm -rf "$work"
mkdir -p "$work"
# -O0: no tail calls, so that every function keeps its frame
cc -O0 -fno-omit-frame-pointer -g -o "$work/stacks" "$here/stacks.c"

# rec NAME PERF-RECORD-ARGS...: record, then write NAME.perf
rec() {
    name=$1
    shift
    perf record -q -o "$work/$name.data" "$@" > /dev/null 2>&1
    perf script -i "$work/$name.data" 2> /dev/null > "$here/$name.perf"
}
# frame pointers, DWARF unwinding, no call graph, two events
rec fp -e cpu-clock:u -F 200 -g -- "$work/stacks" 800
rec dwarf -e cpu-clock:u -F 200 --call-graph dwarf,8192 -- "$work/stacks" 400
rec nocallgraph -e cpu-clock:u -F 200 -- "$work/stacks" 600
rec multievent -e cpu-clock:u -e page-faults:u -F 200 -g -- "$work/stacks" 400

# Python functions as py::NAME:FILE frames (Python >= 3.12 -X perf); run
# from here so that FILE is the short name
py=${PY312:-}
[ -n "$py" ] || py=$(ls "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 2> /dev/null | head -1)
[ -n "$py" ] || py=$(command -v python3.12 || true)
if [ -n "$py" ]; then
    # DWARF unwinding: the interpreter has no frame pointers; the script's
    # directory is cut from the py:: names, and perf's map files removed
    rec py -e cpu-clock:u -F 100 --call-graph dwarf,16384 -- "$py" -X perf "$here/pyfib.py" 60
    grep -o '/tmp/perf-[0-9]*\.map' "$here/py.perf" | sort -u | xargs rm -f
    sed -i "s#$here/##g" "$here/py.perf"
else
    echo "make.sh: no Python 3.12: py.perf kept as it is" >&2
fi

# derived forms
python3 "$here/derive.py" collapse "$here/fp.perf" "$here/fp.collapse"
python3 "$here/derive.py" collapse "$here/py.perf" "$here/py.collapse"
python3 "$here/derive.py" encode "$here/fp.collapse" "$here/fp-utf16le.collapse" utf-16-le
python3 "$here/derive.py" encode "$here/fp.collapse" "$here/fp-utf16be.collapse" utf-16-be
python3 "$here/derive.py" encode "$here/fp.collapse" "$here/fp-crlf.collapse" crlf
python3 "$here/derive.py" dtrace "$here/fp.perf" "$here/fp.dtrace"
rm -rf "$work"
ls -l "$here"
