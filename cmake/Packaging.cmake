# The Debian package: `cpack -G DEB` in the build folder packs what the
# install rules install (the program, man page, completions, themes, the
# library with its headers and pkg-config file) under /usr, with a
# copyright file and a changelog added by cmake/deb_stage.cmake.  How to
# build and install it: docs/packaging.md.

if(CMAKE_VERSION VERSION_LESS 3.19)
  message(STATUS "The Debian package needs CMake 3.19 (CPACK_PRE_BUILD_SCRIPTS): no cpack set-up")
  return()
endif()

set(P2P_DEB_MAINTAINER "prof2png maintainers <prof2png@example.invalid>" CACHE STRING
    "Maintainer field of the Debian package (\"Name <address>\")")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME prof2png)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR prof2png)
set(CPACK_PACKAGE_CONTACT "${P2P_DEB_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_P2P_STRIP ${CMAKE_STRIP})
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
    GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "call graph pictures from profiler output")
# The long description, under the summary; CPack indents its lines.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "prof2png reads the output of a profiler (Python's cProfile, gprof,
callgrind, perf script, collapsed stacks, DTrace, Java HPROF, VTune,
xperf, Very Sleepy, Sysprof or gprof2dot's JSON), builds the weighted call
graph, finds recursion cycles, propagates time, prunes what is under the
thresholds and colours nodes and edges by their share of the total.
.
It writes DOT, as gprof2dot does, or renders PNG, SVG or PDF itself
through Graphviz's library, with no dot program needed.
.
The package also holds the library, libprof2png, with its headers and
a pkg-config file.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${P2P_DEB_MAINTAINER}")
# Depends: from dpkg-shlibdeps over the ELF files in the package.  PNG, SVG
# and PDF are drawn by Graphviz's cairo plugin (libgvplugin_pango), which is
# in libgvc6 itself: no plugin package is needed.  Fonts come through
# pango's fontconfig, whose configuration package depends on a font.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# A shared library in the package gets a shlibs file and the ldconfig trigger.
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# libzip is loaded with dlopen() to read Very Sleepy archives only
# (src/parse/sleepy.c), so dpkg-shlibdeps cannot see it: recommend the
# package that holds the soname prof2png loads.
get_filename_component(p2p_zipdir ${P2P_LIBZIP_FILE} DIRECTORY)
find_program(P2P_DPKG_QUERY dpkg-query)
if(P2P_DPKG_QUERY AND EXISTS ${p2p_zipdir}/${P2P_LIBZIP_SONAME})
  execute_process(COMMAND ${P2P_DPKG_QUERY} -S ${p2p_zipdir}/${P2P_LIBZIP_SONAME}
                  OUTPUT_VARIABLE p2p_zippkg ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(p2p_zippkg MATCHES "^([a-z0-9][a-z0-9.+-]*)(:[a-z0-9]+)?: ")
    set(CPACK_DEBIAN_PACKAGE_RECOMMENDS ${CMAKE_MATCH_1})
  endif()
endif()

# Debian's own files (copyright, changelog) and the compressed man page are
# made in the staging folder after the install, before packing.
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_SOURCE_DIR}/cmake/deb_stage.cmake)
set(CPACK_P2P_COPYRIGHT ${CMAKE_SOURCE_DIR}/cmake/debian/copyright)
include(CPack)
