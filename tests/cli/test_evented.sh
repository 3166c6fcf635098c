#!/usr/bin/env bash
# CLI cases of `-f speedscope` and `-f trace` (src/parse/speedscope.c,
# src/parse/trace.c): the independent oracle (evented_oracle.py) on every
# file of tests/data/speedscope and tests/data/trace; the hand-worked cases'
# numbers; threads, units, detection, compressed and standard input, the
# options every format must honour; and bad input: exit 1 with one line
# naming the file and the byte or the event, no output file.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
ss=$src/tests/data/speedscope
tr=$src/tests/data/trace
py=/usr/bin/python3
[ -x "$py" ] || py=python3

# The oracle: every function's self and total share, every edge's calls.
for f in "$ss"/*.json "$tr"/*.json; do
  [ "$(basename "$f")" = units.speedscope.json ] && continue # two kinds of unit: see below
  if "$py" "$src/tests/cli/evented_oracle.py" "$bin" "$f" > "$tmp/oracle" 2>&1; then pass
  else fail "oracle differs on $(basename "$f"): $(cat "$tmp/oracle")"; fi
done
for t in MainThread worker; do
  "$py" "$src/tests/cli/evented_oracle.py" "$bin" "$tr/work-be.trace.json" --thread "$t" > "$tmp/oracle" 2>&1 \
    && pass || fail "oracle --thread $t: $(cat "$tmp/oracle")"
done
for a in "work-sampled.speedscope.json worker" "units.speedscope.json alloc" "units.speedscope.json cpu"; do
  set -- $a
  "$py" "$src/tests/cli/evented_oracle.py" "$bin" "$ss/$1" --thread "$2" > "$tmp/oracle" 2>&1 \
    && pass || fail "oracle $1 --thread $2: $(cat "$tmp/oracle")"
done

# node NAME TOTAL SELF [CALLS]: the node's label in $out
node() {
  local calls=${4:+\\\\n$4}
  expect_match "$out" "label=\"$1\\\\n$2%\\\\n\\($3%\\)$calls\"" "node $1"
}
# Hand-worked cases (docs/formats/trace.md, docs/formats/speedscope.md).
expect_exit 0 "nesting" -- "$bin" -n0 -e0 "$tr/nesting.trace.json"
node main 100.00 50.00 1×; node a 40.00 30.00 1×; node b 20.00 20.00 2×
expect_exit 0 "recursion" -- "$bin" -n0 -e0 "$tr/recursion.trace.json"
node f 100.00 90.00 3×; node g 10.00 10.00 1×
expect_match "$out" '0 -> 0 \[.*label="2×"' "recursion: f -> f twice"
expect_exit 0 "overlap" -- "$bin" -n0 -e0 "$tr/overlap.trace.json"
node main 100.00 30.00 1×; node a 50.00 40.00 1×; node b 30.00 30.00 1×
expect_match "$out" '0 -> 2 \[.*label="20.00%\\n0×"' "overlap: b's rest under main, no call"
expect_match "$err" 'warning: 1 event overlap .*traceEvents\[2\] begins in traceEvents\[1\]' "overlap warned"
expect_exit 0 "unmatched" -- "$bin" -n0 -e0 "$tr/unmatched.trace.json"
node main 75.00 50.00 1×; node a 25.00 25.00 1×; node tail 25.00 5.00 1×; node leaf 20.00 20.00 1×
expect_match "$err" 'ignored 1 E event .*traceEvents\[4\]' "unmatched E warned"
expect_match "$err" '1 B event never closed .*traceEvents\[5\]' "unclosed B warned"
expect_exit 0 "repeated (speedscope evented)" -- "$bin" -n0 -e0 "$ss/repeated.speedscope.json"
node main 100.00 40.00 1×; node f 50.00 40.00 2×; node g 20.00 20.00 2×
expect_exit 0 "units: bytes" -- "$bin" -n0 -e0 "$ss/units.speedscope.json" --thread alloc --show-samples
expect_match "$out" 'main\\n100.00%\\n\(10.00%\)' "bytes: main" 
expect_match "$out" 'alloc\\n90.00%\\n\(90.00%\)' "bytes: two alloc frames (lines 10, 12) are one function"
expect_match "$out" '4.50 kB|4608' "bytes: the value in bytes"
expect_exit 1 "units: bytes and time together" -- "$bin" "$ss/units.speedscope.json"
expect_match "$err" "profiles\[2\] \('cpu'\) measures a time, but profiles\[0\] \('alloc A'\) bytes.*--thread" "mixed units"
expect_exit 0 "units: nanoseconds" -- "$bin" "$ss/units.speedscope.json" --thread cpu --stats
expect_match "$out" '3 functions in 0.003 s' "nanoseconds as seconds"

# Threads.
expect_exit 0 "--list-threads" -- "$bin" --list-threads "$tr/threads.trace.json"
expect_match "$out" '0.003 s +75.00% +2  app \(pid 7\) / main \(tid 1\)' "thread label and total"
expect_match "$out" 'app \(pid 7\) / io \(tid 2\)' "second thread"
expect_exit 0 "--thread io" -- "$bin" -n0 -e0 --thread 'io' "$tr/threads.trace.json"
node run 100.00 50.00 1×; node 'read: config.ini' 50.00 50.00 1×
expect_exit 1 "--thread matching none" -- "$bin" --thread nothing "$tr/threads.trace.json"
expect_match "$err" "matches none of the 2 threads" "--thread: none"
expect_exit 0 "--list-threads speedscope" -- "$bin" --list-threads "$ss/work-evented.speedscope.json"
expect_match "$out" 'MainThread' "speedscope: profile names are threads"

# Detection, compressed and standard input.
for f in "$ss"/*.json; do
  expect_exit 0 "detect $(basename "$f")" -- "$bin" --thread '^(MainThread|alloc A|main thread|Thread)' "$f"
done
for f in "$tr"/*.json; do
  expect_exit 0 "detect $(basename "$f")" -- "$bin" "$f"
done
gzip -c "$tr/nesting.trace.json" > "$tmp/n.json.gz"
expect_exit 0 "gzip" -- "$bin" -n0 "$tmp/n.json.gz"
node main 100.00 50.00 1×
expect_exit 0 "stdin" -- sh -c "'$bin' -n0 - < '$ss/repeated.speedscope.json'"
node f 50.00 40.00 2×
if command -v zstd > /dev/null; then
  zstd -q -c "$tr/nesting.trace.json" > "$tmp/n.json.zst"
  expect_exit 0 "zstd" -- "$bin" -n0 "$tmp/n.json.zst"
  node b 20.00 20.00 2×
fi

# The options every format honours.
expect_exit 0 "--total callratios" -- "$bin" -n0 -e0 --total callratios "$tr/recursion.trace.json"
expect_exit 0 "--stats" -- "$bin" --stats "$ss/repeated.speedscope.json"
expect_match "$out" '5 function calls in 0.01 s' "--stats: calls and total"
expect_exit 0 "--tooltips" -- "$bin" --tooltips "$ss/repeated.speedscope.json"
expect_match "$out" 'tooltip="f\\nfile: app.py:5\\n' "tooltip: file and line"
expect_match "$out" 'self: 4 ms|self: 0.004 s|self: 4.00 ms' "tooltip: self in seconds"
expect_exit 0 "--href" -- "$bin" --href 'src/{file}#L{line}' "$ss/repeated.speedscope.json"
expect_match "$out" 'URL="src/lib.py#L9"' "--href with file and line"
expect_exit 0 "--hide" -- "$bin" -n0 -e0 --hide '^a$' "$tr/nesting.trace.json"
[[ "$out" != *'label="a\n'* ]] && pass || fail "--hide a: still drawn"
expect_exit 0 "--focus" -- "$bin" -n0 -e0 --focus '^b$' "$tr/nesting.trace.json"
expect_match "$out" 'label="b\\n' "--focus keeps b"
expect_exit 0 "--ignore" -- "$bin" -n0 -e0 --ignore '^Source' "$tr/clang-buf.trace.json"
[[ "$out" != *'label="Source'* ]] && pass || fail "--ignore Source: still drawn"
expect_exit 0 "--max-nodes" -- "$bin" -n0 -e0 --max-nodes 5 "$tr/clang-jscan.trace.json"
[ "$(printf '%s\n' "$out" | grep -c 'label=".*%.*(.*%)')" -le 5 ] && pass || fail "--max-nodes 5: more nodes"
expect_exit 0 "--compare" -- "$bin" --compare "$tr/work-be.trace.json" "$tr/work-x.trace.json"
expect_exit 0 "clang totals skipped" -- "$bin" "$tr/clang-buf.trace.json"
expect_match "$err" 'skipped 90 clang "Total \.\.\." events' "clang totals: note"

# bad FORMAT DOC MESSAGE-REGEX DESCRIPTION: exit 1, one line, no output.
bad() {
  printf '%s' "$2" > "$tmp/bad.json"
  expect_exit 1 "$4" -- "$bin" -f "$1" "$tmp/bad.json" -o "$tmp/out.png"
  expect_match "$err" "^prof2png: $tmp/bad.json(:[0-9]+)?: .*$3" "$4: message"
  [ "$(printf '%s\n' "$err" | grep -vc ': warning: ')" -eq 1 ] && pass || fail "$4: one line on stderr, got: $err"
  expect_absent "$tmp/out.png" "$4"
}
S='{"$schema":"https://www.speedscope.app/file-format-schema.json","shared":{"frames":[{"name":"a"},{"name":"b"}]},'
E='"profiles":[{"type":"evented","name":"t","unit":"seconds","startValue":0,"endValue":9,"events":'
bad speedscope '' 'expected a speedscope JSON file, found an empty input' "empty"
bad speedscope "$S$E"'[{"type":"O","frame":0,"at":0},{"type":"C","frame":1,"at":1}]}]}' \
  "profiles\[0\]\.events\[1\]: closes frame 1 \('b'\) but the innermost open frame is 0 \('a', opened by events\[0\]\)" "close not on top"
bad speedscope "$S$E"'[{"type":"O","frame":0,"at":5},{"type":"C","frame":0,"at":4}]}]}' \
  'profiles\[0\]\.events\[1\]\.at: 4 comes before the previous event.s 5' "at going back"
bad speedscope "$S$E"'[{"type":"O","frame":0,"at":0},{"type":"O","frame":1,"at":1}]}]}' \
  "profiles\[0\]: frame 1 \('b'\) opened by events\[1\] is never closed \(2 frames left open" "left open"
bad speedscope "$S$E"'[{"type":"C","frame":0,"at":0}]}]}' "closes frame 0 \('a'\) but no frame is open" "close with none open"
bad speedscope "$S$E"'[{"type":"O","frame":2,"at":0}]}]}' 'events\[0\]\.frame: expected a frame index from 0 to 1, found 2' "frame out of range"
bad speedscope "$S$E"'[{"type":"X","frame":0,"at":0}]}]}' 'events\[0\]\.type: expected "O" or "C", found "X"' "bad type"
bad speedscope "$S"'"profiles":[{"type":"sampled","unit":"none","samples":[[0],[1]],"weights":[1]}]}' \
  'profiles\[0\]: more samples than the 1 weights' "samples and weights"
bad speedscope "$S"'"profiles":[{"type":"sampled","unit":"none","samples":[[0]],"weights":[-1]}]}' \
  'weights\[0\]: expected a finite weight of 0 or more, found -1' "negative weight"
bad speedscope "$S"'"profiles":[{"type":"sampled","unit":"parsecs","samples":[],"weights":[]}]}' \
  'profiles\[0\]\.unit: expected none, nanoseconds' "unknown unit"
bad speedscope "$S$E"'[{"type":"O","frame":0,"at":1e999}]}]}' 'events\[0\]\.at: expected a finite number' "huge at"
bad speedscope "$S$E"'[{"type":"O","frame":0,"at":NaN}]}]}' 'NaN and Infinity are not JSON numbers' "NaN"
bad speedscope "$S$E"'[{"type":"O","frame":0,"at":0}' 'invalid JSON: expected .*found the end of the input' "truncated"
bad speedscope '{"profiles":[]}' 'expected a top-level "shared" \(with "frames"\) key, found none' "no frames"
bad speedscope "$S"'"profiles":[]}' 'the profiles hold no samples or events' "no profiles"
bad speedscope "{\"x\":$(printf '[%.0s' $(seq 2000))" 'JSON nested deeper than 512 levels \(byte 516\)' "deep nesting"
T='{"traceEvents":['
bad trace '' 'expected a JSON trace, found an empty input' "empty"
bad trace '{"other":[]}' 'expected a "traceEvents" array in the top-level object, found none' "no traceEvents"
bad trace '"x"' 'the trace: expected an array of events or an object with "traceEvents", found a string' "a string"
bad trace "$T"'{"ph":"X","ts":0,"dur":1,"pid":1,"tid":1,"name":"a"}' 'invalid JSON: expected .*found the end of the input' "object truncated"
bad trace "$T"'{"ph":"X","ts":0,"dur":1,"name":"a"}, 7]}' 'traceEvents\[1\]: expected an object \(an event\), found a number' "not an event"
bad trace "$T"'{"ph":"C","ts":0}]}' 'the trace holds no X or B events' "no drawable events"
bad trace "[{\"args\":$(printf '[%.0s' $(seq 100000))" 'JSON nested deeper than 512 levels \(byte 519\)' "100,000 ["
# the array format may lack its ']', after an event or a comma
printf '[{"ph":"X","ts":0,"dur":4,"pid":1,"tid":1,"name":"a"},\n' > "$tmp/open.json"
expect_exit 0 "array without ']'" -- "$bin" -n0 "$tmp/open.json"
node a 100.00 100.00 1×
# events that cannot be read are skipped with a warning naming the first
printf '[{"ph":"X","ts":"0","dur":4,"pid":1,"tid":1,"name":"a"},{"ph":"X","ts":1,"dur":-4,"name":"b"},{"ph":"X","ts":0,"dur":4,"name":"c"}]' > "$tmp/skip.json"
expect_exit 0 "unreadable events" -- "$bin" -n0 "$tmp/skip.json"
expect_match "$err" 'skipped 2 events that could not be read \(the first: traceEvents\[0\]\.ts: expected a number, found a string\)' "unreadable: note"

# 100,000 nested B events and O events: drawn, no recursion, in time.
"$py" - "$tmp" <<'PY'
import sys
d = sys.argv[1]
n = 100000
with open(d + '/deep.trace.json', 'w') as f:
    f.write('[' + ','.join('{"ph":"B","ts":%d,"pid":1,"tid":1,"name":"f%d"}' % (i, i % 7) for i in range(n)))
    f.write(',' + ','.join('{"ph":"E","ts":%d,"pid":1,"tid":1}' % (n + i) for i in range(n)) + ']')
with open(d + '/deep.speedscope.json', 'w') as f:
    f.write('{"shared":{"frames":[' + ','.join('{"name":"f%d"}' % i for i in range(7)) + ']},"profiles":[')
    f.write('{"type":"evented","name":"t","unit":"none","events":[')
    f.write(','.join('{"type":"O","frame":%d,"at":%d}' % (i % 7, i) for i in range(n)) + ',')
    f.write(','.join('{"type":"C","frame":%d,"at":%d}' % ((n - 1 - i) % 7, n + i) for i in range(n)) + ']}]}')
PY
expect_exit 0 "100,000 nested B events" -- timeout 60 "$bin" "$tmp/deep.trace.json"
expect_match "$out" 'f0\\n100.00%' "deep B: the root"
expect_exit 0 "100,000 nested O events" -- timeout 60 "$bin" "$tmp/deep.speedscope.json"
expect_match "$out" 'f0\\n100.00%' "deep O: the root"
finish
