#!/usr/bin/env bash
# Regenerate the expected tables of the --stats golden tests from Python's
# own pstats: for each line of cases.tsv, run oracle.py with that pyenv
# Python and those arguments into expected/NAME.  First (re)make the
# hand-made pstats files of data/ with make_data.py.  Run from anywhere:
#     bash tests/report/make_expected.sh
# Needs the pyenv Pythons (PYENV_ROOT, default /root/.pyenv).  The tests
# themselves only read the committed files.
set -euo pipefail
set -f # arguments are regular expressions, never globs
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pyenv=${PYENV_ROOT:-/root/.pyenv}/versions

python_of() { # 3.8 -> the newest pyenv 3.8.x
  local v
  v=$(set +f; ls -d "$pyenv/$1".* 2>/dev/null | sort -V | tail -1)
  [ -n "$v" ] || { echo "make_expected.sh: no pyenv Python $1" >&2; exit 1; }
  echo "$v/bin/python"
}

for v in 2.7 3.8 3.13; do
  "$(python_of $v)" "$here/make_data.py" "$here/data/synth-$v.pstats"
done

mkdir -p "$here/expected"
cd "$root"
n=0
while IFS=$'\t' read -r version expected args; do
  case "$version" in ''|'#'*) continue ;; esac
  read -ra argv <<< "$args"
  "$(python_of "$version")" "$here/oracle.py" "${argv[@]}" > "$here/expected/$expected"
  n=$((n + 1))
done < "$here/cases.tsv"
echo "make_expected.sh: $n expected tables written"
