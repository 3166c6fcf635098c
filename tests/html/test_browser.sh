#!/usr/bin/env bash
# The HTML view (-T html) in headless Chromium: tests/html/browser.js loads
# pages made here and checks the fragment keys, clicks, keys, search,
# zoom, the list, and that hostile names run nothing and load nothing.
# Skipped (77) when no Node or no Chromium is installed (.ci/packages has
# both).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
# sanitizer builds: the Graphviz leaks of tests/lsan.supp show only in full stacks
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
if ! command -v node >/dev/null; then
  echo "SKIP: no node"
  exit 77
fi
data=$src/tests/data/html
expect_exit 0 "myapp.html" -- "$bin" "$src/samples/myapp.stats" -o "$tmp/myapp.html"
expect_exit 0 "cycle.html" -- "$bin" -n0 -e0 "$data/cycle.collapse" -o "$tmp/cycle.html"
expect_exit 0 "hostile-callgrind.html" -- "$bin" -q -n0 -e0 "$data/hostile.callgrind" -o "$tmp/hostile-callgrind.html"
expect_exit 0 "hostile-pstats.html" -- "$bin" -q -n0 -e0 --href 'file:///src/{file}#L{line}' \
  "$data/hostile.pstats" -o "$tmp/hostile-pstats.html"
expect_exit 0 "hostile-json.html" -- "$bin" -q -n0 -e0 "$data/hostile.json" -o "$tmp/hostile-json.html"
node "$src/tests/html/browser.js" "$tmp" && rc=0 || rc=$?
[ "$rc" = 77 ] && exit 77
[ "$rc" = 0 ] && pass || fail "tests/html/browser.js failed (exit $rc)"
finish
