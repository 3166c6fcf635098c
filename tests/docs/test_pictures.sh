#!/usr/bin/env bash
# The README's pictures are made by samples/make_pictures.sh: redraw them in a
# copy of samples/ and compare with the committed files, byte for byte (SVG,
# HTML, and PNG with its metadata; the same fonts and Graphviz give the same
# bytes).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
# --title/--legend draw an HTML-like label, where Graphviz 2.43 leaks a few
# hundred bytes; tests/lsan.supp names that Graphviz function, which ASan only
# sees with full stacks (as in tests/cli/test_pictures.sh).
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0"
mkdir -p "$tmp/samples"
cp "$src/samples/make_pictures.sh" "$src/samples/myapp.stats" "$tmp/samples/"
expect_exit 0 "make_pictures.sh" -- bash "$tmp/samples/make_pictures.sh" "$bin"
for f in myapp.png myapp.svg myapp.html; do
  cmp -s "$tmp/samples/$f" "$src/samples/$f" && pass || fail "samples/$f is not what samples/make_pictures.sh draws"
done
expect_exit 0 "--info" -- "$bin" --info "$src/samples/myapp.png"
expect_match "$out" "prof2png command line: prof2png samples/myapp.stats --title 'myapp.py under cProfile' --legend -o samples/myapp.png" "the PNG says how it was made"
finish
