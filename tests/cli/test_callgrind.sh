#!/usr/bin/env bash
# CLI cases of issue 4 item 5 for -f callgrind: bad input gets a message
# naming the file and line with exit 1, or a warning and a graph of what was
# valid; never a crash.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
data=$src/tests/data/callgrind
good=$data/rec-default.callgrind

expect_exit 0 "valgrind file to DOT" -- "$bin" -f callgrind "$good"
expect_match "$out" '^digraph \{' "DOT on stdout"
expect_match "$out" 'fib' "fib is drawn"
[ -z "$err" ] && pass || fail "no warnings on a good file, got: $err"

# Detected without -f.
expect_exit 0 "detected" -- "$bin" "$good"
expect_match "$out" 'fib' "detected: fib is drawn"

# --event chooses a column; an unknown name is a usage error listing the events.
expect_exit 0 "--event Dw" -- "$bin" -f callgrind --event Dw "$data/rec-cachesim.callgrind"
expect_match "$out" '^digraph \{' "--event Dw: DOT"
expect_exit 2 "--event unknown" -- "$bin" -f callgrind --event sysTime "$data/rec-cachesim.callgrind"
expect_match "$err" "^prof2png: $data/rec-cachesim.callgrind:[0-9]+: --event: no event 'sysTime' .*Ir Dr Dw I1mr" \
  "--event unknown: message lists the events"

# Several inputs merge (--separate-threads=yes writes one file per thread).
expect_exit 0 "thread files merged" -- "$bin" -f callgrind -n0 -e0 "$data"/threads-sep.callgrind*
expect_match "$out" 'worker' "worker is drawn"
expect_match "$out" '2×' "worker called by two threads"

# Not callgrind at all.
printf 'Flat profile:\n\nEach sample counts as 0.01 seconds.\n' > "$tmp/gprof.txt"
expect_exit 1 "not callgrind" -- "$bin" -f callgrind "$tmp/gprof.txt" -o "$tmp/out.png"
expect_match "$err" "^prof2png: $tmp/gprof.txt:1: not callgrind.*'Flat profile:'" "not callgrind message"
expect_absent "$tmp/out.png" "not callgrind"
[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "not callgrind: one line on stderr, got: $err"

# A cost line before any events: line.
printf 'version: 1\nfn=main\n16 20\n' > "$tmp/noevents.cg"
expect_exit 1 "no events line" -- "$bin" -f callgrind "$tmp/noevents.cg"
expect_match "$err" "^prof2png: $tmp/noevents.cg:3: .*events:" "no events message"

# Empty input, and headers only: an empty graph, as gprof2dot draws.
: > "$tmp/empty.cg"
expect_exit 0 "empty file" -- "$bin" -f callgrind "$tmp/empty.cg"
expect_match "$out" '^digraph \{' "empty graph"

# Unknown lines, an unknown (id), non-numeric costs: warnings, and the rest drawn.
printf 'events: Ir\nfn=main\n1 10\nfoo: bar\ncfn=(7)\ncalls=1 1\n1 5\n1 *\nfn=(9)\n1 x\n' > "$tmp/odd.cg"
expect_exit 0 "odd lines" -- "$bin" -f callgrind -n0 -e0 "$tmp/odd.cg"
expect_match "$err" "$tmp/odd.cg: warning: line 4: unexpected line skipped: 'foo: bar'" "unknown line warning"
expect_match "$err" "warning: line 5: name id used before it was defined" "unknown id warning"
expect_match "$err" "warning: line 8: cost line whose cost is not a number" "non-numeric cost warning"
expect_match "$out" 'main' "main is drawn"

# Truncated at every length: never a crash, never a hang.
size=$(stat -c %s "$good")
bad=0
for n in $(seq 1 37 "$size"); do
  head -c "$n" "$good" > "$tmp/trunc.cg"
  timeout 10 "$bin" -f callgrind "$tmp/trunc.cg" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -gt 1 ]; then
    bad=$((bad + 1)); echo "truncated at $n: exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$bad" -eq 0 ] && pass || fail "truncated files: $bad crashes"

# The last line cut short: a warning that says so.
head -c 2000 "$good" > "$tmp/cut.cg"
expect_exit 0 "cut file" -- "$bin" -f callgrind "$tmp/cut.cg"
expect_match "$err" "no line end: the file may be truncated" "truncation warning"

# A very long line (2 MiB name): skipped with a warning.
{ printf 'events: Ir\nfn=main\n1 1\nfn='; head -c 2097152 /dev/zero | tr '\0' 'x'; printf '\n1 2\n'; } > "$tmp/long.cg"
expect_exit 0 "long line" -- "$bin" -f callgrind "$tmp/long.cg"
expect_match "$err" "line 4: name longer than 1 MiB" "long line warning"

# A UTF-8 byte-order mark does not empty the graph (gprof2dot's does).
printf '\xef\xbb\xbfevents: Ir\nfn=main\n1 1\n' > "$tmp/bom.cg"
expect_exit 0 "BOM" -- "$bin" -f callgrind "$tmp/bom.cg"
expect_match "$out" 'main' "BOM: main is drawn"

finish
