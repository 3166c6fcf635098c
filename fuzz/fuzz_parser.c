/* libFuzzer target for one parser of the format table.
 *
 * Compiled once per format with -DFORMAT="name" (fuzz/CMakeLists.txt reads
 * the names from src/parse/formats.c), so a new parser gets a target and a
 * ctest replay of fuzz/corpus/<name>/ without any edit here.
 *
 * The input is the file's bytes; formats that merge several inputs get it
 * cut at P2P_FUZZ_SPLIT.  A parse must either succeed with a well-formed
 * profile (fuzz_common.h) or fail with a negative code, a message and no
 * profile.  Crashes, leaks, sanitizer reports and timeouts are findings.
 */
#include "fuzz_common.h"

#ifndef FORMAT
#error "compile with -DFORMAT=\"<format name>\""
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const p2p_format *fmt = p2p_format_find(FORMAT);
    if (!fmt)
        p2p_fuzz_fail("no such format in the table", FORMAT);
    p2p_input in[P2P_FUZZ_MAX_INPUTS];
    char names[P2P_FUZZ_MAX_INPUTS][16];
    size_t n = p2p_fuzz_split(data, size, fmt->multiple_inputs ? P2P_FUZZ_MAX_INPUTS : 1, in, names);

    size_t warnings = 0;
    p2p_parse_opts o = {.warn = p2p_fuzz_warn, .warn_ctx = &warnings, .event = NULL};
    p2p_profile *p = (p2p_profile *)1; /* the parser must overwrite it */
    p2p_diag d;
    p2p_diag_init(&d, in[0].name);
    int rc = fmt->parse(in, n, &o, &p, &d);
    if (rc) {
        p2p_fuzz_check_failure(rc, p, &d);
        return 0;
    }
    p2p_fuzz_check_profile(p, 0);
    p2p_profile_free(p);
    return 0;
}
