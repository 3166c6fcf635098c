/* Links: which URLs prof2png writes (util.h). */
#include <string.h>
#include <strings.h>

#include "util.h"

static bool scheme_is(const char *s, size_t n, const char *word)
{
    return n == strlen(word) && strncasecmp(s, word, n) == 0;
}

bool p2p_url_safe(const char *s, size_t n)
{
    size_t k;
    for (k = 0; k < n; k++) {
        unsigned char c = (unsigned char)s[k];
        if (c == ':' || c == '/' || c == '?' || c == '#')
            break;
        if (c == '&' || c <= 0x20 || c == 0x7f)
            return false;
    }
    if (k == n || s[k] != ':')
        return true;
    return scheme_is(s, k, "http") || scheme_is(s, k, "https") || scheme_is(s, k, "file");
}
