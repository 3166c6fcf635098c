# CPack pre-build script of the Debian package (cmake/Packaging.cmake): in
# the staging folder, after the install and before packing, do what
# Debian's tools (dh_strip, dh_compress, dh_installdocs) would: strip the
# ELF files as dh_strip does, compress the man pages, and add
# /usr/share/doc/prof2png/{copyright,changelog.gz}.
# gzip -9n: maximal compression, no name or time stamp (reproducible).
find_program(GZIP gzip REQUIRED)
set(root "${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX}")
set(doc "${root}/share/doc/${CPACK_PACKAGE_NAME}")

# CPACK_STRIP_FILES has stripped programs and shared libraries of their
# symbols; the compiler's .comment and .note sections go too, and static
# libraries lose their debug sections.
file(GLOB_RECURSE objects "${root}/bin/*" "${root}/lib/*")
foreach(f ${objects})
  if(NOT CPACK_P2P_STRIP OR IS_SYMLINK "${f}")
    continue()
  endif()
  file(READ "${f}" magic LIMIT 8 HEX)
  if(magic MATCHES "^7f454c46")           # ELF
    set(how)
  elseif(magic STREQUAL "213c617263683e0a") # !<arch>
    set(how --strip-debug --enable-deterministic-archives)
  else()
    continue()
  endif()
  execute_process(COMMAND ${CPACK_P2P_STRIP} ${how} --remove-section=.comment --remove-section=.note "${f}"
                  COMMAND_ERROR_IS_FATAL ANY)
endforeach()

# A shared library asks dpkg to run ldconfig through its trigger, as
# Debian's policy wants (lintian: lacks-ldconfig-trigger).  CPack 3.25 also
# writes a postinst and postrm that call ldconfig themselves (lintian's
# warning maintscript-calls-ldconfig); they are harmless.
file(GLOB_RECURSE shared LIST_DIRECTORIES false "${root}/lib/lib*.so.*")
if(shared)
  file(WRITE "${CPACK_TOPLEVEL_DIRECTORY}/triggers" "activate-noawait ldconfig\n")
  list(APPEND CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA "${CPACK_TOPLEVEL_DIRECTORY}/triggers")
endif()

file(GLOB_RECURSE pages "${root}/share/man/*")
foreach(page ${pages})
  if(NOT page MATCHES "\\.gz$")
    execute_process(COMMAND ${GZIP} -9nf "${page}" COMMAND_ERROR_IS_FATAL ANY)
  endif()
endforeach()

file(MAKE_DIRECTORY "${doc}")
configure_file("${CPACK_P2P_COPYRIGHT}" "${doc}/copyright" COPYONLY)
# A native package's changelog: one entry for this version, in Debian's
# format; the history itself is the project's git log.  The date honours
# SOURCE_DATE_EPOCH.
string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE "${doc}/changelog" "\
${CPACK_PACKAGE_NAME} (${CPACK_PACKAGE_VERSION}) unstable; urgency=medium

  * Built with CPack (cpack -G DEB) from the prof2png source tree; the
    changes are in the project's git history.

 -- ${CPACK_DEBIAN_PACKAGE_MAINTAINER}  ${date}
")
execute_process(COMMAND ${GZIP} -9nf "${doc}/changelog" COMMAND_ERROR_IS_FATAL ANY)
file(CHMOD "${doc}/copyright" "${doc}/changelog.gz"
     FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(CHMOD "${root}/share/doc" "${doc}"
     DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
