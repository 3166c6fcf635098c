#!/usr/bin/env bash
# Fold what a fuzzing run found into the committed corpus: the inputs of
# BUILD_DIR/fuzz-work/TARGET that reach code the committed corpus does not,
# at most MAX_LEN bytes each, become fuzz/corpus/TARGET/found-<sha1>, and
# ctest replays them from then on.
#
#   fuzz/merge.sh TARGET [BUILD_DIR] [MAX_LEN]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?target}
build=${2:-$here/../build-fuzz}
max=${3:-2048}
bin=$build/fuzz/fuzz_$target
work=$build/fuzz-work/$target
[ -x "$bin" ] && [ -d "$work" ] || { echo "no $bin or $work" >&2; exit 2; }
corpus=$here/corpus/$target
mkdir -p "$corpus"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$corpus"/* "$tmp"/ 2> /dev/null || true
before=$(ls "$tmp" | wc -l)
"$bin" -merge=1 -max_len="$max" -timeout=10 -rss_limit_mb=2048 "$tmp" "$work" 2>&1 | grep MERGE-OUTER | tail -1
added=0
for f in "$tmp"/*; do
  name=${f##*/}
  [ -e "$corpus/$name" ] && continue
  cp "$f" "$corpus/found-$name"
  added=$((added + 1))
done
echo "$target: $before inputs, $added added ($(cat "$corpus"/found-* 2> /dev/null | wc -c) bytes of found-* in all)"
