# Make prof2png.1 from `prof2png --help` (cmake -DBIN= -DAWK= -DSCRIPT=
# -DVERSION= -DOUT= -P man.cmake): the man page and --help share one text.
execute_process(COMMAND ${BIN} --help
                COMMAND ${AWK} -v version=${VERSION} -f ${SCRIPT}
                OUTPUT_FILE ${OUT}.tmp
                RESULTS_VARIABLE rcs)
foreach(rc ${rcs})
  if(NOT rc EQUAL 0)
    file(REMOVE ${OUT}.tmp)
    message(FATAL_ERROR "making ${OUT} failed: ${rcs}")
  endif()
endforeach()
file(RENAME ${OUT}.tmp ${OUT})
