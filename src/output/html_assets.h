/* The HTML view's script and style, embedded at build time from
 * src/output/html/view.js and view.css by cmake/embed_html.cmake, each with
 * the Content-Security-Policy source ('sha256-...') of its bytes.
 * Internal to src/output/html.c. */
#ifndef P2P_OUTPUT_HTML_ASSETS_H
#define P2P_OUTPUT_HTML_ASSETS_H

#include <stddef.h>

extern const char p2p_html_script[];
extern const size_t p2p_html_script_len;
extern const char p2p_html_script_csp[];
extern const char p2p_html_style[];
extern const size_t p2p_html_style_len;
extern const char p2p_html_style_csp[];

#endif
