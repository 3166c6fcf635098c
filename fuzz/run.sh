#!/usr/bin/env bash
# Run one libFuzzer target for a while.
#
#   fuzz/run.sh TARGET SECONDS [BUILD_DIR] [extra libFuzzer flags...]
#
# TARGET is a format name (pstats, prof, callgrind, ...) or "pipeline".
# BUILD_DIR (default build-fuzz) is a clang build made with
#   CC=clang cmake -S . -B build-fuzz -DP2P_FUZZ=ON -DP2P_TESTS=OFF
#   cmake --build build-fuzz -j2
# The corpus grows in BUILD_DIR/fuzz-work/TARGET (the committed seeds in
# fuzz/corpus/TARGET are read, never written); crashes, leaks and timeouts
# land in BUILD_DIR/fuzz-findings/TARGET/.  Copy a finding into
# fuzz/corpus/TARGET/ (as crash-<what>) once it is fixed: ctest replays it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
target=${1:?target}
secs=${2:?seconds}
build=${3:-$here/../build-fuzz}
shift $(( $# >= 3 ? 3 : $# ))
bin=$build/fuzz/fuzz_$target
[ -x "$bin" ] || { echo "no $bin: build with -DP2P_FUZZ=ON first" >&2; exit 2; }
work=$build/fuzz-work/$target
findings=$build/fuzz-findings/$target
mkdir -p "$work" "$findings"
dict=()
[ -f "$here/dict/$target.dict" ] && dict=(-dict="$here/dict/$target.dict")
seeds=()
[ -d "$here/corpus/$target" ] && seeds=("$here/corpus/$target")
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# -timeout: a 64 KiB input must never take seconds; -rss_limit_mb: memory
# in proportion to the input, so 2 GiB is far beyond any honest need.
exec "$bin" "$work" "${seeds[@]}" "${dict[@]}" \
  -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix="$findings/" -print_final_stats=1 "$@"
