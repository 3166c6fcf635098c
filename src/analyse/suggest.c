/* Which functions a glob names, and which names come near it when it names
 * none (the -z/-l "not found" messages of the CLI, --list-functions).
 *
 * Near matches are ranked, best first, by:
 *   0. the glob matches when case is ignored ("Main" for main);
 *   1. the glob's literal text (its `*`, `?` and `[...]` removed) is a
 *      substring of the name, ignoring ASCII case ("fib" for demo:3:fib,
 *      fib_memo): fewer extra characters first;
 *   2. the literal text is within a small edit distance (optimal string
 *      alignment: insertions, deletions, substitutions and swaps of two
 *      neighbours, over bytes, ASCII case ignored) of the name or of its
 *      last component (after the last ':', '.', '!' or '/'): "mian" for
 *      main, "fibonaci" for demo:9:fibonacci; fewer edits first, and the
 *      whole name before a last component at the same distance.
 * Ties go to live functions before pruned ones, then to the byte order of
 * names, then to the function index, so the list is the same on every run;
 * a name is listed once. */
#include <fnmatch.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/analyse.h"

/* Python's fnmatch reads names as text: `?` is one character.  Matching in a
 * UTF-8 locale does the same whatever the program's locale (as filter.c). */
static locale_t utf8_locale(void)
{
    locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
    return loc ? loc : newlocale(LC_CTYPE_MASK, "en_US.UTF-8", (locale_t)0);
}

static bool considered(const p2p_profile *p, const bool *consider, p2p_fid f)
{
    return consider ? consider[f] : !p->functions[f].removed;
}

int p2p_match_functions(const p2p_profile *p, const char *pattern, const bool *consider, p2p_fid **out,
                        size_t *n)
{
    *out = NULL;
    *n = 0;
    p2p_fid *ids = NULL;
    size_t nids = 0, cap = 0;
    locale_t loc = utf8_locale(), old = (locale_t)0;
    if (loc)
        old = uselocale(loc);
    int rc = 0;
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        if (!considered(p, consider, f) || fnmatch(pattern, p->functions[f].name, FNM_NOESCAPE) != 0)
            continue;
        if (nids == cap) {
            size_t c = cap ? cap * 2 : 16;
            p2p_fid *grown = realloc(ids, c * sizeof *ids);
            if (!grown) {
                rc = P2P_ENOMEM;
                break;
            }
            ids = grown;
            cap = c;
        }
        ids[nids++] = f;
    }
    if (loc) {
        uselocale(old);
        freelocale(loc);
    }
    if (rc < 0 || !nids) {
        free(ids);
        return rc;
    }
    *out = ids;
    *n = nids;
    return 0;
}

/* ---- near matches ---------------------------------------------------------- */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* The literal text of a glob, lower-cased: `*` and `?` dropped, a bracket
 * class dropped whole (fnmatch's rules: `[!` or `[^` opens a negated class,
 * a `]` right after the opening is literal; an unclosed `[` is literal). */
static char *glob_literal(const char *pattern)
{
    size_t n = strlen(pattern);
    char *lit = malloc(n + 1);
    if (!lit)
        return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = pattern[i];
        if (c == '*' || c == '?')
            continue;
        if (c == '[') {
            size_t j = i + 1;
            if (j < n && (pattern[j] == '!' || pattern[j] == '^'))
                j++;
            if (j < n && pattern[j] == ']')
                j++;
            while (j < n && pattern[j] != ']')
                j++;
            if (j < n) {
                i = j;
                continue;
            }
        }
        lit[k++] = lower(c);
    }
    lit[k] = '\0';
    return lit;
}

/* Does hay (any case) contain the lower-case needle? */
static bool contains_folded(const char *hay, size_t hn, const char *needle, size_t nn)
{
    if (nn > hn)
        return false;
    for (size_t i = 0; i + nn <= hn; i++) {
        size_t j = 0;
        while (j < nn && lower(hay[i + j]) == needle[j])
            j++;
        if (j == nn)
            return true;
    }
    return false;
}

/* Optimal string alignment distance between the lower-case a[0..m) and b
 * (any case), or max + 1 when it exceeds max.  rows: 3 * (m + 1) scratch. */
static size_t osa_distance(const char *a, size_t m, const char *b, size_t n, size_t max, size_t *rows)
{
    if ((m > n ? m - n : n - m) > max)
        return max + 1;
    size_t *prev2 = rows, *prev = rows + (m + 1), *cur = rows + 2 * (m + 1);
    for (size_t i = 0; i <= m; i++)
        prev[i] = i;
    for (size_t j = 1; j <= n; j++) {
        char bj = lower(b[j - 1]);
        cur[0] = j;
        size_t best = cur[0];
        for (size_t i = 1; i <= m; i++) {
            size_t cost = a[i - 1] != bj;
            size_t v = prev[i - 1] + cost;
            if (prev[i] + 1 < v)
                v = prev[i] + 1;
            if (cur[i - 1] + 1 < v)
                v = cur[i - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == lower(b[j - 2]) && a[i - 2] == bj && prev2[i - 2] + 1 < v)
                v = prev2[i - 2] + 1;
            cur[i] = v;
            if (v < best)
                best = v;
        }
        if (best > max)
            return max + 1;
        size_t *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[m] <= max ? prev[m] : max + 1;
}

/* The last component of a name: after the last ':', '.', '!' or '/'. */
static const char *last_component(const char *name)
{
    const char *s = name;
    for (const char *c = name; *c; c++)
        if (*c == ':' || *c == '.' || *c == '!' || *c == '/')
            s = c + 1;
    return s;
}

typedef struct candidate {
    int tier;
    size_t score;
    bool removed;
    const char *name;
    p2p_fid fid;
} candidate;

static int cmp_candidate(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->tier != y->tier)
        return x->tier < y->tier ? -1 : 1;
    if (x->score != y->score)
        return x->score < y->score ? -1 : 1;
    if (x->removed != y->removed)
        return x->removed ? 1 : -1;
    int c = strcmp(x->name, y->name);
    if (c)
        return c;
    return (x->fid > y->fid) - (x->fid < y->fid);
}

/* Literal texts longer than this are not compared by edit distance. */
#define MAX_DISTANCE_LITERAL 1024

int p2p_near_matches(const p2p_profile *p, const char *pattern, const bool *consider, p2p_fid *out, size_t max,
                     size_t *n)
{
    *n = 0;
    if (!max)
        return 0;
    char *lit = glob_literal(pattern);
    if (!lit)
        return P2P_ENOMEM;
    size_t m = strlen(lit);
    /* the edit distance allowed grows with the text: 1 up to 4 bytes, 2 up
     * to 9, 3 up to 14, then 4 */
    size_t maxd = m / 5 + 1 > 4 ? 4 : m / 5 + 1;
    size_t *rows = malloc(3 * (m + 1) * sizeof *rows);
    candidate *cand = NULL;
    size_t ncand = 0, cap = 0;
    int rc = 0;
    if (!rows) {
        rc = P2P_ENOMEM;
        goto out;
    }
    locale_t loc = utf8_locale(), old = (locale_t)0;
    if (loc)
        old = uselocale(loc);
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        if (!considered(p, consider, f))
            continue;
        const char *name = p->functions[f].name;
        size_t nl = strlen(name);
        candidate c = {-1, 0, p->functions[f].removed, name, f};
        if (fnmatch(pattern, name, FNM_NOESCAPE | FNM_CASEFOLD) == 0) {
            c.tier = 0;
        } else if (m && contains_folded(name, nl, lit, m)) {
            c.tier = 1;
            c.score = nl - m;
        } else if (m && m <= MAX_DISTANCE_LITERAL) {
            /* the whole name before its last component at equal distance */
            size_t d = osa_distance(lit, m, name, nl, maxd, rows), score = 2 * d;
            const char *tail = last_component(name);
            if (tail != name) {
                size_t d2 = osa_distance(lit, m, tail, strlen(tail), maxd, rows);
                if (d2 < d) {
                    d = d2;
                    score = 2 * d2 + 1;
                }
            }
            if (d <= maxd) {
                c.tier = 2;
                c.score = score;
            }
        }
        if (c.tier < 0)
            continue;
        if (ncand == cap) {
            size_t nc = cap ? cap * 2 : 32;
            candidate *grown = realloc(cand, nc * sizeof *cand);
            if (!grown) {
                rc = P2P_ENOMEM;
                break;
            }
            cand = grown;
            cap = nc;
        }
        cand[ncand++] = c;
    }
    if (loc) {
        uselocale(old);
        freelocale(loc);
    }
    if (rc < 0)
        goto out;
    if (ncand)
        qsort(cand, ncand, sizeof *cand, cmp_candidate);
    for (size_t i = 0; i < ncand && *n < max; i++) {
        bool seen = false;
        for (size_t j = 0; j < *n && !seen; j++)
            seen = strcmp(p->functions[out[j]].name, cand[i].name) == 0;
        if (!seen)
            out[(*n)++] = cand[i].fid;
    }
out:
    free(lit);
    free(rows);
    free(cand);
    return rc;
}

/* ---- names one profile has and another lacks -------------------------------- */

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int p2p_functions_missing_from(const p2p_profile *p, const p2p_profile *other, p2p_fid **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const char **names = malloc((other->nfunctions ? other->nfunctions : 1) * sizeof *names);
    p2p_fid *ids = malloc((p->nfunctions ? p->nfunctions : 1) * sizeof *ids);
    if (!names || !ids) {
        free(names);
        free(ids);
        return P2P_ENOMEM;
    }
    for (p2p_fid f = 0; f < other->nfunctions; f++)
        names[f] = other->functions[f].name;
    qsort(names, other->nfunctions, sizeof *names, cmp_str_ptr);
    size_t k = 0;
    for (p2p_fid f = 0; f < p->nfunctions; f++) {
        const char *name = p->functions[f].name;
        if (!p->functions[f].removed && !bsearch(&name, names, other->nfunctions, sizeof *names, cmp_str_ptr))
            ids[k++] = f;
    }
    free(names);
    if (!k) {
        free(ids);
        return 0;
    }
    *out = ids;
    *n = k;
    return 0;
}
