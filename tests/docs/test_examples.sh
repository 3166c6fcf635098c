#!/usr/bin/env bash
# The examples of the documentation are what the binary prints: each code
# block marked <!-- output: ARGS --> in README.md and docs/ is compared with
# the output of `prof2png ARGS` (tests/docs/check_examples.py).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
expect_exit 0 "the documentation's examples" -- python3 "$src/tests/docs/check_examples.py" "$bin" "$src" "$tmp"
echo "$out"
finish
