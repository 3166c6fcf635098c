#!/usr/bin/env bash
# Redraw the README's pictures of the sample profile with prof2png itself.
#   samples/make_pictures.sh [PROF2PNG]      (default: build/prof2png)
# Run from anywhere: it works in the folder above samples/, so the command
# line that prof2png records in the PNG is the same on every machine.
# tests/docs/test_pictures.sh checks that the committed pictures are what
# this script draws.
set -euo pipefail
bin=${1:-build/prof2png}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
cd "$(dirname "$0")/.."
"$bin" samples/myapp.stats --title 'myapp.py under cProfile' --legend -o samples/myapp.png
"$bin" samples/myapp.stats -o samples/myapp.svg
