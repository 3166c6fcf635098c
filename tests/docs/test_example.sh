#!/usr/bin/env bash
# docs/example: the Make and CMake builds draw the SVG, and redraw it only
# when the profile changes.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
# Sanitizer builds: Graphviz 2.43 loses a few bytes of each HTML-like label
# (--title, --legend); tests/lsan.supp names the Graphviz function, which only
# a full stack reaches (libgvc has no frame pointers for the fast unwinder).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
cmake=${CMAKE_COMMAND:-cmake}
ex=$src/docs/example
cp "$src/samples/myapp.stats" "$tmp/p.stats"
touch -d '2020-01-01 00:00' "$tmp/p.stats"
mtime() { stat -c %Y "$1"; }

if command -v make >/dev/null; then
  # the Makefile itself is a prerequisite: give it an old time in a copy
  cp "$ex/Makefile" "$tmp/Makefile"
  touch -d '2020-01-01 00:00' "$tmp/Makefile"
  mk=(make -s -C "$tmp" PROF2PNG="$bin" PROFILE="$tmp/p.stats" SVG="$tmp/m.svg")
  expect_exit 0 "make" -- "${mk[@]}"
  [ -s "$tmp/m.svg" ] && grep -q '<svg' "$tmp/m.svg" && pass || fail "make drew no svg"
  grep -q 'xlink:href="https://example.org/src/myapp.py#L25"' "$tmp/m.svg" && pass || fail "make: no links"
  touch -d '2021-01-01 00:00' "$tmp/m.svg"
  expect_exit 0 "make again" -- "${mk[@]}"
  [ "$(mtime "$tmp/m.svg")" = "$(date -d '2021-01-01 00:00' +%s)" ] && pass || fail "make redrew an up-to-date svg"
  touch "$tmp/p.stats"
  expect_exit 0 "make after a new profile" -- "${mk[@]}"
  [ "$(mtime "$tmp/m.svg")" -gt "$(date -d '2021-01-01 00:00' +%s)" ] && pass || fail "make did not redraw"
fi

touch -d '2020-01-01 00:00' "$tmp/p.stats"
expect_exit 0 "cmake configure" -- "$cmake" -S "$ex" -B "$tmp/b" -DPROF2PNG="$bin" -DPROFILE="$tmp/p.stats"
expect_exit 0 "cmake build" -- "$cmake" --build "$tmp/b"
[ -s "$tmp/b/callgraph.svg" ] && pass || fail "cmake drew no svg"
touch -d '2021-01-01 00:00' "$tmp/b/callgraph.svg"
expect_exit 0 "cmake build again" -- "$cmake" --build "$tmp/b"
[ "$(mtime "$tmp/b/callgraph.svg")" = "$(date -d '2021-01-01 00:00' +%s)" ] && pass || fail "cmake redrew an up-to-date svg"
touch "$tmp/p.stats"
expect_exit 0 "cmake build after a new profile" -- "$cmake" --build "$tmp/b"
[ "$(mtime "$tmp/b/callgraph.svg")" -gt "$(date -d '2021-01-01 00:00' +%s)" ] && pass || fail "cmake did not redraw"

finish
