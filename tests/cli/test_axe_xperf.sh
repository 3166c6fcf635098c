#!/usr/bin/env bash
# The axe (VTune gprof-cc) and xperf (CSV) readers on damaged input: every
# case ends with exit 0 and a graph (with a warning naming the line when
# something was skipped) or exit 1 with one "prof2png: FILE[:LINE]: ..."
# message; never a crash.  Also: CRLF, missing separators' spaces and a
# missing header read as gprof2dot reads them (or better, where it fails).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
axe=$src/tests/data/axe/calc.axe
xperf=$src/tests/data/xperf/calc.xperf

# exit 0 or 1 only, and exit 1 with a single prof2png: line
sane() { # FORMAT FILE WHAT
  "$bin" -f "$1" -n0 -e0 "$2" > "$tmp/out.dot" 2> "$tmp/err" && rc=0 || rc=$?
  case $rc in
    0) grep -q '^}' "$tmp/out.dot" && pass || fail "$3: exit 0 without a whole graph" ;;
    1) [ "$(grep -c '^prof2png: ' "$tmp/err")" -ge 1 ] && pass || fail "$3: exit 1 without a message" ;;
    *) fail "$3: exit $rc: $(head -c 300 "$tmp/err")" ;;
  esac
}

# ---- axe ---------------------------------------------------------------
"$bin" -f axe "$axe" > "$tmp/good.dot" 2> "$tmp/err" && pass || fail "axe: the good file"
[ -s "$tmp/err" ] && fail "axe: warnings on the good file: $(cat "$tmp/err")" || pass

# truncated at every 97th byte: exit 0 or 1, never worse
size=$(wc -c < "$axe")
for ((k = 0; k < size; k += 97)); do
  head -c "$k" "$axe" > "$tmp/cut.axe"
  sane axe "$tmp/cut.axe" "axe cut at $k"
done
# cut inside the call graph: a warning that names the last line
head -n 20 "$axe" > "$tmp/cut.axe"
expect_exit 0 "axe truncated" -- "$bin" -f axe "$tmp/cut.axe"
expect_match "$err" 'cut\.axe: warning: line 20: the input ends before the .Index Function' "axe truncated: warning"
# nothing but the header: an error
head -n 2 "$axe" > "$tmp/hdr.axe"
expect_exit 1 "axe header only" -- "$bin" -f axe "$tmp/hdr.axe"
expect_match "$err" '^prof2png: .*hdr\.axe: no VTune gprof-cc call graph entry' "axe header only: message"
: > "$tmp/empty"
expect_exit 1 "axe empty" -- "$bin" -f axe "$tmp/empty"
printf 'hello\nworld\n' > "$tmp/text"
expect_exit 1 "axe: not a report" -- "$bin" -f axe "$tmp/text"
expect_match "$err" 'text:1: expected VTune gprof-cc call graph entries' "axe: not a report: message"

# a non-numeric column on a primary line: that entry is skipped, with its line
sed 's/^\[3\]    55.00/[3]    abc  /' "$axe" > "$tmp/nan.axe"
expect_exit 0 "axe non-numeric" -- "$bin" -f axe "$tmp/nan.axe"
expect_match "$err" 'warning: line 14: unrecognized primary line' "axe non-numeric: warning"
# a child line without [index]: skipped with a warning (gprof2dot crashes)
sed '9s/\[3\] *$//' "$axe" > "$tmp/noidx.axe"
expect_exit 0 "axe child without index" -- "$bin" -f axe "$tmp/noidx.axe"
expect_match "$err" 'warning: line 9: child line without an .\[index\]. skipped' "axe child without index: warning"
# a child with no entry of its own: a node with no time (gprof2dot crashes)
sed '/^\[9\]/d' "$axe" > "$tmp/stub.axe"
expect_exit 0 "axe callee without entry" -- "$bin" -f axe -n0 "$tmp/stub.axe"
expect_match "$out" 'label="lookup\\n0\.00%\\n\(0\.00%\)"' "axe callee without entry: drawn with no time"
# no header lines: gprof2dot reads the entries all the same
tail -n +3 "$axe" > "$tmp/nohdr.axe"
expect_exit 0 "axe without header" -- "$bin" -f axe "$tmp/nohdr.axe"
[ "$out" = "$(cat "$tmp/good.dot")" ] && pass || fail "axe without header: another graph"
# CRLF line ends
sed 's/$/\r/' "$axe" > "$tmp/crlf.axe"
expect_exit 0 "axe CRLF" -- "$bin" -f axe "$tmp/crlf.axe"
[ "$out" = "$(cat "$tmp/good.dot")" ] && pass || fail "axe CRLF: another graph"
# separator lines with their spaces trimmed (gprof2dot reads one entry and crashes)
sed 's/^ *$//' "$axe" > "$tmp/trim.axe"
expect_exit 0 "axe trimmed separators" -- "$bin" -f axe "$tmp/trim.axe"
[ "$out" = "$(cat "$tmp/good.dot")" ] && pass || fail "axe trimmed separators: another graph"
# --compare with one bad side: exit 1 naming it
expect_exit 1 "axe --compare bad" -- "$bin" -f axe --compare "$axe" "$tmp/hdr.axe"
expect_match "$err" 'hdr\.axe' "axe --compare bad: names the file"

# ---- xperf -------------------------------------------------------------
"$bin" -f xperf "$xperf" > "$tmp/good.dot" 2> "$tmp/err" && pass || fail "xperf: the good file"
[ -s "$tmp/err" ] && fail "xperf: warnings on the good file: $(cat "$tmp/err")" || pass
size=$(wc -c < "$xperf")
for ((k = 0; k < size; k += 61)); do
  head -c "$k" "$xperf" > "$tmp/cut.xperf"
  sane xperf "$tmp/cut.xperf" "xperf cut at $k"
done
# cut in the middle of a row: that row is skipped, with its line
head -c 700 "$xperf" > "$tmp/cut.xperf"
expect_exit 0 "xperf truncated row" -- "$bin" -f xperf "$tmp/cut.xperf"
expect_match "$err" 'warning: line 4: skipped 1 row with fewer fields' "xperf truncated row: warning"
# cut in the header: an error naming line 1 and the missing column
head -c 60 "$xperf" > "$tmp/cut.xperf"
expect_exit 1 "xperf truncated header" -- "$bin" -f xperf "$tmp/cut.xperf"
expect_match "$err" "cut\.xperf:1: expected an xperf CSV header.*no 'Weight' column" "xperf truncated header: message"
# no header at all
tail -n +2 "$xperf" > "$tmp/nohdr.xperf"
expect_exit 1 "xperf without header" -- "$bin" -f xperf "$tmp/nohdr.xperf"
expect_match "$err" "nohdr\.xperf:1: expected an xperf CSV header.*'Process Name'" "xperf without header: message"
expect_exit 1 "xperf empty" -- "$bin" -f xperf "$tmp/empty"
# non-numeric Weight and Count, nan and inf: rows skipped with their line
sed '3s/1\.000250/heavy/; 4s/, 2, 0\.3/, two, 0.3/; 5s/1\.000100/nan/; 6s/1\.000000/inf/' "$xperf" > "$tmp/nan.xperf"
expect_exit 0 "xperf non-numeric" -- "$bin" -f xperf "$tmp/nan.xperf"
expect_match "$err" 'line 3: skipped 3 rows whose Weight is not a finite number' "xperf non-numeric Weight: warning"
expect_match "$err" 'line 4: skipped 1 row whose Count is not a finite number' "xperf non-numeric Count: warning"
# a quoted field with a comma: quotes are plain characters (gprof2dot's
# csv.QUOTE_NONE), the row has one field too many and is read by position
sed '2s/, read_token, 0x/, "read,token", 0x/' "$xperf" > "$tmp/quoted.xperf"
expect_exit 0 "xperf quoted comma" -- "$bin" -f xperf "$tmp/quoted.xperf"
expect_match "$err" 'line 2: 1 row has more fields than the header' "xperf quoted comma: warning"
# a stack that does not start at [Root]: its samples stay, the stack goes
sed '2s/\[Root\]\///' "$xperf" > "$tmp/noroot.xperf"
expect_exit 0 "xperf stack without root" -- "$bin" -f xperf "$tmp/noroot.xperf"
expect_match "$err" "line 2: ignored the Stack of 1 row that does not start with '\[Root\]'" "xperf no root: warning"
# LF line ends and blank lines read as the CRLF original
tr -d '\r' < "$xperf" | sed '3{p;s/.*//}' > "$tmp/lf.xperf"
expect_exit 0 "xperf LF with a blank line" -- "$bin" -f xperf "$tmp/lf.xperf"
expect_match "$(printf '%s\n' "$out" | grep -c label)" '^[0-9]+$' "xperf LF: a graph"
tr -d '\r' < "$xperf" > "$tmp/lf.xperf"
expect_exit 0 "xperf LF" -- "$bin" -f xperf "$tmp/lf.xperf"
[ "$out" = "$(cat "$tmp/good.dot")" ] && pass || fail "xperf LF: another graph"
# only Idle rows: an empty graph, as gprof2dot draws
{ head -n 1 "$xperf"; grep '^Idle' "$xperf"; } > "$tmp/idle.xperf"
expect_exit 0 "xperf idle only" -- "$bin" -f xperf "$tmp/idle.xperf"
finish
