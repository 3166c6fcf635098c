#!/usr/bin/env bash
# Regenerate the expected DOT of every golden case from a prof2png binary,
# and, when GPROF2DOT names a gprof2dot.py (kept outside this repository),
# check each one against gprof2dot's own output with the shared dotdiff tool.
#   usage: tests/golden/regen.sh BUILD/prof2png [DOTDIFF]
# Inputs gprof2dot cannot read (Python 2.7, 3.6-3.10 profile-module files)
# are converted by convert_pstats.py with the Python that wrote them, when
# PYENV names a pyenv root.
set -eu
bin=$(realpath "$1")
dotdiff=${2:-}
cd "$(dirname "$0")/../.."
while IFS=$'\t' read -r inputs args expected; do
  case "$inputs" in ''|'#'*) continue ;; esac
  # shellcheck disable=SC2086
  "$bin" $args $inputs > "tests/golden/$expected"
  if [ -n "${GPROF2DOT:-}" ] && [ -n "$dotdiff" ]; then
    # shellcheck disable=SC2086
    if python3 "$GPROF2DOT" $args $inputs > /tmp/regen-ref.dot 2>/dev/null; then
      "$dotdiff" --mask-addresses /tmp/regen-ref.dot "tests/golden/$expected" > /dev/null \
        && echo "ok      $expected" || echo "DIFFERS $expected"
    elif [ -n "${PYENV:-}" ] && [ "$inputs" = "${inputs%% *}" ]; then
      # gprof2dot cannot load it: convert with the Python that wrote it
      v=$(basename "$inputs" | grep -o '[23]\.[0-9]*' | head -1)
      py=$(ls -d "$PYENV"/versions/"$v".*/bin/python | head -1)
      "$py" tests/golden/convert_pstats.py "$inputs" /tmp/regen-conv.pstats
      # shellcheck disable=SC2086
      python3 "$GPROF2DOT" $args /tmp/regen-conv.pstats > /tmp/regen-ref.dot
      "$dotdiff" /tmp/regen-ref.dot "tests/golden/$expected" > /dev/null \
        && echo "ok      $expected (converted)" || echo "DIFFERS $expected (converted)"
    else
      echo "gprof2dot fails: $expected"
    fi
  fi
done < tests/golden/cases.tsv
