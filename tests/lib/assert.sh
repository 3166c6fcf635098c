# Tiny assertion helpers for the shell tests.  Source it; call `finish` last.
fails=0
checks=0
pass() { checks=$((checks + 1)); }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL: $*" >&2; }
# expect_exit CODE DESCRIPTION -- COMMAND...   (stdout/stderr go to $out/$err)
expect_exit() {
  local want=$1 what=$2; shift 3
  out=$("$@" 2>"$tmp/stderr") && got=0 || got=$?
  err=$(cat "$tmp/stderr")
  if [ "$got" = "$want" ]; then pass; else fail "$what: exit $got, expected $want (stderr: $err)"; fi
}
expect_match() { # TEXT REGEX DESCRIPTION
  if printf '%s' "$1" | grep -Eq -- "$2"; then pass; else fail "$3: '$1' does not match /$2/"; fi
}
expect_absent() { if [ -e "$1" ]; then fail "$2: $1 exists"; else pass; fi; }
finish() {
  echo "$((checks - fails)) passed, $fails failed"
  [ "$fails" -eq 0 ]
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
