#!/usr/bin/env bash
# Issue 9 item 4: a progress line for inputs over 50 MB when stderr is a
# terminal (here a pseudo-terminal made by util-linux `script`), erased
# before anything else is printed; none with -q, none when stderr is not a
# terminal, none for small inputs.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"

# 60 MB that no sniffer knows: read whole, then a quick error.
yes 'hello world' | head -c 60000000 > "$tmp/big.txt"
printf 'a;b 1\n' > "$tmp/small.collapse"

if ! command -v script > /dev/null; then
  echo "note: no script program (util-linux), terminal cases skipped"
else
  # script -e returns the command's exit code; the pty output is the file
  script -qfec "'$bin' '$tmp/big.txt'" "$tmp/tty.log" > /dev/null 2>&1 && rc=0 || rc=$?
  [ "$rc" -eq 1 ] && pass || fail "big input on a terminal: exit $rc, expected 1"
  log=$(tr -d '\r' < "$tmp/tty.log")
  expect_match "$log" "prof2png: .*big.txt: [0-9.]+ MB of 60.0 MB \([0-9]+%\)" "progress line: bytes read of the total"
  expect_match "$log" "60.0 MB of 60.0 MB \(100%\), [0-9.]+ [kMG]?B/s" "progress line: the rate at the end"
  # erased (carriage return, erase to end of line) before the error message
  expect_match "$log" $'\e\\[K\e\\[Kprof2png: .*big.txt: cannot tell the format' "progress line erased before the error"
  script -qfec "'$bin' -q '$tmp/big.txt'" "$tmp/tty-q.log" > /dev/null 2>&1
  log=$(cat "$tmp/tty-q.log")
  case $log in *"MB of"*) fail "-q: a progress line was printed" ;; *) pass ;; esac
  script -qfec "'$bin' '$tmp/small.collapse'" "$tmp/tty-small.log" > /dev/null 2>&1
  case $(cat "$tmp/tty-small.log") in *" of "*" read"*|*"B of "*) fail "small input: a progress line was printed" ;; *) pass ;; esac
fi

# stderr not a terminal: only the error
expect_exit 1 "big input, stderr a file" -- "$bin" "$tmp/big.txt"
expect_match "$err" "^prof2png: .*big.txt: cannot tell the format" "no progress line when stderr is not a terminal"
case $err in *"MB of"*) fail "progress printed to a file" ;; *) pass ;; esac

finish
