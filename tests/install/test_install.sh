#!/usr/bin/env bash
# Packaging (issue 9): `cmake --install` into a DESTDIR puts the program, the
# man page, the themes, bash completion, the library with its headers and
# a pkg-config file that works; --version names the libraries.
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
build=$(cd "$(dirname "$bin")" && pwd)
cmake=${CMAKE_COMMAND:-cmake}

root=$tmp/root
expect_exit 0 "cmake --install" -- env DESTDIR="$root" "$cmake" --install "$build"
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
libdir=$(sed -n 's/^CMAKE_INSTALL_LIBDIR:PATH=//p' "$build/CMakeCache.txt")
libdir=${libdir:-lib}
case $libdir in /*) ;; *) libdir=$prefix/$libdir ;; esac
p=$root$prefix

for f in bin/prof2png share/man/man1/prof2png.1 share/prof2png/themes/color.theme \
         share/prof2png/themes/print.theme share/bash-completion/completions/prof2png \
         include/prof2png/prof2png.h include/prof2png/output.h; do
  [ -f "$p/$f" ] && pass || fail "not installed: $f"
done
[ -f "$root$libdir/libprof2png.a" ] && pass || fail "not installed: libprof2png.a"
[ -f "$root$libdir/pkgconfig/prof2png.pc" ] && pass || fail "not installed: prof2png.pc"
[ -x "$p/bin/prof2png" ] && pass || fail "prof2png not executable"

# the installed program runs, and --version names the libraries it uses
expect_exit 0 "--version" -- "$p/bin/prof2png" --version
expect_match "$out" '^prof2png [0-9]+\.[0-9]+\.[0-9]+' "--version: prof2png"
expect_match "$out" 'Graphviz [0-9]+\.[0-9]+' "--version: Graphviz"
expect_match "$out" 'cairo [0-9]+\.[0-9]+' "--version: cairo"
expect_match "$out" 'libpng [0-9]+\.[0-9]+\.[0-9]+' "--version: libpng"

# the man page: every long option of --help is in it, and man can read it
help=$("$bin" --help)
page=$(cat "$p/share/man/man1/prof2png.1")
missing=
for o in $(printf '%s\n' "$help" | grep -oE '^ +(-[a-zA-Z], )?--[a-z-]+' | grep -oE -- '--[a-z-]+'); do
  printf '%s' "$page" | grep -qF -- "\\fB$(printf '%s' "$o" | sed 's/-/\\-/g')\\fR" || missing="$missing $o"
done
[ -z "$missing" ] && pass || fail "man page lacks:$missing"
expect_match "$page" '^\.TH PROF2PNG 1 ' "man page header"
if command -v groff >/dev/null; then
  warn=$(groff -man -Tutf8 -ww -z "$p/share/man/man1/prof2png.1" 2>&1)
  [ -z "$warn" ] && pass || fail "groff warns: $warn"
fi

# themes installed are the built-in ones, usable with --theme
stats=$src/samples/myapp.stats
cmp -s <("$p/bin/prof2png" "$stats" --theme "$p/share/prof2png/themes/pink.theme") \
       <("$p/bin/prof2png" "$stats" -c pink) && pass || fail "installed pink.theme differs from -c pink"

# bash completion: loads, and completes options from --help and -f formats
out=$(PATH="$p/bin:$PATH" bash -c '
  . "$1"
  COMP_WORDS=(prof2png --leg); COMP_CWORD=1; _prof2png; echo "${COMPREPLY[*]}"
  COMP_WORDS=(prof2png -f call); COMP_CWORD=2; _prof2png; echo "${COMPREPLY[*]}"
  COMP_WORDS=(prof2png -c gr); COMP_CWORD=2; _prof2png; echo "${COMPREPLY[*]}"' _ "$p/share/bash-completion/completions/prof2png")
expect_match "$out" '^--legend$' "completion: --leg"
expect_match "$out" 'callgrind' "completion: -f call"
expect_match "$out" 'gray' "completion: -c gr"

# pkg-config: the .pc works, and a program builds and links against the
# installed static library and headers
if command -v pkg-config >/dev/null && command -v cc >/dev/null; then
  export PKG_CONFIG_PATH=$root$libdir/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
  expect_exit 0 "pkg-config --modversion" -- pkg-config --modversion prof2png
  expect_match "$out" '^[0-9]+\.[0-9]+\.[0-9]+$' "pkg-config version"
  expect_exit 0 "pkg-config --cflags --libs" -- pkg-config --cflags --libs prof2png
  expect_match "$out" "-I$root$prefix/include" "pkg-config cflags in DESTDIR"
  expect_match "$out" "-lprof2png" "pkg-config libs"
  cat >"$tmp/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <prof2png/prof2png.h>
int main(void)
{
    p2p_theme t;
    if (p2p_theme_builtin("color", &t) != 0)
        return 1;
    char hex[8];
    p2p_theme_color(&t, 1.0, hex);
    printf("%s %s\n", PROF2PNG_VERSION, hex);
    return strcmp(hex, "#ff0000") != 0;
}
C
  # A library built with -DP2P_SANITIZE=ON holds ASan/UBSan calls: a program
  # linking it needs the same runtime, as any user of such a build would.
  san=()
  grep -q '^P2P_SANITIZE:BOOL=ON$' "$build/CMakeCache.txt" && san=(-fsanitize=address,undefined)
  # shellcheck disable=SC2046
  expect_exit 0 "cc with pkg-config" -- cc -std=c11 "${san[@]}" -o "$tmp/use" "$tmp/use.c" $(pkg-config --cflags --libs prof2png)
  expect_exit 0 "run the program" -- "$tmp/use"
  expect_match "$out" ' #ff0000$' "the library works"

  # `cmake --install --prefix DIR` (no DESTDIR): the .pc names DIR, the
  # prefix given at install time, and a program outside the tree builds
  # with it alone
  x=$tmp/x
  expect_exit 0 "cmake --install --prefix" -- "$cmake" --install "$build" --prefix "$x"
  xpc=$(find "$x" -name prof2png.pc)
  expect_match "$(cat "$xpc")" "^prefix=$x\$" ".pc prefix is the --prefix"
  export PKG_CONFIG_PATH=$(dirname "$xpc")
  unset PKG_CONFIG_SYSROOT_DIR
  # shellcheck disable=SC2046
  expect_exit 0 "cc with the --prefix .pc" -- cc -std=c11 "${san[@]}" -o "$tmp/use2" "$tmp/use.c" $(pkg-config --cflags --libs prof2png)
  expect_exit 0 "run the --prefix program" -- "$tmp/use2"
  expect_match "$out" ' #ff0000$' "the --prefix library works"
fi

finish
