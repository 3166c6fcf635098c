#!/bin/sh
# Make the trace test files: clang -ftime-trace over three of this
# project's own sources (C, as the build compiles them), and pytrace.py's
# traces of a Python program.  Run from anywhere:
#   sh tests/data/trace/make.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"
for src in src/parse/jscan.c src/util/buf.c src/analyse/cycles.c; do
  name=$(basename "$src" .c)
  # granularity 50 us: a smaller file, the same shape
  clang -std=gnu11 -O2 -D_GNU_SOURCE -Iinclude -Isrc -ftime-trace -ftime-trace-granularity=50 \
    -c "$src" -o "$tmp/$name.o"
  # clang names the trace after the object file
  python3 -c 'import json,sys; json.dump(json.load(open(sys.argv[1])), open(sys.argv[2], "w"), separators=(",", ":"))' \
    "$tmp/$name.json" "$here/clang-$name.trace.json"
done
python3 "$here/pytrace.py"
