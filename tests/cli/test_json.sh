#!/usr/bin/env bash
# CLI cases of `-f json` (gprof2dot's JSON profile, src/parse/json.c): good
# runs, bad input (truncated, wrong types, NaN/Infinity, deep nesting, a
# wrong version): exit 1 with one line naming the file and the place, never
# a crash or a hang.  Inputs: tests/data/json (make_json.py) and small
# documents written here.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
data=$src/tests/data/json

# A good run: every function shows its call count (0× unless sampled).
expect_exit 0 "cycle.json" -- "$bin" -f json -n0 -e0 "$data/cycle.json"
expect_match "$out" '^digraph \{' "DOT on stdout"
expect_match "$out" 'label="prog\\nprog\\nmain\\n100\.00%\\n\([0-9.]+%\)\\n1×"' "main: module, process, sampled once as the leaf"
expect_match "$out" 'label="never sampled \\"quoted\\" \\\\ name\\n0\.00%\\n\(0\.00%\)\\n0×"' "escaped name, never sampled"
expect_match "$out" '日本語' "non-ASCII names"
[ -z "$err" ] && pass || fail "cycle.json: no warnings expected, got: $err"
for f in "$data"/*.json; do
  expect_exit 0 "$(basename "$f")" -- "$bin" -f json "$f"
  [ -z "$err" ] && pass || fail "$(basename "$f"): unexpected stderr: $err"
done

# bad DOC MESSAGE-REGEX DESCRIPTION: exit 1, one line, the file named.
bad() {
  printf '%s' "$1" > "$tmp/bad.json"
  expect_exit 1 "$3" -- "$bin" -f json "$tmp/bad.json" -o "$tmp/out.png"
  expect_match "$err" "^prof2png: $tmp/bad.json(:[0-9]+)?: $2" "$3: message"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "$3: one line on stderr, got: $err"
  expect_absent "$tmp/out.png" "$3"
}
F='"functions": [{"name": "a"}, {"name": "b"}]'
bad '' 'expected a JSON document, found an empty input' "empty file"
bad $' \n\t' 'expected a JSON document, found an empty input' "whitespace only"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0' \
  'expected the rest of the JSON document, found the end of the input \(truncated\?\) \(byte 87\)' "truncated"
bad '{"version": 0, '"$F"', "events": []} []' "invalid JSON: .*found '\\[' \\(byte 74\\)" "extra data"
bad '{"version": 0, '"$F"$',\n"events": [,]}' "invalid JSON: .*found ',' \\(byte 71\\)" "syntax error on line 2"
expect_match "$err" "bad.json:2: " "syntax error: the line is named"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0], "cost": [NaN]}]}' \
  "invalid JSON token 'NaN': costs must be finite numbers \\(byte 99\\)" "NaN"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0], "cost": [Infinity]}]}' \
  "invalid JSON token 'Infinity'" "Infinity"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0], "cost": [-Infinity]}]}' \
  "invalid JSON token '-Infinity'" "-Infinity"
bad '{"version": 0, "x": NaN, '"$F"', "events": []}' "invalid JSON token 'NaN'" "NaN anywhere, as gprof2dot"
# DIFFERENCE from gprof2dot, which reads 1e999 as inf and big integers
# exactly: a cost must be a finite double.
bad '{"version": 0, '"$F"', "events": [{"callchain": [0], "cost": [1e999]}]}' \
  'events\[0\]\.cost\[0\]: expected a finite number, found 1e999' "1e999"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0], "cost": [123456789012345678901234567890]}]}' \
  'events\[0\]\.cost\[0\]: expected a finite number, found an integer beyond 64 bits' "beyond 64 bits"
bad '{"version": 1, '"$F"', "events": []}' 'version: expected 0, found 1' "version 1"
bad '{"version": "0", '"$F"', "events": []}' 'version: expected 0, found "0"' "version as a string"
bad '{'"$F"', "events": []}' 'expected a "version" key \(0\), found none' "no version"
bad '[]' 'expected a JSON object at the top, found an array' "top-level array"
bad '{"version": 0, "functions": {}, "events": []}' 'functions: expected an array, found an object' "functions object"
bad '{"version": 0, "functions": [], "events": null}' 'events: expected an array, found null' "events null"
bad '{"version": 0, "functions": [{"name": 5}], "events": []}' \
  'functions\[0\]\.name: expected a string, found a number' "name number"
bad '{"version": 0, "functions": [{"nam": "a"}], "events": []}' \
  'functions\[0\]\.name: expected a string, found nothing' "no name"
bad '{"version": 0, "functions": [{"name": "a", "module": 3}], "events": []}' \
  'functions\[0\]\.module: expected a string, found a number' "module number"
bad '{"version": 0, '"$F"', "events": [{"callchain": "0", "cost": [1]}]}' \
  'events\[0\]\.callchain: expected an array, found a string' "callchain string"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0, 2], "cost": [1]}]}' \
  'events\[0\]\.callchain\[1\]: expected a function index from 0 to 1, found 2' "index out of range"
bad '{"version": 0, '"$F"', "events": [{"callchain": [-1], "cost": [1]}]}' \
  'events\[0\]\.callchain\[0\]: expected a function index' "negative index"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0.5], "cost": [1]}]}' \
  'events\[0\]\.callchain\[0\]: expected a function index' "fractional index"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0]}]}' \
  'events\[0\]\.cost: expected an array of at least one number, found nothing' "no cost"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0], "cost": []}]}' \
  'events\[0\]\.cost: expected an array of at least one number, found an empty array' "empty cost"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0], "cost": ["1"]}]}' \
  'events\[0\]\.cost\[0\]: expected a finite number, found "1"' "cost string"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0], "cost": [1]}, 7]}' \
  'events\[1\]: expected an object, found a number' "event number"

# Deep nesting: refused beyond 64 levels (the parser's callbacks count), no
# recursion.
python3 -c 'print("[" * 200000)' > "$tmp/deep.json"
expect_exit 1 "deep arrays" -- timeout 10 "$bin" -f json "$tmp/deep.json"
expect_match "$err" "deep.json:1: JSON nested deeper than 64 levels \\(byte 64\\)$" "deep arrays: message"
python3 -c 'print("{\"version\": 0, \"x\": " + "{\"a\": " * 100000)' > "$tmp/deep.json"
expect_exit 1 "deep objects" -- timeout 10 "$bin" -f json "$tmp/deep.json"
expect_match "$err" "JSON nested deeper than 64 levels" "deep objects: message"
python3 -c 'print("{\"version\": 0, \"x\": " + "[" * 60 + "]" * 60 + ", \"functions\": [], \"events\": []}")' > "$tmp/deep.json"
expect_exit 0 "60 levels are fine" -- "$bin" -f json "$tmp/deep.json"

# Encodings: a UTF-8 byte-order mark is skipped (DIFFERENCE: Python's json
# refuses it); UTF-16 LE and BE with their mark are transcoded (gprof2dot
# reads UTF-16LE only).
"$bin" -f json "$data/cycle.json" > "$tmp/plain.dot"
{ printf '\357\273\277'; cat "$data/cycle.json"; } > "$tmp/bom.json"
{ printf '\377\376'; iconv -f UTF-8 -t UTF-16LE "$data/cycle.json"; } > "$tmp/u16le.json"
{ printf '\376\377'; iconv -f UTF-8 -t UTF-16BE "$data/cycle.json"; } > "$tmp/u16be.json"
for v in bom u16le u16be; do
  expect_exit 0 "$v" -- "$bin" -f json "$tmp/$v.json"
  printf '%s\n' "$out" | cmp -s - "$tmp/plain.dot" && pass || fail "$v: graph differs"
done
printf '\357\273\277{"version": 0, "functions": [], "events": [1]}' > "$tmp/bom.json"
expect_exit 1 "UTF-8 BOM: error" -- "$bin" -f json "$tmp/bom.json"
printf '{"version": 0, "functions": [], "events": [}' | iconv -f UTF-8 -t UTF-16LE | { printf '\377\376'; cat; } > "$tmp/u16.json"
expect_exit 1 "UTF-16: error" -- "$bin" -f json "$tmp/u16.json"
expect_match "$err" "found '\\}' \\(byte 43 of the input converted from UTF-16\\)" "UTF-16: position"
# Invalid UTF-8 in a name becomes U+FFFD, with a warning.
printf '{"version": 0, "functions": [{"name": "a\377b"}], "events": [{"callchain": [0], "cost": [1]}]}' > "$tmp/latin1.json"
expect_exit 0 "invalid UTF-8" -- "$bin" -f json "$tmp/latin1.json"
expect_match "$out" 'label="a�b' "invalid UTF-8: repaired name"
expect_match "$err" "warning: invalid UTF-8 or NUL in 1 name was replaced by U\\+FFFD" "invalid UTF-8: warning"

# DIFFERENCE from gprof2dot (IndexError): an empty callchain is skipped.
printf '{"version": 0, "functions": [{"name": "a"}], "events": [{"callchain": [], "cost": [1]}, {"callchain": [0], "cost": [1]}]}' > "$tmp/emptychain.json"
expect_exit 0 "empty callchain" -- "$bin" -f json "$tmp/emptychain.json"
expect_match "$err" "warning: skipped 1 event with an empty callchain" "empty callchain: warning"
# Duplicate keys: the last wins, as in Python.
printf '{"version": 0, "functions": [{"name": "a", "name": "z"}], "events": [{"callchain": [0], "cost": [1]}]}' > "$tmp/dup.json"
expect_exit 0 "duplicate keys" -- "$bin" -f json "$tmp/dup.json"
expect_match "$out" 'label="z\\n' "duplicate keys: the last wins"

# Key order: JSON objects are unordered; "events" before "functions" (read
# in a second pass over the input) gives the same graph.
python3 - "$data/cycle.json" "$tmp/evfirst.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding='utf-8'))
json.dump({'events': d['events'], 'version': d['version'], 'functions': d['functions']},
          open(sys.argv[2], 'w', encoding='utf-8'), ensure_ascii=False)
PY
"$bin" -f json -n0 -e0 "$data/cycle.json" > "$tmp/ordered.dot"
expect_exit 0 "events before functions" -- "$bin" -f json -n0 -e0 "$tmp/evfirst.json"
printf '%s\n' "$out" | cmp -s - "$tmp/ordered.dot" && pass || fail "events before functions: graph differs"
bad '{"events": [{"callchain": [0, 2], "cost": [1]}], "version": 0, '"$F"'}' \
  'events\[0\]\.callchain\[1\]: expected a function index from 0 to 1, found 2' "events first: index out of range"
bad '{"events": [{"callchain": [0], "cost": [1]}, 7], "version": 0, '"$F"'}' \
  'events\[1\]: expected an object, found a number' "events first: event number"
# A repeated "version" keeps the last value, as in Python; a repeated
# "functions" or "events" is refused (DIFFERENCE: Python keeps the last; a
# streaming reader has used the first by then).
printf '{"version": 1, "version": 0, "functions": [{"name": "a"}], "events": [{"callchain": [0], "cost": [1]}]}' > "$tmp/dupver.json"
expect_exit 0 "repeated version: the last wins" -- "$bin" -f json "$tmp/dupver.json"
bad '{"version": 0, '"$F"', "events": [], "functions": []}' \
  'the top-level key "functions" appears more than once' "repeated functions"
bad '{"version": 0, '"$F"', "events": [], "events": []}' \
  'the top-level key "events" appears more than once' "repeated events"
# An object or an array where a scalar is expected is described, not printed.
bad '{"version": {"a": 1}, '"$F"', "events": []}' 'version: expected 0, found an object$' "version object"
bad '{"version": 0, '"$F"', "events": [{"callchain": [0, [1]], "cost": [1]}]}' \
  'events\[0\]\.callchain\[1\]: expected a function index from 0 to 1, found an array$' "index array"
# A syntax error or NaN anywhere wins over a schema error earlier on.
bad '{"version": 2, '"$F"', "events": [], "x": [}' "invalid JSON: .*found '\\}' \\(byte 80\\)" "syntax error after a schema error"
bad '{"version": 0, "functions": [3], "events": [], "x": NaN}' "invalid JSON token 'NaN'" "NaN after a schema error"
# Byte offsets of syntax errors after a value in an object, and of a token
# cut short by the end of the input after the document.
bad '{"version": 0 "functions": []}' "invalid JSON: .*found '\"' \\(byte 14\\)" "missing comma after a number"
bad '{"version": 0, "x": "a\"" "b"}' "invalid JSON: .*found '\"' \\(byte 26\\)" "missing comma after a string"
bad '{"version": 0, '"$F"', "events": []} tru' "invalid JSON: .*found 't' \\(byte 74\\)" "extra data at the end"
# Raw control characters in strings are refused, as by Python's json.
bad $'{"version": 0, "functions": [{"name": "a\tb"}], "events": []}' "invalid JSON: .*found byte 0x09 \\(byte 40\\)" "raw tab in a string"

# Truncated at every length and with bytes flipped: never a crash or a
# hang; exit 0, or exit 1 with one line.
f=$data/cycle.json
size=$(stat -c %s "$f")
bad=0
for n in $(seq 0 7 "$size"); do
  head -c "$n" "$f" > "$tmp/trunc.json"
  timeout 10 "$bin" -f json "$tmp/trunc.json" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$n" -lt "$((size - 2))" ] && [ "$rc" -ne 1 ]; then
    bad=$((bad + 1)); echo "truncated at $n: exit $rc, expected 1" >&2
  elif [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || [ "$(wc -l < "$tmp/e")" -ne 1 ]; }; then
    bad=$((bad + 1)); echo "truncated at $n: exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$bad" -eq 0 ] && pass || fail "truncated files: $bad bad results"
bad=0
mkdir "$tmp/flips"
python3 - "$f" "$tmp/flips" <<'PY'
import sys
data = open(sys.argv[1], 'rb').read()
for pos in range(0, len(data), 5):
    for bit in (1, 32, 128):
        d = bytearray(data)
        d[pos] ^= bit
        open('%s/%d-%d.json' % (sys.argv[2], pos, bit), 'wb').write(d)
PY
for g in "$tmp"/flips/*.json; do
  timeout 10 "$bin" -f json "$g" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -ne 0 ] && { [ "$rc" -ne 1 ] || [ "$(wc -l < "$tmp/e")" -ne 1 ]; }; then
    bad=$((bad + 1)); echo "flip $(basename "$g" .json): exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$bad" -eq 0 ] && pass || fail "bit flips: $bad bad results"

finish
