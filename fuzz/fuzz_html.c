/* libFuzzer target for the HTML view's page writer (src/output/html.c):
 * the input is taken as the SVG that Graphviz rendered, which
 * p2p_html_write copies only after checking its markup.  The page must
 * either be made whole (a doctype first, the closing </html> last) or be
 * refused with P2P_ERENDER, a message and no page. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = (char *)1; /* p2p_html_write must overwrite it */
    size_t len = 0;
    p2p_diag d;
    p2p_diag_init(&d, NULL);
    p2p_html_opts ho = {.title = "fuzz", .command = "prof2png fuzz", .inputs = "fuzz"};
    int rc = p2p_html_write((const char *)data, size, &ho, &out, &len, &d);
    if (rc) {
        if (out)
            p2p_fuzz_fail("a refused SVG left a page", NULL);
        if ((rc != P2P_ERENDER && rc != P2P_ENOMEM) || !d.msg[0])
            p2p_fuzz_fail("a refusal without P2P_ERENDER and a message", d.msg);
        return 0;
    }
    static const char head[] = "<!DOCTYPE html>\n", tail[] = "</html>\n";
    if (!out || len < sizeof head + sizeof tail || memcmp(out, head, sizeof head - 1) != 0 ||
        memcmp(out + len - (sizeof tail - 1), tail, sizeof tail - 1) != 0 || out[len] != '\0')
        p2p_fuzz_fail("a page that is not whole", NULL);
    free(out);
    return 0;
}
