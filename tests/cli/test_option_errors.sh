#!/usr/bin/env bash
# Issue 6: every option's error cases.  A bad value is a usage error (exit 2)
# with one line on stderr that names the option, says what was expected and
# quotes what was found; nothing is written to stdout or to -o.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
stats=$src/samples/myapp.stats
cg=$src/tests/data/callgrind/rec-cachesim.callgrind

# usage_error DESCRIPTION REGEX ARGS...: exit 2, one line matching REGEX,
# no DOT on stdout and no output file.
usage_error() {
  local what=$1 re=$2; shift 2
  rm -f "$tmp/out.png"
  expect_exit 2 "$what" -- "$bin" "$@" -o "$tmp/out.png"
  expect_match "$err" "^prof2png: $re" "$what: message"
  [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && pass || fail "$what: one line on stderr, got: $err"
  [ -z "$out" ] && pass || fail "$what: stdout not empty"
  expect_absent "$tmp/out.png" "$what"
}

# Threads: a bad regular expression, --list-threads with --compare, and a
# format that names no threads (exit 1: the input cannot answer).
usage_error "--thread 'a('" "--thread: invalid regular expression 'a\\(': " -f pstats --thread 'a(' "$stats"
usage_error "--list-threads --compare" "--list-threads does not work with --compare" \
  -f pstats --compare --list-threads "$stats" "$stats"
for opt in "--thread main" --list-threads; do
  # shellcheck disable=SC2086
  expect_exit 1 "$opt on pstats" -- "$bin" -f pstats $opt "$stats" -o "$tmp/out.png"
  expect_match "$err" "^prof2png: .*myapp.stats: the input names no threads or processes" "$opt on pstats: message"
  expect_absent "$tmp/out.png" "$opt on pstats"
done

# Numbers.
for v in abc '' 1e999 nan 12x; do
  usage_error "-n '$v'" "-n/--node-thres: expected a percentage, found '$v'" -f pstats -n "$v" "$stats"
  usage_error "-e '$v'" "-e/--edge-thres: expected a percentage, found '$v'" -f pstats -e "$v" "$stats"
done
for v in -1 abc inf -inf nan; do
  usage_error "--skew '$v'" "--skew: expected a finite number >= 0, found '$v'" -f pstats --skew "$v" "$stats"
done
for v in x -2 1.5 99999999999999999999; do
  usage_error "--depth '$v'" "--depth: expected an integer >= -1, found '$v'" -f pstats -z main --depth "$v" "$stats"
done
for v in x -1 1.5 99999999999999999999; do
  usage_error "--max-nodes '$v'" "--max-nodes: expected an integer >= 0, found '$v'" -f pstats --max-nodes "$v" "$stats"
done
for v in x -1 0; do
  usage_error "--compare-tolerance '$v'" "--compare-tolerance: expected a percentage > 0, found '$v'" \
    -f pstats --compare --compare-tolerance "$v" "$stats" "$stats"
done

# Colour maps and themes.
usage_error "bad colour map" "invalid colormap 'nosuch' \(expected bw, color, gray, pink, print, or a .theme file\)" \
  -f pstats -c nosuch "$stats"
usage_error "bad --colourmap" "invalid colormap 'rainbow'" -f pstats --colourmap rainbow "$stats"

# Labels and formats.
usage_error "bad node label" "--node-label: expected self-time, self-time-percentage, total-time or total-time-percentage, found 'nosuch'" \
  -f pstats --node-label nosuch "$stats"
usage_error "node label, wrong case" "--node-label: .*found 'Self-Time'" -f pstats --node-label Self-Time "$stats"
for v in '%d' '%s' '%.3f%s' '%.3f %g' 'plain' '%n'; do
  usage_error "--time-format '$v'" "--time-format: expected a printf format with one e, f or g conversion, found '$v'" \
    -f pstats --time-format "$v" "$stats"
done
usage_error "bad -T" "-T: unknown output format 'nosuch'" -f pstats -T nosuch "$stats"
usage_error "bad --total" "--total: expected callratios or callstacks, found 'nosuch'" -f pstats --total nosuch "$stats"
usage_error "bad format" "invalid format 'nosuch' \(expected .*pstats.*\)" -f nosuch "$stats"

# --compare needs exactly two inputs.
usage_error "compare with one file" "--compare needs two input files" -f pstats --compare "$stats"
usage_error "compare with three files" "--compare needs two input files" -f pstats --compare "$stats" "$stats" "$stats"
# gprof2dot takes args[0], args[1] for some formats and args[-2], args[-1] for
# others; prof2png does not guess which two files are meant.

# --event names an event of the file; the message lists the events it has.
expect_exit 2 "unknown event" -- "$bin" -f callgrind --event nosuch "$cg"
expect_match "$err" "--event: no event 'nosuch' in this input \(its events: Ir Dr " "unknown event: lists the events"

# Report options.
usage_error "--sort without --stats" "--sort, --limit and --filter need --stats, --callers or --callees" \
  -f pstats --sort time "$stats"
usage_error "bad --sort key" "--sort: unknown key 'nosuch'" -f pstats --stats --sort nosuch "$stats"
usage_error "bad --limit" "--limit: expected a count .*found 'x'" -f pstats --stats --limit x "$stats"
usage_error "bad --filter" "--filter: invalid regular expression '\('" -f pstats --stats --filter '(' "$stats"

# Missing values and unknown options.
expect_exit 2 "-z without a value" -- "$bin" -f pstats -z
expect_match "$err" "^prof2png: option -z needs an argument" "-z without a value: message"
usage_error "unknown option" "unknown or ambiguous option --no-such-option" -f pstats --no-such-option "$stats"
usage_error "no input" "no input file given" -f pstats

finish
