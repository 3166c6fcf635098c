#!/usr/bin/env bash
# Remake the callgrind/cachegrind test inputs in this folder from rec.c and
# threads.c.  Needs a C compiler and valgrind.  The outputs name this
# machine's paths and pids; the tests only rely on their structure.
#
#   rec-default.callgrind        callgrind, default options
#   rec-instr.callgrind          --dump-instr=yes (positions: instr line)
#   rec-jumps.callgrind          --dump-instr=yes --collect-jumps=yes (jump=, jcnd=, jfi=)
#   rec-nocompress.callgrind     --compress-strings=no --compress-pos=no
#   rec-sepcallers2.callgrind    --separate-callers=2 (fn names with ' contexts)
#   rec-cachesim.callgrind       --cache-sim=yes --branch-sim=yes (13 events, for --event)
#   rec.cachegrind               cachegrind: no calls
#   threads-sep.callgrind-NN     --separate-threads=yes, one file per thread
#
# --toggle-collect keeps out the C library's start-up code, to keep the
# files small; cachegrind has no such option, so its file is larger.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc=${CC:-cc}
"$cc" -O1 -g -fno-omit-frame-pointer -o "$tmp/rec" "$here/rec.c"
"$cc" -O1 -g -fno-omit-frame-pointer -pthread -o "$tmp/threads" "$here/threads.c"
cg() { out=$1; shift
  valgrind --tool=callgrind --toggle-collect=main --callgrind-out-file="$here/$out" "$@" >/dev/null 2>&1; }
cd "$tmp"
cg rec-default.callgrind ./rec 12
cg rec-instr.callgrind --dump-instr=yes ./rec 12
cg rec-jumps.callgrind --dump-instr=yes --collect-jumps=yes ./rec 12
cg rec-nocompress.callgrind --compress-strings=no --compress-pos=no ./rec 12
cg rec-sepcallers2.callgrind --separate-callers=2 ./rec 12
cg rec-cachesim.callgrind --cache-sim=yes --branch-sim=yes ./rec 12
valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file="$here/rec.cachegrind" ./rec 12 >/dev/null 2>&1
rm -f "$here"/threads-sep.callgrind*
valgrind --tool=callgrind --toggle-collect=worker --toggle-collect=main --separate-threads=yes \
  --callgrind-out-file="$here/threads-sep.callgrind" ./threads >/dev/null 2>&1
chmod 644 "$here"/*.callgrind* "$here"/*.cachegrind
ls -l "$here"
