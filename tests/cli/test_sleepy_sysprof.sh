#!/usr/bin/env bash
# Very Sleepy (.sleepy zip) and Sysprof (XML) inputs: good ones give a graph
# (the golden tests check it against gprof2dot); bad ones, made by
# tests/data/make_sleepy_sysprof.py, exit 1 with one clear line naming the
# file (and, for XML, the line), never a crash, a hang or an output file.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
sl=$src/tests/data/sleepy
sp=$src/tests/data/sysprof

# bad FORMAT FILE REGEX: exit 1, one "prof2png: FILE..." line matching REGEX, no -o file.
bad() {
  local fmt=$1 file=$2 re=$3
  rm -f "$tmp/out.svg"
  expect_exit 1 "$fmt $(basename "$file")" -- timeout 20 "$bin" -f "$fmt" "$file" -o "$tmp/out.svg"
  expect_match "$err" "^prof2png: $file(:[0-9]+)?: $re" "$(basename "$file") message"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "$(basename "$file"): one line on stderr, got: $err"
  expect_absent "$tmp/out.svg" "$(basename "$file")"
}

# ---- Very Sleepy
expect_exit 0 "toy.sleepy" -- "$bin" -f sleepy "$sl/toy.sleepy"
expect_match "$out" '"toy:main" \[' "toy.sleepy: function ids are MODULE:PROCNAME"
# two symbols of one function (sym1, sym6: toy parse) are one node
[ "$(printf '%s\n' "$out" | grep -c '^	"toy:parse" \[')" -eq 1 ] && pass || fail "toy:parse is one node"

# Deliberate differences: gprof2dot stops with IndexError / ValueError / KeyError
# on these lines; here they are skipped with one warning.
expect_exit 0 "bad stack lines skipped" -- "$bin" -f sleepy "$sl/toy-badlines.sleepy"
expect_match "$err" "warning: Callstacks.txt line [0-9]+: skipped 4 lines" "bad stack lines warning"
# gprof2dot: UnicodeDecodeError; here U+FFFD and a warning
expect_exit 0 "invalid UTF-8" -- "$bin" -f sleepy -n0 -e0 "$sl/toy-latin1.sleepy"
expect_match "$out" 'r�nder' "invalid UTF-8 becomes U+FFFD"
expect_match "$err" "warning: Symbols.txt line [0-9]+: invalid UTF-8 \\(or a NUL byte\\) was replaced" "invalid UTF-8 warning"

bad sleepy "$sl/bad-truncated.sleepy" "cannot read it as a zip archive \(truncated or corrupt\?\)"
bad sleepy "$sl/bad-no-callstacks.sleepy" "the archive has no member Callstacks.txt"
bad sleepy "$sl/bad-no-stack.sleepy" "Callstacks.txt line 1: expected a stack"
bad sleepy "$sl/bad-bomb-size.sleepy" "Callstacks.txt declares 4026531840 bytes uncompressed, more than the limit"
bad sleepy "$sl/bad-bomb-ratio.sleepy" "Callstacks.txt declares 209715200 bytes uncompressed from [0-9]+ compressed"
bad sleepy "$sl/bad-corrupt-data.sleepy" "Callstacks.txt: "
bad sleepy "$sl/bad-not-zip.sleepy" "not a zip archive"
bad sleepy "$sp/toy.sysprof" "not a zip archive"
: > "$tmp/empty.sleepy"
bad sleepy "$tmp/empty.sleepy" "not a zip archive"

# every truncation of a good archive: exit 0 or 1, never a crash
size=$(stat -c %s "$sl/toy.sleepy")
crashes=0
for n in $(seq 1 7 $((size - 1))); do
  head -c "$n" "$sl/toy.sleepy" > "$tmp/t.sleepy"
  "$bin" -f sleepy "$tmp/t.sleepy" > /dev/null 2> "$tmp/e" && rc=0 || rc=$?
  if [ "$rc" -ne 1 ] || [ "$(wc -l < "$tmp/e")" -ne 1 ]; then
    crashes=$((crashes + 1)); echo "truncated at $n: exit $rc: $(cat "$tmp/e")" >&2
  fi
done
[ "$crashes" -eq 0 ] && pass || fail "truncated archives: $crashes bad results"

# Members are read in chunks of 1 MiB: a stack line longer than a chunk,
# lines across chunk boundaries (CRLF ends moved by one byte a line), a
# last line without an end: the same graph and warning either way.
python3 - "$tmp" <<'PY'
import sys, zipfile
syms = ''.join('s%d "m%d" "f%d" "x.c" %d\n' % (i, i % 3, i, i) for i in range(40))
lines = ['%s %s' % ((0.25, 1, 2.5)[k % 3], ' '.join('s%d' % ((k * 7 + j * 13) % 40) for j in range(1 + k % 29)))
         for k in range(30000)]
lines.insert(15000, '1 ' + ' '.join('s%d' % (i % 7) for i in range(200000)))
lines.insert(100, 'no stack')
lines.insert(20000, '')
for name, sep, end, comp in (('lf', '\n', '\n', zipfile.ZIP_DEFLATED), ('crlf', '\r\n', '\r\n', zipfile.ZIP_STORED),
                             ('noeol', '\n', '', zipfile.ZIP_DEFLATED)):
    with zipfile.ZipFile('%s/%s.sleepy' % (sys.argv[1], name), 'w', comp) as z:
        z.writestr('Symbols.txt', syms)
        z.writestr('Callstacks.txt', sep.join(lines) + end)
PY
expect_exit 0 "long lines (LF)" -- "$bin" -f sleepy -n0 -e0 "$tmp/lf.sleepy"
lf_out=$out
expect_match "$err" "warning: Callstacks.txt line 101: skipped 1 line that is no stack" "long lines: the bad line"
expect_match "$lf_out" '"m0:f0" \[' "long lines: a graph"
for v in crlf noeol; do
  expect_exit 0 "long lines ($v)" -- "$bin" -f sleepy -n0 -e0 "$tmp/$v.sleepy"
  [ "$out" = "$lf_out" ] && pass || fail "long lines: $v gives another graph than LF"
  expect_match "$err" "warning: Callstacks.txt line 101: skipped 1 line" "long lines ($v): the bad line"
done

# ---- Sysprof
expect_exit 0 "toy.sysprof" -- "$bin" -f sysprof "$sp/toy.sysprof"
expect_match "$out" 'label="main' "toy.sysprof: main"
# objects with <self> 0 ("Everything", the process) are left out
if printf '%s' "$out" | grep -q 'Everything'; then fail "fake objects left out"; else pass; fi
# Deliberate difference: gprof2dot fails an assertion on a node whose
# object has <self> 0 but which has samples itself; here it gives no call.
expect_exit 0 "node of a left-out object" -- "$bin" -f sysprof "$sp/toy-fakecallee.sysprof"
expect_match "$err" "warning: line [0-9]+: 1 node with samples of an object whose own <self> is 0 gave no call" \
  "node of a left-out object: warning"

bad sysprof "$sp/bad-unclosed.sysprof" "not well-formed XML: no element found"
expect_match "$err" "bad-unclosed.sysprof:161: " "unclosed: the line"
bad sysprof "$sp/bad-mismatch.sysprof" "not well-formed XML: mismatched tag"
expect_match "$err" "bad-mismatch.sysprof:8: " "mismatch: the line"
bad sysprof "$sp/bad-deep.sysprof" "expected only text in <size>, found <a>"
bad sysprof "$sp/bad-laughs.sysprof" "the document declares the entity 'a': entity declarations are not allowed"
# Deliberate difference: gprof2dot loops forever on a parent chain that loops.
bad sysprof "$sp/bad-loop.sysprof" "node 3: the chain of <parent> links from node 4 loops back to it"
bad sysprof "$sp/bad-missing-parent.sysprof" "node 13: its parent, node 99, does not exist"
bad sysprof "$sp/bad-self.sysprof" "<object id=\"4\">: expected a decimal integer in <self>, found 'ten'"
bad sysprof "$sp/bad-root.sysprof" "expected <profile> as the root element"
bad sysprof "$sp/bad-empty.sysprof" "not well-formed XML: no element found .*the input is empty"
bad sysprof "$sl/toy.sleepy" "not well-formed XML"

# deeper still, and an external entity: refused, nothing loaded
python3 -c "import sys; sys.stdout.write('<profile>' + '<a>' * 2000000 + '\n')" > "$tmp/deep.sysprof"
bad sysprof "$tmp/deep.sysprof" "expected only text in <a>, found <a>|expected <objects>"
printf '<?xml version="1.0"?>\n<!DOCTYPE profile [<!ENTITY x SYSTEM "/etc/passwd">]>\n<profile>&x;</profile>\n' \
  > "$tmp/ext.sysprof"
bad sysprof "$tmp/ext.sysprof" "the document declares the entity 'x'"
# a long chain of left-out nodes under many leaves: linear, not quadratic
python3 - "$tmp/chain.sysprof" <<'PY'
import sys
n = 100000
o = ['<profile><objects>', '<object id="1"><name>"root"</name><self>0</self></object>',
     '<object id="2"><name>"leaf"</name><self>1</self></object>',
     '<object id="3"><name>"top"</name><self>1</self></object></objects><nodes>',
     '<node id="1"><object>3</object><parent>0</parent><self>1</self></node>']
o += ['<node id="%d"><object>1</object><parent>%d</parent><self>0</self></node>' % (i, i - 1)
      for i in range(2, n)]
o += ['<node id="%d"><object>2</object><parent>%d</parent><self>1</self></node>' % (n + i, n - 1)
      for i in range(n)]
o.append('</nodes></profile>\n')
open(sys.argv[1], 'w').write('\n'.join(o))
PY
expect_exit 0 "deep chain of left-out nodes" -- timeout 20 "$bin" -f sysprof "$tmp/chain.sysprof"
expect_match "$out" '3 -> 2 ' "deep chain: the call from the nearest function"

finish
