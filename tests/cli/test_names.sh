#!/usr/bin/env bash
# Issue 9 item 3: --hide, --focus, --ignore.  The input is
# tests/data/names/stacks.collapse (100 samples):
#   main;a;h;x 40   main;b;h;y 20   main;c 30   main;a;z 10
# so main 100%, a 50%, b 20%, c 30%, h 60%, x 40%, y 20%, z 10%, and the
# calls main->a 50, main->b 20, main->c 30, a->h 40, a->z 10, b->h 20,
# h->x 40, h->y 20.  The expected edges below are worked out by hand from
# the definitions in the README; the whole DOT is compared too
# (tests/data/names/*.dot).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
data=$src/tests/data/names

# The nodes and edges of a DOT graph as "name pct" and "a->b pct", sorted,
# on one line.
shape() {
  sed -n 's/^\t\([a-z]*\) \[.*label="[a-z]*\\n\([0-9.]*%\).*/\1 \2/p;
          s/^\t\([a-z]*\) -> \([a-z]*\) \[.*label="\([0-9.]*%\).*/\1->\2 \3/p' | sort | tr '\n' ',' | sed 's/,$//'
}

check() { # NAME EXPECTED-SHAPE OPTIONS...
  local name=$1 want=$2; shift 2
  expect_exit 0 "$name" -- "$bin" -n0 -e0 "$@" "$data/stacks.collapse"
  got=$(printf '%s\n' "$out" | shape)
  [ "$got" = "$want" ] && pass || fail "$name: got $got, expected $want"
  if [ -f "$data/$name.dot" ]; then
    [ "$out" = "$(cat "$data/$name.dot")" ] && pass || fail "$name: DOT differs from tests/data/names/$name.dot"
  fi
}

# No filter: the whole graph.
check plain "a 50.00%,a->h 40.00%,a->z 10.00%,b 20.00%,b->h 20.00%,c 30.00%,h 60.00%,h->x 40.00%,h->y 20.00%,main 100.00%,main->a 50.00%,main->b 20.00%,main->c 30.00%,x 40.00%,y 20.00%,z 10.00%"

# --hide h: a brings 40 of h's 60, b 20.  Joined calls share out h's calls
# in that proportion: a->x = 40/60*40 = 26.67, a->y = 40/60*20 = 13.33,
# b->x = 20/60*40 = 13.33, b->y = 20/60*20 = 6.67.  No node changes.
check hide "a 50.00%,a->x 26.67%,a->y 13.33%,a->z 10.00%,b 20.00%,b->x 13.33%,b->y 6.67%,c 30.00%,main 100.00%,main->a 50.00%,main->b 20.00%,main->c 30.00%,x 40.00%,y 20.00%,z 10.00%" --hide '^h$'

# --hide a and h (a first, in input order): main->a (50 of a's 50) gives
# main->h 40 and main->z 10; then h's callers are main (40) and b (20):
# main->x 26.67, main->y 13.33, b->x 13.33, b->y 6.67.
check hide-chain "b 20.00%,b->x 13.33%,b->y 6.67%,c 30.00%,main 100.00%,main->b 20.00%,main->c 30.00%,main->x 26.67%,main->y 13.33%,main->z 10.00%,x 40.00%,y 20.00%,z 10.00%" --hide '^(a|h)$'
# the same with two --hide options
check hide-chain "b 20.00%,b->x 13.33%,b->y 6.67%,c 30.00%,main 100.00%,main->b 20.00%,main->c 30.00%,main->x 26.67%,main->y 13.33%,main->z 10.00%,x 40.00%,y 20.00%,z 10.00%" --hide '^h$' --hide '^a$'

# --focus z: the paths through z are main->a->z.  Numbers stay the whole
# profile's (a keeps 50%).
check focus "a 50.00%,a->z 10.00%,main 100.00%,main->a 50.00%,z 10.00%" --focus z

# --focus x|y (a regular expression, matched anywhere): the paths through x
# or y go through h from a and from b; c and z are on none.
check focus-xy "a 50.00%,a->h 40.00%,b 20.00%,b->h 20.00%,h 60.00%,h->x 40.00%,h->y 20.00%,main 100.00%,main->a 50.00%,main->b 20.00%,x 40.00%,y 20.00%" --focus 'x|y'

# --ignore h: h goes, and x and y, which only h reaches; a and b stay with
# their totals (which still count the time below h).
check ignore "a 50.00%,a->z 10.00%,b 20.00%,c 30.00%,main 100.00%,main->a 50.00%,main->b 20.00%,main->c 30.00%,z 10.00%" --ignore '^h$'
check ignore-two "a 50.00%,a->z 10.00%,b 20.00%,main 100.00%,main->a 50.00%,main->b 20.00%,z 10.00%" --ignore '^h$' --ignore '^c$'

# --ignore runs before --focus: without b, the paths through h come from a.
check focus-ignore "a 50.00%,a->h 40.00%,h 60.00%,h->x 40.00%,h->y 20.00%,main 100.00%,main->a 50.00%,x 40.00%,y 20.00%" --focus '^h$' --ignore '^b$'

# Thresholds apply after the filters: -n 25 leaves main, a, c, h, x (the
# joined a->x of --hide h is 26.67%).
expect_exit 0 "hide then -n" -- "$bin" -n 25 -e0 --hide '^h$' "$data/stacks.collapse"
got=$(printf '%s\n' "$out" | shape)
[ "$got" = "a 50.00%,a->x 26.67%,c 30.00%,main 100.00%,main->a 50.00%,main->c 30.00%,x 40.00%" ] && pass ||
  fail "hide then -n 25: got $got"

# A path f -> h -> f joins nothing: hiding h leaves no f -> f call.
expect_exit 0 "hide in a recursion" -- "$bin" -n0 -e0 --hide '^h$' "$data/recursion.collapse"
case $out in *'f -> f '*) fail "hide in a recursion: a self call was made" ;; *) pass ;; esac
expect_match "$out" 'f -> leaf' "hide in a recursion keeps f -> leaf"

# A joined call added to a direct one keeps the direct call count: in
# myapp.stats, heavy -> time.sleep (2 calls, 48.26%) gains medium's share
# (48.98%) when medium is hidden.
expect_exit 0 "hide with call counts" -- "$bin" -n0 -e0 --hide medium "$src/samples/myapp.stats"
expect_match "$out" '4 -> 7 \[.*label="97\.24%\\n2×"' "heavy -> sleep after --hide medium"
case $out in *myapp:9:medium*) fail "medium is still drawn" ;; *) pass ;; esac

# Errors and warnings.
expect_exit 1 "focus matches nothing" -- "$bin" --focus nothing "$data/stacks.collapse"
expect_match "$err" "stacks.collapse: --focus: no function matches nothing$" "focus matches nothing message"
expect_exit 2 "invalid regex" -- "$bin" --hide '(' "$data/stacks.collapse"
expect_match "$err" "--hide: invalid regular expression '\(': " "invalid regex message"
expect_exit 2 "invalid focus regex" -- "$bin" --focus 'a[' "$data/stacks.collapse"
expect_exit 0 "hide matches nothing" -- "$bin" --hide nothing "$data/stacks.collapse"
expect_match "$err" "warning: --hide: no function matches nothing" "hide matches nothing warns"
expect_exit 0 "-q silences the warning" -- "$bin" -q --hide nothing "$data/stacks.collapse"
[ -z "$err" ] && pass || fail "-q: stderr not empty: $err"
expect_exit 0 "--quiet" -- "$bin" --quiet --ignore nothing "$data/stacks.collapse"
[ -z "$err" ] && pass || fail "--quiet: stderr not empty: $err"
expect_exit 2 "--hide needs an argument" -- "$bin" "$data/stacks.collapse" --hide

# --compare filters both profiles.
expect_exit 0 "compare with hide" -- "$bin" --compare -n0 -e0 --hide '^h$' "$data/stacks.collapse" "$data/stacks.collapse"
case $out in *'"h\n'*) fail "compare: h is drawn" ;; *) pass ;; esac

finish
