#!/usr/bin/env bash
# Redraw the README's pictures of the sample profile with prof2png itself.
#   samples/make_pictures.sh [PROF2PNG] [--screenshot]  (default: build/prof2png)
# Run from anywhere: it works in the folder above samples/, so the command
# line that prof2png records in the PNG and the HTML page is the same on
# every machine.  tests/docs/test_pictures.sh checks that the committed
# pictures are what this script draws.  --screenshot also redraws
# samples/myapp.html.png, the README's picture of the HTML view, with
# headless Chromium (tests/html/screenshot.js; its pixels depend on the
# browser and fonts, so no test compares them byte for byte).
set -euo pipefail
bin=build/prof2png
shot=false
for a in "$@"; do
  case $a in
    --screenshot) shot=true ;;
    *) bin=$a ;;
  esac
done
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cd "$(dirname "$0")/.."
"$bin" samples/myapp.stats --title 'myapp.py under cProfile' --legend -o samples/myapp.png
"$bin" samples/myapp.stats -o samples/myapp.svg
"$bin" samples/myapp.stats --title 'myapp.py under cProfile' -o samples/myapp.html
if $shot; then
  node tests/html/screenshot.js samples/myapp.html samples/myapp.html.png 1024x640 '#search=sleep&focus=light'
fi
