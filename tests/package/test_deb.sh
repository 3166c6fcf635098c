#!/usr/bin/env bash
# The Debian package (docs/packaging.md): `cpack -G DEB` in the build folder
# makes a .deb that lintian finds no error in, that holds everything
# `cmake --install` installs (man page compressed) plus its copyright and
# changelog, whose dependencies dpkg-shlibdeps found, and whose program,
# unpacked with dpkg -x, renders the sample.  Exit 77 (skipped) in a
# sanitizer build, and without cpack's Debian tools or lintian
# (.ci/packages installs them).
set -u
bin=$1
src=${P2P_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$src/tests/lib/assert.sh"
build=$(cd "$(dirname "$bin")" && pwd)
cmake=${CMAKE_COMMAND:-cmake}
cpack=$(dirname "$cmake")/cpack
[ -x "$cpack" ] || cpack=cpack

for tool in "$cpack" dpkg-deb dpkg-shlibdeps file lintian; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
[ -f "$build/CPackConfig.cmake" ] || { echo "SKIP: no CPackConfig.cmake (CMake < 3.19)"; exit 77; }
# Packages are made from ordinary builds; a sanitizer build's would need
# libasan, and would take the same 15 s of CPU again to show nothing new.
if grep -q '^P2P_SANITIZE:BOOL=ON$' "$build/CMakeCache.txt" && [ -z "${P2P_PACKAGE_SANITIZED:-}" ]; then
  echo "SKIP: sanitizer build (P2P_PACKAGE_SANITIZED=1 to run anyway)"; exit 77
fi

# ---- build the package, as a user does (into $tmp, not the build folder)
expect_exit 0 "cpack -G DEB" -- "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/pkg"
debs=("$tmp"/pkg/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] && pass || fail "cpack made ${#debs[@]} .deb files: ${debs[*]}"
deb=${debs[0]}
arch=$(dpkg --print-architecture)
expect_match "$(basename "$deb")" "^prof2png_[0-9]+\.[0-9]+\.[0-9]+_${arch}\.deb$" "Debian file name"

# ---- lintian: no error (warnings are printed, and documented in docs/packaging.md)
lint=$(lintian --fail-on error "$deb" 2>&1) && rc=0 || rc=$?
printf '%s\n' "$lint" | grep -v 'running with root privileges'
[ "$rc" -eq 0 ] && pass || fail "lintian exit $rc"
printf '%s\n' "$lint" | grep -q '^E:' && fail "lintian reports errors" || pass

# ---- control fields
field() { dpkg-deb -f "$deb" "$1"; }
expect_match "$(field Package)" '^prof2png$' "Package"
expect_match "$(field Version)" '^[0-9]+\.[0-9]+\.[0-9]+' "Version"
expect_match "$(field Section)" '^[a-z]+' "Section"
expect_match "$(field Priority)" '^optional$' "Priority"
expect_match "$(field Maintainer)" '^[^<]+ <[^@ ]+@[^> ]+>$' "Maintainer"
# dpkg-shlibdeps, not a hand-written list: versioned libc, and Graphviz's
# libgvc whose own package holds the cairo renderer (libgvplugin_pango)
depends=$(field Depends)
echo "Depends: $depends"
expect_match "$depends" 'libc6 \(>= [0-9.]+\)' "Depends: libc6 from dpkg-shlibdeps"
expect_match "$depends" '(^|, )libgvc[0-9]+' "Depends: libgvc"
[ "$(field Description | wc -l)" -gt 2 ] && pass || fail "Description has no long part"

# ---- the file list: what `cmake --install --prefix /usr` installs, man
# pages compressed, plus the copyright and changelog
dpkg-deb -c "$deb" >"$tmp/list" && pass || fail "dpkg-deb -c"
awk '{ print $6 }' "$tmp/list" | sed 's#^\./#/#' | grep -v '/$' | sort >"$tmp/files"
awk '$2 != "root/root"' "$tmp/list" | grep -q . && fail "files not owned by root: $(awk '$2 != "root/root"' "$tmp/list")" || pass
grep -E '^[-d].......w' "$tmp/list" && fail "world-writable files" || pass
expect_exit 0 "cmake --install --prefix /usr" -- env DESTDIR="$tmp/stage" "$cmake" --install "$build" --prefix /usr
(cd "$tmp/stage" && find . ! -type d) | sed 's#^\.##; s#^\(/usr/share/man/.*\)#\1.gz#' | sort >"$tmp/installed"
missing=$(comm -23 "$tmp/installed" "$tmp/files")
[ -z "$missing" ] && pass || fail "installed but not in the package: $missing"
extra=$(comm -13 "$tmp/installed" "$tmp/files" | grep -v '^/usr/share/doc/prof2png/\(copyright\|changelog.gz\)$')
[ -z "$extra" ] && pass || fail "in the package but not installed: $extra"
has() { grep -qxE -- "$1" "$tmp/files" && pass || fail "not in the package: $1"; }
has /usr/bin/prof2png
has /usr/share/man/man1/prof2png\.1\.gz
has /usr/share/bash-completion/completions/prof2png
for t in "$src"/themes/*.theme; do has "/usr/share/prof2png/themes/$(basename "$t")"; done
has /usr/include/prof2png/prof2png\.h
has '/usr/lib/([^/]+/)?pkgconfig/prof2png\.pc'
has '/usr/lib/([^/]+/)?libprof2png\.(a|so\.[0-9.]+)'
has /usr/share/doc/prof2png/copyright
has /usr/share/doc/prof2png/changelog\.gz
grep -qE '^-rwxr-xr-x .* \./usr/bin/prof2png$' "$tmp/list" && pass || fail "prof2png is not 0755"

# a shared library brings its shlibs file and the ldconfig trigger
dpkg-deb -e "$deb" "$tmp/control" && pass || fail "dpkg-deb -e"
if grep -qE '/libprof2png\.so\.[0-9]' "$tmp/files"; then
  grep -qE '^libprof2png [0-9]+ prof2png' "$tmp/control/shlibs" 2>/dev/null && pass || fail "no shlibs entry for libprof2png"
  grep -qx 'activate-noawait ldconfig' "$tmp/control/triggers" 2>/dev/null && pass || fail "no ldconfig trigger"
fi

# ---- unpack it and use it: the program renders the sample, its DOT is the
# build's; the man page, changelog and .pc are usable
root=$tmp/root
expect_exit 0 "dpkg -x" -- dpkg -x "$deb" "$root"
libdirs=$(find "$root/usr/lib" -maxdepth 2 -name 'libprof2png.so*' -printf '%h\n' | sort -u | paste -sd:)
export LD_LIBRARY_PATH=${libdirs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
p2p=$root/usr/bin/prof2png
stats=$src/samples/myapp.stats
if [ -n "$libdirs" ]; then
  ldd "$p2p" | grep -q "$root/usr/lib" && pass || fail "the unpacked program does not load the packaged library"
fi
expect_exit 0 "unpacked prof2png renders PNG" -- "$p2p" "$stats" -o "$tmp/out.png"
[ "$(head -c 8 "$tmp/out.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] && pass || fail "out.png is not a PNG"
expect_exit 0 "unpacked prof2png writes DOT" -- "$p2p" "$stats"
[ "$out" = "$("$bin" "$stats")" ] && pass || fail "the unpacked program's DOT differs from the build's"
page=$(gzip -dc "$root/usr/share/man/man1/prof2png.1.gz")
expect_match "$page" '^\.TH PROF2PNG 1 ' "compressed man page"
log=$(gzip -dc "$root/usr/share/doc/prof2png/changelog.gz")
expect_match "$log" "^prof2png \($(field Version)\) " "changelog names the version"
pc=$(find "$root/usr/lib" -name prof2png.pc)
expect_match "$(cat "$pc")" '^prefix=/usr$' ".pc prefix is /usr"

# a C program builds against the unpacked headers, .pc and library
if command -v pkg-config >/dev/null && command -v cc >/dev/null; then
  printf '#include <prof2png/prof2png.h>\n#include <stdio.h>\nint main(void) { p2p_theme t; if (p2p_theme_builtin("gray", &t)) return 1; puts(PROF2PNG_VERSION); return 0; }\n' >"$tmp/use.c"
  san=()
  grep -q '^P2P_SANITIZE:BOOL=ON$' "$build/CMakeCache.txt" && san=(-fsanitize=address,undefined)
  # shellcheck disable=SC2046
  expect_exit 0 "cc with the package's .pc" -- cc -std=c11 "${san[@]}" -o "$tmp/use" "$tmp/use.c" \
    $(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags --libs prof2png)
  expect_exit 0 "run the program" -- "$tmp/use"
  expect_match "$out" '^[0-9]+\.[0-9]+\.[0-9]+$' "the packaged library works"
fi

finish
