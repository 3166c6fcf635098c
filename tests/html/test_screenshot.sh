#!/usr/bin/env bash
# A screenshot of the HTML view (tests/html/screenshot.js, headless
# Chromium's Page.captureScreenshot) is a real PNG that shows the graph,
# a search's mark and the side panel (tests/html/check_screenshot.js).
# Skipped (77) without Node or Chromium.
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
expect_exit 0 "myapp.html" -- "$bin" "$src/samples/myapp.stats" -o "$tmp/myapp.html"
node "$src/tests/html/screenshot.js" "$tmp/myapp.html" "$tmp/shot.png" 1024x640 '#search=sleep&focus=light' && rc=0 || rc=$?
[ "$rc" = 77 ] && exit 77
[ "$rc" = 0 ] && pass || fail "screenshot.js failed (exit $rc)"
node "$src/tests/html/check_screenshot.js" "$tmp/shot.png" 1024 640 && pass || fail "the screenshot"
# the README's picture of the view is such a screenshot too
node "$src/tests/html/check_screenshot.js" "$src/samples/myapp.html.png" 1024 640 && pass || fail "samples/myapp.html.png"
finish
