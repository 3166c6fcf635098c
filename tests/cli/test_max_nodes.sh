#!/usr/bin/env bash
# Issue 8: --max-nodes N.  The input is tests/data/maxnodes/stacks.collapse
# (100 samples):
#   main;a;h;x 40   main;b;h;y 20   main;c 30   main;a;z 10
# so main 100%, h 60%, a 50%, x 40%, c 30%, b 20%, y 20%, z 10%, and the
# calls main->a 50, main->b 20, main->c 30, a->h 40, a->z 10, b->h 20,
# h->x 40, h->y 20.  The expected graphs are worked out by hand from the
# rule in --help and the README: the N heaviest nodes (ties by id), calls
# between them as they are, and one dotted edge, without label, where kept
# nodes were joined only through dropped ones, coloured by the widest path
# (the largest, over such paths, of the smallest edge percentage on it).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
data=$src/tests/data/maxnodes

# Nodes as "name", plain edges as "a->b pct", dotted ones as "a~>b"; sorted,
# on one line.
shape() {
  sed -n 's/^\t\([a-z]*\) \[.*label="[a-z]*\\n.*/\1/p;
          s/^\t\([a-z]*\) -> \([a-z]*\) \[.*label="\([0-9.]*%\).*/\1->\2 \3/p;
          s/^\t\([a-z]*\) -> \([a-z]*\) \[.*label="".*style=dotted\].*/\1~>\2/p' | sort | tr '\n' ',' | sed 's/,$//'
}

# The colour of the edge a -> b in a DOT graph.
edge_color() { # DOT A B
  printf '%s\n' "$1" | sed -n "s/^\t$2 -> $3 \[.* color=\"\(#[0-9a-f]*\)\".*/\1/p"
}

check() { # NAME EXPECTED-SHAPE OPTIONS...
  local name=$1 want=$2; shift 2
  expect_exit 0 "$name" -- "$bin" -n0 -e0 "$@" "$data/stacks.collapse"
  got=$(printf '%s\n' "$out" | shape)
  [ "$got" = "$want" ] && pass || fail "$name: got $got, expected $want"
  nodes=$(printf '%s\n' "$out" | grep -c '^	[a-z]* \[color=')
  dotted=$(printf '%s\n' "$out" | grep -c 'style=dotted')
  wantn=$(printf '%s' "$want" | tr ',' '\n' | grep -vc -- '[-~]>')
  wantd=$(printf '%s' "$want" | tr ',' '\n' | grep -c -- '~>')
  [ "$nodes" = "$wantn" ] && pass || fail "$name: $nodes nodes, expected $wantn"
  [ "$dotted" = "$wantd" ] && pass || fail "$name: $dotted dotted edges, expected $wantd"
}

expect_exit 0 "no option" -- "$bin" -n0 -e0 "$data/stacks.collapse"
full=$out
all="a,a->h 40.00%,a->z 10.00%,b,b->h 20.00%,c,h,h->x 40.00%,h->y 20.00%,main,main->a 50.00%,main->b 20.00%,main->c 30.00%,x,y,z"
check all "$all"

# 0, and any N at least the number of nodes: the graph as without the option,
# byte for byte.
for n in 0 8 9 1000; do
  expect_exit 0 "--max-nodes $n" -- "$bin" -n0 -e0 --max-nodes "$n" "$data/stacks.collapse"
  [ "$out" = "$full" ] && pass || fail "--max-nodes $n: DOT differs from the graph without the option"
done

# 7: z (10%) goes; nothing is joined through it.
check seven "a,a->h 40.00%,b,b->h 20.00%,c,h,h->x 40.00%,h->y 20.00%,main,main->a 50.00%,main->b 20.00%,main->c 30.00%,x,y" --max-nodes 7
# 6: b and y tie at 20%: b, first by id, stays.
check six "a,a->h 40.00%,b,b->h 20.00%,c,h,h->x 40.00%,main,main->a 50.00%,main->b 20.00%,main->c 30.00%,x" --max-nodes 6
# 5: b goes; main reached h through b only: one dotted edge main~>h.
check five "a,a->h 40.00%,c,h,h->x 40.00%,main,main->a 50.00%,main->c 30.00%,main~>h,x" --max-nodes 5
# 3: main, h, a; the dotted edge has the weight of main->b->h: 20%.
check three "a,a->h 40.00%,h,main,main->a 50.00%,main~>h" --max-nodes 3
expect_exit 0 "three, colour" -- "$bin" -n0 -e0 --max-nodes 3 "$data/stacks.collapse"
[ "$(edge_color "$out" main h)" = "$(edge_color "$full" b h)" ] && pass ||
  fail "--max-nodes 3: main~>h is not coloured as a 20% edge"
# 2: main and h; the widest path is main->a->h (min 50, 40 = 40%), not
# main->b->h (20%).
check two "h,main,main~>h" --max-nodes 2
expect_exit 0 "two, colour" -- "$bin" -n0 -e0 --max-nodes 2 "$data/stacks.collapse"
[ "$(edge_color "$out" main h)" = "$(edge_color "$full" a h)" ] && pass ||
  fail "--max-nodes 2: main~>h is not coloured as a 40% edge"
check one "main" --max-nodes 1

# After the other steps: -n 25 leaves main, h, a, x, c; then 3 of them.
check after-n "a,a->h 40.00%,h,main,main->a 50.00%" -n 25 --max-nodes 3
# --hide a joins main to h (40%), a plain edge; then 2 nodes.
check after-hide "h,main,main->h 40.00%" --hide '^a$' --max-nodes 2
# -z a: a, h, x, z; then 2: a and h.
check after-root "a,a->h 40.00%,h" -z a --max-nodes 2
# By self time: x 40, c 30, y 20, z 10 are heaviest; none calls another.
check selftime "c,x" --color-nodes-by-selftime --max-nodes 2

# Determinism: the same bytes on every run, and whatever the order of the
# input's lines.
expect_exit 0 "run 1" -- "$bin" -n0 -e0 --max-nodes 3 "$data/stacks.collapse"
first=$out
expect_exit 0 "run 2" -- "$bin" -n0 -e0 --max-nodes 3 "$data/stacks.collapse"
[ "$out" = "$first" ] && pass || fail "--max-nodes 3: two runs differ"
tac "$data/stacks.collapse" >"$tmp/reversed.collapse"
expect_exit 0 "reversed input" -- "$bin" -n0 -e0 --max-nodes 6 "$tmp/reversed.collapse"
got=$(printf '%s\n' "$out" | shape)
[ "$got" = "a,a->h 40.00%,b,b->h 20.00%,c,h,h->x 40.00%,main,main->a 50.00%,main->b 20.00%,main->c 30.00%,x" ] &&
  pass || fail "--max-nodes 6 on reversed input: got $got"

# Pictures work too.
if "$bin" --version 2>/dev/null | grep -qi graphviz; then
  expect_exit 0 "svg" -- "$bin" -n0 -e0 --max-nodes 2 -T svg "$data/stacks.collapse"
  expect_match "$out" 'stroke-dasharray' "svg: the dotted edge is drawn dotted"
fi

# Bad values: usage errors (exit 2), one line, nothing on stdout.
for v in x -1 1.5 '' 2x 99999999999999999999; do
  expect_exit 2 "--max-nodes '$v'" -- "$bin" --max-nodes "$v" "$data/stacks.collapse"
  expect_match "$err" "^prof2png: --max-nodes: expected an integer >= 0, found '$v'$" "--max-nodes '$v': message"
  [ -z "$out" ] && pass || fail "--max-nodes '$v': stdout not empty"
done
expect_exit 2 "--max-nodes with --compare" -- "$bin" --compare --max-nodes 3 "$data/stacks.collapse" "$data/stacks.collapse"
expect_match "$err" "^prof2png: --max-nodes does not work with --compare$" "--compare: message"

finish
