#!/usr/bin/env bash
# Make the gprof text outputs used by tests/unit/test_gprof.c and
# tests/cli/test_gprof.sh: build recur.c and cxx.cc with -pg, run them, and
# write gprof's output in the variants prof2png must read.
#   usage: tests/data/gprof/make.sh      (needs gcc, g++ and GNU gprof)
# Times are sampled, so they change from run to run; call counts do not, and
# they are what the tests check.  Outputs are made with LC_ALL=C.
set -eu
cd "$(dirname "$0")"
export LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

gcc -O1 -g -pg -fno-inline -fno-omit-frame-pointer -o "$tmp/recur" recur.c
g++ -O1 -g -pg -fno-inline -fno-omit-frame-pointer -o "$tmp/cxx" cxx.cc
(cd "$tmp" && ./recur > /dev/null && mv gmon.out recur.gmon)
(cd "$tmp" && ./cxx > /dev/null && mv gmon.out cxx.gmon)

r() { gprof "$@" "$tmp/recur" "$tmp/recur.gmon"; }
c() { gprof "$@" "$tmp/cxx" "$tmp/cxx.gmon"; }

r > recur-default.prof          # flat profile, call graph, explanations, index
r -b > recur-b.prof             # no explanations
r -q > recur-q.prof             # call graph only
r -b -q > recur-bq.prof
r -z > recur-z.prof             # zero-use functions too
r -T > recur-T.prof             # traditional BSD layout
r -b -q -T > recur-bqT.prof
r -b -q -l > recur-bql.prof     # line-by-line entries
r -p > recur-p.prof             # flat profile only: no call graph
r -b -p > recur-bp.prof
c -b > cxx-b.prof               # demangled C++ names
c -b -q --no-demangle > cxx-bq-nodemangle.prof
# Transcoded copies: UTF-16LE with CRLF line ends (as Windows PowerShell
# writes them), UTF-16BE, and UTF-8 with a byte-order mark.
{ printf '\xff\xfe'; sed 's/$/\r/' recur-bq.prof | iconv -f UTF-8 -t UTF-16LE; } > recur-bq-utf16le.prof
{ printf '\xfe\xff'; iconv -f UTF-8 -t UTF-16BE < recur-bq.prof; } > recur-bq-utf16be.prof
{ printf '\xef\xbb\xbf'; cat recur-bq.prof; } > recur-bq-bom.prof
ls -l ./*.prof
