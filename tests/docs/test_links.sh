#!/usr/bin/env bash
# Every link of README.md and docs/ leads to a file or folder of the
# repository, every #anchor to a heading, and every docs/<file>.md#<anchor> that
# a comment of the code cites exists (tests/docs/check_links.py).  Links to
# pages that work in progress will add are listed in pending-links.txt.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
: "$bin"
expect_exit 0 "links and anchors of the documentation" -- python3 "$src/tests/docs/check_links.py" "$src"
echo "$out"
finish
