#!/usr/bin/env bash
# --stats, --callers, --callees: the golden tables of cases.tsv (made by
# Python's own pstats, see make_expected.sh), byte for byte; then the
# options' errors, -o, the graph filters and the other formats.
set -u
set -f # case arguments are regular expressions, never globs
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
here=$src/tests/report
cd "$src"

# ---- the golden tables --------------------------------------------------
while IFS=$'\t' read -r version expected args; do
  case "$version" in ''|'#'*) continue ;; esac
  read -ra argv <<< "$args"
  if "$bin" "${argv[@]}" > "$tmp/got" 2> "$tmp/err"; then
    if cmp -s "$tmp/got" "$here/expected/$expected"; then
      pass
    else
      fail "$expected (Python $version: $args) differs:"
      diff "$here/expected/$expected" "$tmp/got" | head -20 >&2
    fi
  else
    fail "$expected: prof2png failed: $(cat "$tmp/err")"
  fi
done < "$here/cases.tsv"

w313=tests/data/pstats/work-3.13-cProfile.pstats
w27=tests/data/pstats/work-2.7-cProfile.pstats

# ---- -o: the same bytes, whole or not at all -----------------------------
expect_exit 0 "-o" -- "$bin" --stats --sort time --limit 8 "$w313" -o "$tmp/table.png"
cmp -s "$tmp/table.png" "$here/expected/w313-time-8.txt" && pass || fail "-o wrote other bytes than stdout"
expect_exit 0 "-o -" -- "$bin" --stats --sort time --limit 8 "$w313" -o -
[ "$out" = "$(cat "$here/expected/w313-time-8.txt")" ] && pass || fail "-o - is not stdout"
echo old > "$tmp/keep.txt"
expect_exit 1 "-o in a missing folder" -- "$bin" --stats "$w313" -o "$tmp/nowhere/t.txt"
expect_absent "$tmp/nowhere/t.txt" "no output in a missing folder"
expect_exit 2 "bad key leaves -o alone" -- "$bin" --stats --sort bogus "$w313" -o "$tmp/keep.txt"
[ "$(cat "$tmp/keep.txt")" = old ] && pass || fail "a failed run touched the -o file"
[ -z "$(ls "$tmp" | grep -v -e '^keep.txt$' -e '^table.png$' -e '^stderr$' -e '^got$' -e '^err$')" ] \
  && pass || fail "temporary files left behind: $(ls "$tmp")"

# ---- deterministic --------------------------------------------------------
a=$("$bin" --stats --callers . --callees . "$w27" | md5sum)
b=$("$bin" --stats --callers . --callees . "$w27" | md5sum)
[ "$a" = "$b" ] && pass || fail "two runs differ"

# ---- option errors (exit 2, one line on stderr) -------------------------
expect_exit 2 "unknown key" -- "$bin" --stats --sort bogus "$w313"
expect_match "$err" "unknown key 'bogus'" "unknown key message"
expect_exit 2 "ambiguous prefix" -- "$bin" --stats --sort cum "$w313"
expect_match "$err" "'cum' is ambiguous \\(cumtime, cumulative\\)" "ambiguous prefix message"
expect_exit 2 "bad regex" -- "$bin" --stats --filter '(' "$w313"
expect_match "$err" "--filter: invalid regular expression" "bad regex message"
expect_exit 2 "bad --callers regex" -- "$bin" --callers 'a[' "$w313"
expect_exit 2 "bad limit" -- "$bin" --stats --limit 5x "$w313"
expect_match "$err" "--limit: expected a count" "bad limit message"
expect_exit 2 "--sort without a report" -- "$bin" --sort time "$w313"
expect_exit 2 "--limit without a report" -- "$bin" --limit 3 "$w313"
expect_exit 2 "--stats --compare" -- "$bin" --stats --compare "$w313" "$w313"
expect_match "$err" "do not work with --compare" "--compare message"

# ---- the graph filters ------------------------------------------------------
expect_exit 0 "-z" -- "$bin" --stats --sort cumulative -z 'pstats_workload:28:builtins_work' "$w313"
expect_match "$out" "List reduced from 12 to 5 due to restriction <-z 'pstats_workload:28:builtins_work'>" "-z note"
expect_match "$out" "in 0.000 seconds" "-z keeps the totals of the whole profile"
expect_exit 0 "-l --depth" -- "$bin" --callers fib -l '*fib' --depth 1 "$w313"
expect_match "$out" "restriction <-l '\\*fib' --depth 1>" "-l note"
[ "$(printf '%s\n' "$out" | grep -c ' <- ')" = 1 ] && pass || fail "-l: one function listed"
expect_exit 0 "-p" -- "$bin" --stats -p pstats_ "$w313"
expect_match "$out" "List reduced from 12 to 7 due to restriction <-p 'pstats_'>" "-p note"
expect_exit 1 "-z matching nothing" -- "$bin" --stats -z nothing "$w313"
expect_exit 0 "-n does not apply" -- "$bin" --stats -n 50 "$w313"
[ "$out" = "$(cat "$here/expected/w313-plain.txt")" ] && pass || fail "-n changed the table"

# ---- other formats: the columns say the unit ------------------------------
expect_exit 0 "gprof" -- "$bin" -f prof --stats --sort calls --limit 3 tests/data/gprof/recur-default.prof
expect_match "$out" "function calls in [0-9.]+ seconds" "gprof: seconds"
expect_match "$out" "   ncalls  tottime  percall  cumtime  percall function" "gprof: title"
expect_match "$out" "    72191    0.390    0.000    0.390    0.000 work" "gprof: line"
expect_exit 0 "callgrind" -- "$bin" --stats --sort cumulative --limit 4 tests/data/callgrind/rec-cachesim.callgrind
expect_match "$out" "function calls in 27146 Ir" "callgrind: the first event, by name"
expect_match "$out" "Ordered by: total Ir" "callgrind: sort description in the unit"
expect_match "$out" "   ncalls  self Ir  percall total Ir  percall function" "callgrind: title"
expect_exit 0 "callgrind --event" -- "$bin" --stats --event Dr --limit 2 tests/data/callgrind/rec-cachesim.callgrind
expect_match "$out" "   ncalls  self Dr  percall total Dr  percall function" "callgrind --event: title"
expect_exit 0 "callgrind callees" -- "$bin" --callees '^main$' tests/data/callgrind/rec-default.callgrind
expect_match "$out" "ncalls total Ir" "callgrind: call sub-header"
expect_match "$out" "main  ->       1      663  _dl_runtime_resolve_xsave" "callgrind: the first call line"
expect_match "$out" "               1     7204  fib" "callgrind: a next call line"
for f in fp.perf:perf fp.collapse:collapse fp.dtrace:dtrace; do
  expect_exit 0 "${f#*:}" -- "$bin" -f "${f#*:}" --stats --sort time --limit 3 "tests/data/perf/${f%:*}"
  expect_match "$out" "[0-9]+ functions in 49 samples" "${f#*:}: totals"
  expect_match "$out" "   ncalls  self samples  percall total samples  percall function" "${f#*:}: title"
  expect_match "$out" "        -            49                     49          burn" "${f#*:}: line"
done

finish
