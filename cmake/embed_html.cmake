# Embed the HTML view's script and style (src/output/html/view.js and
# view.css) into a C file for src/output/html.c:
#   const char p2p_html_script[];      the bytes of view.js, NUL-terminated
#   const size_t p2p_html_script_len;
#   const char p2p_html_script_csp[];  "'sha256-BASE64'", the page's
#                                      Content-Security-Policy source for it
# and the same for the style (p2p_html_style...).  The hashes are computed
# here, at build time, from the very bytes embedded, so the page allows
# exactly its own script and style to run.
#   cmake -DJS=view.js -DCSS=view.css -DOUT=html_assets.c -P embed_html.cmake

set(b64 "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

# The base64 of a SHA-256 digest given as 64 hex digits: 3 hex digits (12
# bits) make 2 base64 digits; the last hex digit (4 bits, padded with 2
# zero bits) makes the 43rd, and '=' pads to 44.
function(hex_to_base64 hex out)
  set(res "")
  foreach(i RANGE 0 62 3)
    string(SUBSTRING "${hex}" ${i} 3 tri)
    math(EXPR v "0x${tri}")
    math(EXPR hi "${v} >> 6")
    math(EXPR lo "${v} & 63")
    string(SUBSTRING "${b64}" ${hi} 1 c1)
    string(SUBSTRING "${b64}" ${lo} 1 c2)
    string(APPEND res "${c1}${c2}")
  endforeach()
  string(SUBSTRING "${hex}" 63 1 last)
  math(EXPR v "(0x${last} << 2)")
  string(SUBSTRING "${b64}" ${v} 1 c)
  set(${out} "${res}${c}=" PARENT_SCOPE)
endfunction()

function(embed var path closing)
  file(READ "${path}" text)
  # The page holds the text inside <script> or <style>: the closing tag
  # would end it early (HTML matches it in any case).
  string(TOLOWER "${text}" lower)
  string(FIND "${lower}" "</${closing}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "${path} contains \"</${closing}\", which would end the page's <${closing}> element")
  endif()
  file(SHA256 "${path}" hex)
  hex_to_base64("${hex}" hash)
  file(SIZE "${path}" size)
  file(READ "${path}" bytes HEX)
  # one C string literal of \x escapes per 32 input bytes
  set(lines " \"\"")
  string(LENGTH "${bytes}" n)
  foreach(at RANGE 0 ${n} 64)
    string(SUBSTRING "${bytes}" ${at} 64 piece)
    if(piece STREQUAL "")
      break()
    endif()
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" piece "${piece}")
    string(APPEND lines "\n    \"${piece}\"")
  endforeach()
  set(body "const char ${var}[] =${lines};\n")
  string(APPEND body "const size_t ${var}_len = ${size};\n")
  string(APPEND body "const char ${var}_csp[] = \"'sha256-${hash}'\";\n")
  set(${var}_body "${body}" PARENT_SCOPE)
endfunction()

embed(p2p_html_script "${JS}" script)
embed(p2p_html_style "${CSS}" style)
file(WRITE "${OUT}"
  "/* Generated from src/output/html/view.js and view.css by cmake/embed_html.cmake. */\n"
  "#include <stddef.h>\n"
  "#include \"output/html_assets.h\"\n"
  "${p2p_html_script_body}${p2p_html_style_body}")
