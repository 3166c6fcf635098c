#!/usr/bin/env bash
# Issue 9 items 1 and 2: format detection without -f, compressed input
# (gzip, zstd) told by content, and `-` as stdin for every format.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
data=$src/tests/data

# Every input of tests/data with the format it is: without -f it draws the
# graph that -f draws.  (threads-sep.callgrind is the empty base file of a
# --separate-threads run: nothing to detect; see below.)
cases="
pstats samples/myapp.stats
prof tests/data/gprof/recur-default.prof
prof tests/data/gprof/recur-b.prof
prof tests/data/gprof/recur-bq.prof
prof tests/data/gprof/recur-q.prof
prof tests/data/gprof/recur-T.prof
prof tests/data/gprof/recur-bqT.prof
prof tests/data/gprof/recur-bq-bom.prof
prof tests/data/gprof/recur-bq-utf16le.prof
prof tests/data/gprof/recur-bq-utf16be.prof
prof tests/data/gprof/cxx-b.prof
callgrind tests/data/callgrind/rec-default.callgrind
callgrind tests/data/callgrind/rec-cachesim.callgrind
callgrind tests/data/callgrind/rec.cachegrind
callgrind tests/data/callgrind/threads-sep.callgrind-01
perf tests/data/perf/fp.perf
perf tests/data/perf/dwarf.perf
perf tests/data/perf/nocallgraph.perf
perf tests/data/perf/py.perf
collapse tests/data/perf/fp.collapse
collapse tests/data/perf/py.collapse
collapse tests/data/perf/fp-crlf.collapse
collapse tests/data/perf/fp-utf16le.collapse
collapse tests/data/perf/fp-utf16be.collapse
dtrace tests/data/perf/fp.dtrace
"
while read -r fmt f; do
  [ -n "$fmt" ] || continue
  "$bin" -f "$fmt" -n0 -e0 "$src/$f" > "$tmp/want.dot" 2>/dev/null
  expect_exit 0 "detect $f" -- "$bin" -n0 -e0 "$src/$f"
  if [ "$out" = "$(cat "$tmp/want.dot")" ]; then pass; else fail "detect $f: not the graph of -f $fmt"; fi
done <<< "$cases"
for f in "$data"/pstats/*-3.1[0-3].pstats "$data"/pstats/*-2.7.pstats; do
  "$bin" -f pstats "$f" > "$tmp/want.dot" 2>/dev/null
  "$bin" "$f" > "$tmp/got.dot" 2>/dev/null && cmp -s "$tmp/want.dot" "$tmp/got.dot" && pass ||
    fail "detect $(basename "$f") as pstats"
done

# Merged inputs are all sniffed, and must agree.
expect_exit 0 "callgrind threads" -- "$bin" "$data"/callgrind/threads-sep.callgrind-0[123]
expect_exit 1 "mixed formats" -- "$bin" "$data/callgrind/threads-sep.callgrind-01" "$data/perf/fp.perf"
expect_match "$err" "looks like perf, but .* looks like callgrind; give the format with -f" "mixed formats message"

# An input no sniffer knows: exit 1 and the list of the formats tried.
printf 'hello world\nthis is no profile\n' > "$tmp/unknown.txt"
expect_exit 1 "unknown input" -- "$bin" "$tmp/unknown.txt"
expect_match "$err" "unknown.txt: cannot tell the format of this input: it looks like none of the formats tried \(pstats, callgrind, prof, perf, collapse, dtrace[,)]" "unknown input lists the formats tried"
expect_match "$err" "give it with -f" "unknown input asks for -f"
: > "$tmp/empty"
expect_exit 1 "empty input" -- "$bin" "$tmp/empty"
expect_match "$err" "formats tried" "empty input lists the formats tried"
# Two signatures at once: ambiguous, both named.
printf 'Flat profile:\n\nevents: Ir\n' > "$tmp/both.txt"
expect_exit 1 "ambiguous input" -- "$bin" "$tmp/both.txt"
expect_match "$err" "it could be callgrind or prof; give it with -f" "ambiguous input names both"
# -f wins over what the bytes look like.
expect_exit 1 "-f wins" -- "$bin" -f collapse "$data/gprof/recur-bq.prof"
expect_match "$err" "recur-bq.prof" "-f collapse parses as collapse"

# Compressed input: gzip and zstd, told by content, for every format; a
# compressed file with any name, or on stdin, draws the plain file's graph.
have_zstd=1
command -v zstd > /dev/null || { have_zstd=0; echo "note: no zstd program, zstd cases skipped (apt-get install zstd)"; }
while read -r fmt f; do
  [ -n "$fmt" ] || continue
  b=$(basename "$f")
  "$bin" -f "$fmt" -n0 -e0 "$src/$f" > "$tmp/want.dot" 2>/dev/null
  gzip -9 -c "$src/$f" > "$tmp/$b.gz"
  cp "$tmp/$b.gz" "$tmp/$b-no-extension"
  set -- "$tmp/$b.gz" "$tmp/$b-no-extension"
  if [ $have_zstd = 1 ]; then
    zstd -q -c "$src/$f" > "$tmp/$b.zst"
    set -- "$@" "$tmp/$b.zst"
  fi
  for z in "$@"; do
    "$bin" -n0 -e0 "$z" > "$tmp/got.dot" 2> "$tmp/e" && cmp -s "$tmp/want.dot" "$tmp/got.dot" && pass ||
      fail "$(basename "$z"): not the graph of the plain file ($(cat "$tmp/e"))"
    "$bin" -f "$fmt" -n0 -e0 - < "$z" > "$tmp/got.dot" 2> "$tmp/e" && cmp -s "$tmp/want.dot" "$tmp/got.dot" && pass ||
      fail "$(basename "$z") on stdin: not the graph of the plain file ($(cat "$tmp/e"))"
  done
done <<< "$(printf '%s\n' "$cases" | awk 'NF && !seen[$1]++')"

# `-` is stdin for every format, pstats (binary) included, with or without -f.
for fmt_f in "pstats samples/myapp.stats" "callgrind tests/data/callgrind/rec-default.callgrind" \
             "prof tests/data/gprof/recur-bq.prof" "perf tests/data/perf/fp.perf" \
             "collapse tests/data/perf/fp.collapse" "dtrace tests/data/perf/fp.dtrace"; do
  set -- $fmt_f
  "$bin" -f "$1" "$src/$2" > "$tmp/want.dot" 2>/dev/null
  "$bin" -f "$1" - < "$src/$2" > "$tmp/got.dot" 2>/dev/null && cmp -s "$tmp/want.dot" "$tmp/got.dot" && pass ||
    fail "$1 on stdin with -f"
  "$bin" - < "$src/$2" > "$tmp/got.dot" 2>/dev/null && cmp -s "$tmp/want.dot" "$tmp/got.dot" && pass ||
    fail "$1 on stdin, detected"
done
# pstats merges take stdin as one of their inputs
"$bin" "$data/pstats/part-b-3.12.pstats" "$data/pstats/part-f-3.12.pstats" > "$tmp/want.dot"
"$bin" "$data/pstats/part-b-3.12.pstats" - < "$data/pstats/part-f-3.12.pstats" > "$tmp/got.dot" &&
  cmp -s "$tmp/want.dot" "$tmp/got.dot" && pass || fail "pstats merge with stdin"

# Damaged compressed input: a clear error and exit 1, never a shorter graph.
gzip -9 -c "$src/samples/myapp.stats" > "$tmp/ok.gz"
size=$(wc -c < "$tmp/ok.gz")
head -c $((size / 2)) "$tmp/ok.gz" > "$tmp/half.gz"
expect_exit 1 "truncated gzip" -- "$bin" "$tmp/half.gz"
expect_match "$err" "^prof2png: .*half.gz: gzip input ends too early: .*; the file is truncated$" "truncated gzip message"
head -c $((size - 4)) "$tmp/ok.gz" > "$tmp/notrailer.gz"
expect_exit 1 "gzip without its trailer" -- "$bin" "$tmp/notrailer.gz"
expect_match "$err" "gzip input ends too early" "gzip without its trailer message"
expect_exit 1 "truncated gzip on stdin" -- sh -c "'$bin' - < '$tmp/half.gz'"
expect_match "$err" "<stdin>: gzip input ends too early" "truncated gzip on stdin names stdin"
# a flipped byte in the deflate data: corrupt (or a CRC mismatch)
python3 -c "
import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[len(b) // 2] ^= 0xff
open(sys.argv[2], 'wb').write(b)" "$tmp/ok.gz" "$tmp/bad.gz"
expect_exit 1 "corrupt gzip" -- "$bin" "$tmp/bad.gz"
expect_match "$err" "gzip input is corrupt|gzip input ends too early" "corrupt gzip message"
# trailing bytes that are no gzip member
{ cat "$tmp/ok.gz"; printf 'junk'; } > "$tmp/junk.gz"
expect_exit 1 "gzip with trailing junk" -- "$bin" "$tmp/junk.gz"
expect_match "$err" "not another gzip member" "trailing junk message"
# two members in a row: one input, as gzip -d reads it
{ gzip -c "$data/perf/fp.collapse"; gzip -c "$data/perf/py.collapse"; } > "$tmp/two.gz"
cat "$data/perf/fp.collapse" "$data/perf/py.collapse" > "$tmp/two.collapse"
"$bin" "$tmp/two.collapse" > "$tmp/want.dot"
expect_exit 0 "two gzip members" -- "$bin" "$tmp/two.gz"
[ "$out" = "$(cat "$tmp/want.dot")" ] && pass || fail "two gzip members: not the graph of both files"
if [ $have_zstd = 1 ]; then
  zstd -q -c "$src/samples/myapp.stats" > "$tmp/ok.zst"
  size=$(wc -c < "$tmp/ok.zst")
  head -c $((size - 3)) "$tmp/ok.zst" > "$tmp/cut.zst"
  expect_exit 1 "truncated zstd" -- "$bin" "$tmp/cut.zst"
  expect_match "$err" "cut.zst: zstd input ends too early: .*; the file is truncated$" "truncated zstd message"
  { cat "$tmp/ok.zst"; printf 'junkjunk'; } > "$tmp/junk.zst"
  expect_exit 1 "zstd with trailing junk" -- "$bin" "$tmp/junk.zst"
  expect_match "$err" "zstd input is corrupt" "zstd trailing junk message"
fi
# an empty gzip stream is an empty input
printf '' | gzip -c > "$tmp/empty.gz"
expect_exit 1 "empty gzip" -- "$bin" "$tmp/empty.gz"
expect_match "$err" "formats tried" "empty gzip: nothing to detect"

finish
