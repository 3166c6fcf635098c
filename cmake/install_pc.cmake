# Install prof2png.pc naming the prefix of this install (run by cmake
# --install, after CMakeLists.txt sets P2P_PC_IN and P2P_PC_DEST).
set(P2P_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
string(MD5 key "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
get_filename_component(dir "${P2P_PC_IN}" DIRECTORY)
set(pc "${dir}/pc-${key}/prof2png.pc")
configure_file("${P2P_PC_IN}" "${pc}" @ONLY)
file(INSTALL DESTINATION "${P2P_PC_DEST}" TYPE FILE FILES "${pc}")
