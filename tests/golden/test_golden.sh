#!/usr/bin/env bash
# Golden tests: every case in cases.tsv (inputs, options, expected DOT) must
# give exactly the expected bytes.  The expected files were made by
# regen.sh, which also checks each against gprof2dot when one is available.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
cd "$src"
while IFS=$'\t' read -r inputs args expected; do
  case "$inputs" in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086
  if "$bin" $args $inputs > "$tmp/out.dot" 2> "$tmp/err"; then
    if cmp -s "$tmp/out.dot" "tests/golden/$expected"; then pass
    else fail "$args $inputs: output differs from $expected"; diff "tests/golden/$expected" "$tmp/out.dot" | head -5 >&2; fi
  else
    fail "$args $inputs: exit $?: $(cat "$tmp/err")"
  fi
done < tests/golden/cases.tsv
finish
