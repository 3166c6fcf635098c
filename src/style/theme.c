/* Themes (SEMANTICS.md §9): the built-in colour maps, the theme file format,
 * and the weight -> colour / font size / pen width arithmetic of gprof2dot's
 * Theme class, operation for operation so that the doubles come out the
 * same.
 *
 * Theme file format (themes/ *.theme):
 *   - one `key = value` per line; blank lines are ignored;
 *   - `#` starts a comment when it begins the line or follows a blank;
 *   - colour keys (bgcolor, mincolor, maxcolor) take three numbers, HSL in
 *     0..1; number keys (gamma, skew, minfontsize, maxfontsize, minpenwidth,
 *     maxpenwidth) take one; word keys (name, fontname, fontcolor,
 *     nodestyle) take the rest of the line, trimmed;
 *   - a number is a plain decimal (`0.8`, `10`, `1e-3`) or a fraction `a/b`
 *     of two decimals, computed as a / b in double (`2/3` == 2.0/3.0);
 *   - keys left out keep gprof2dot's Theme() defaults; a repeated key
 *     overrides the earlier one; an unknown key is an error.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prof2png/theme.h"

/* The embedded themes/ folder (cmake/embed_themes.cmake), sorted by name. */
struct p2p_theme_src {
    const char *name;
    const char *text;
};
extern const struct p2p_theme_src p2p_builtin_themes[];
extern const size_t p2p_builtin_theme_count;

/* gprof2dot's Theme() constructor defaults. */
static void theme_defaults(p2p_theme *t)
{
    memset(t, 0, sizeof *t);
    t->bgcolor[0] = 0.0, t->bgcolor[1] = 0.0, t->bgcolor[2] = 1.0;
    t->mincolor[0] = 0.0, t->mincolor[1] = 0.0, t->mincolor[2] = 0.0;
    t->maxcolor[0] = 0.0, t->maxcolor[1] = 0.0, t->maxcolor[2] = 1.0;
    t->gamma = 2.2;
    t->skew = 1.0;
    t->minfontsize = 10.0;
    t->maxfontsize = 10.0;
    t->minpenwidth = 0.5;
    t->maxpenwidth = 4.0;
    strcpy(t->fontname, "Arial");
    strcpy(t->fontcolor, "white");
    strcpy(t->nodestyle, "filled");
}

/* Load built-in theme `name` (parsed from the embedded themes/ text) into
 * *t.  0, P2P_ENOTFOUND for an unknown name, P2P_EFORMAT for a broken file. */
int p2p_theme_builtin(const char *name, p2p_theme *t)
{
    for (size_t i = 0; i < p2p_builtin_theme_count; i++) {
        if (strcmp(p2p_builtin_themes[i].name, name) != 0)
            continue;
        const char *text = p2p_builtin_themes[i].text;
        p2p_diag d;
        p2p_diag_init(&d, NULL);
        if (p2p_theme_parse(text, strlen(text), t, &d) != 0)
            return P2P_EFORMAT; /* a broken themes/ file: caught by the tests */
        snprintf(t->name, sizeof t->name, "%s", name);
        return 0;
    }
    return P2P_ENOTFOUND;
}

/* "bw, color, gray, pink, print": a static string, valid for ever. */
const char *p2p_theme_names(void)
{
    static char names[256];
    size_t len = 0;
    names[0] = '\0';
    /* the table is sorted by file name already */
    for (size_t i = 0; i < p2p_builtin_theme_count; i++) {
        int n = snprintf(names + len, sizeof names - len, "%s%s", i ? ", " : "",
                         p2p_builtin_themes[i].name);
        if (n < 0 || (size_t)n >= sizeof names - len)
            break;
        len += (size_t)n;
    }
    return names;
}

/* ---- theme file parsing ------------------------------------------------ */

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One plain decimal number [+-]digits[.digits][e[+-]digits] in s[0..n). */
static int parse_decimal(const char *s, size_t n, double *out)
{
    char buf[64];
    if (n == 0 || n >= sizeof buf)
        return -1;
    size_t i = 0, digits = 0;
    if (s[i] == '+' || s[i] == '-')
        i++;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (!digits)
        return -1;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t e = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++, e++;
        if (!e)
            return -1;
    }
    if (i != n)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, NULL);
    return isfinite(*out) ? 0 : -1;
}

/* A decimal or a fraction a/b. */
static int parse_number(const char *s, size_t n, double *out)
{
    const char *slash = memchr(s, '/', n);
    if (!slash)
        return parse_decimal(s, n, out);
    double a, b;
    if (parse_decimal(s, (size_t)(slash - s), &a) || parse_decimal(slash + 1, n - (size_t)(slash - s) - 1, &b))
        return -1;
    if (b == 0.0)
        return -1;
    *out = a / b;
    return isfinite(*out) ? 0 : -1;
}

/* Parse exactly `count` blank-separated numbers from s[0..n). */
static int parse_numbers(const char *s, size_t n, double *out, int count)
{
    size_t i = 0;
    for (int k = 0; k < count; k++) {
        while (i < n && is_blank(s[i]))
            i++;
        size_t start = i;
        while (i < n && !is_blank(s[i]))
            i++;
        if (start == i || parse_number(s + start, i - start, &out[k]))
            return -1;
    }
    while (i < n && is_blank(s[i]))
        i++;
    return i == n ? 0 : -1;
}

static int set_word(char *dst, size_t size, const char *s, size_t n)
{
    if (n == 0 || n >= size)
        return -1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

/* Parse theme text (format above) into *t, which is left untouched on
 * error.  0, or P2P_EFORMAT with d->line and d->msg set. */
int p2p_theme_parse(const char *text, size_t len, p2p_theme *t, p2p_diag *d)
{
    p2p_theme th;
    theme_defaults(&th);
    long lineno = 0;
    size_t pos = 0;
    while (pos < len) {
        lineno++;
        size_t eol = pos;
        while (eol < len && text[eol] != '\n')
            eol++;
        const char *line = text + pos;
        size_t n = eol - pos;
        pos = eol + 1;

        /* cut the comment, then trim */
        for (size_t i = 0; i < n; i++) {
            if (line[i] == '#' && (i == 0 || is_blank(line[i - 1]))) {
                n = i;
                break;
            }
        }
        while (n && is_blank(line[n - 1]))
            n--;
        size_t i = 0;
        while (i < n && is_blank(line[i]))
            i++;
        if (i == n)
            continue;
        if (memchr(line + i, '\0', n - i))
            return p2p_diag_set(d, P2P_EFORMAT, lineno, -1, "theme: unexpected NUL byte");

        const char *key = line + i;
        size_t keylen = 0;
        while (i < n && line[i] != '=' && !is_blank(line[i]))
            i++, keylen++;
        while (i < n && is_blank(line[i]))
            i++;
        if (keylen == 0 || i >= n || line[i] != '=')
            return p2p_diag_set(d, P2P_EFORMAT, lineno, -1, "theme: expected `key = value`, found \"%.*s\"",
                                (int)(n > 60 ? 60 : n), line);
        i++;
        while (i < n && is_blank(line[i]))
            i++;
        const char *val = line + i;
        size_t vlen = n - i;

#define KEY(s) (keylen == sizeof(s) - 1 && memcmp(key, s, keylen) == 0)
        int bad = 0;
        double x;
        if (KEY("bgcolor"))
            bad = parse_numbers(val, vlen, th.bgcolor, 3);
        else if (KEY("mincolor"))
            bad = parse_numbers(val, vlen, th.mincolor, 3);
        else if (KEY("maxcolor"))
            bad = parse_numbers(val, vlen, th.maxcolor, 3);
        else if (KEY("gamma"))
            bad = parse_numbers(val, vlen, &th.gamma, 1);
        else if (KEY("skew")) {
            bad = parse_numbers(val, vlen, &x, 1) || !(x > 0.0);
            if (!bad)
                th.skew = x;
        } else if (KEY("minfontsize"))
            bad = parse_numbers(val, vlen, &th.minfontsize, 1);
        else if (KEY("maxfontsize"))
            bad = parse_numbers(val, vlen, &th.maxfontsize, 1);
        else if (KEY("minpenwidth"))
            bad = parse_numbers(val, vlen, &th.minpenwidth, 1);
        else if (KEY("maxpenwidth"))
            bad = parse_numbers(val, vlen, &th.maxpenwidth, 1);
        else if (KEY("name"))
            bad = set_word(th.name, sizeof th.name, val, vlen);
        else if (KEY("fontname"))
            bad = set_word(th.fontname, sizeof th.fontname, val, vlen);
        else if (KEY("fontcolor"))
            bad = set_word(th.fontcolor, sizeof th.fontcolor, val, vlen);
        else if (KEY("nodestyle"))
            bad = set_word(th.nodestyle, sizeof th.nodestyle, val, vlen);
        else
            return p2p_diag_set(d, P2P_EFORMAT, lineno, -1, "theme: unknown key \"%.*s\"",
                                (int)(keylen > 40 ? 40 : keylen), key);
#undef KEY
        if (bad)
            return p2p_diag_set(d, P2P_EFORMAT, lineno, -1, "theme: bad value for \"%.*s\": \"%.*s\"",
                                (int)(keylen > 40 ? 40 : keylen), key, (int)(vlen > 60 ? 60 : vlen), val);
    }
    *t = th;
    return 0;
}

/* --skew: 0 keeps the theme's skew (gprof2dot ignores it); negative, NaN
 * or infinite values give P2P_EUSAGE and change nothing. */
int p2p_theme_set_skew(p2p_theme *t, double skew)
{
    if (skew == 0.0)
        return 0; /* gprof2dot: `if options.theme_skew:` */
    if (!(skew > 0.0) || !isfinite(skew))
        return P2P_EUSAGE;
    t->skew = skew;
    return 0;
}

/* ---- colour arithmetic ------------------------------------------------- */

/* Python's max(a, b) and min(a, b) for floats: the first argument unless the
 * second compares greater (smaller), which also fixes what NaN does. */
static double py_max(double a, double b) { return b > a ? b : a; }
static double py_min(double a, double b) { return b < a ? b : a; }

/* Python float `x % 1.0`. */
static double py_mod1(double x)
{
    double m = fmod(x, 1.0);
    if (m != 0.0) {
        if (m < 0.0)
            m += 1.0;
    } else {
        m = 0.0; /* copysign(0.0, 1.0) */
    }
    return m;
}

static double hue_to_rgb(double m1, double m2, double h)
{
    if (h < 0.0)
        h += 1.0;
    else if (h > 1.0)
        h -= 1.0;
    if (h * 6 < 1.0)
        return m1 + (m2 - m1) * h * 6.0;
    else if (h * 2 < 1.0)
        return m2;
    else if (h * 3 < 2.0)
        return m1 + (m2 - m1) * (2.0 / 3.0 - h) * 6.0;
    else
        return m1;
}

/* CSS3 HSL -> RGB, then gamma (Theme.hsl_to_rgb). */
static void hsl_to_rgb(const p2p_theme *t, double h, double s, double l, double rgb[3])
{
    h = py_mod1(h);
    s = py_min(py_max(s, 0.0), 1.0);
    l = py_min(py_max(l, 0.0), 1.0);
    double m2;
    if (l <= 0.5)
        m2 = l * (s + 1.0);
    else
        m2 = l + s - l * s;
    double m1 = l * 2.0 - m2;
    rgb[0] = pow(hue_to_rgb(m1, m2, h + 1.0 / 3.0), t->gamma);
    rgb[1] = pow(hue_to_rgb(m1, m2, h), t->gamma);
    rgb[2] = pow(hue_to_rgb(m1, m2, h - 1.0 / 3.0), t->gamma);
}

/* DotWriter.color: channels to "#rrggbb". */
static void rgb_to_hex(const double rgb[3], char hex[8])
{
    static const char digits[] = "0123456789abcdef";
    hex[0] = '#';
    for (int i = 0; i < 3; i++) {
        double f = rgb[i];
        int v;
        if (f <= 0.0)
            v = 0;
        else if (f >= 1.0)
            v = 255;
        else
            v = (int)floor(255.0 * f + 0.5);
        if (v < 0 || v > 255) /* NaN: Python would raise; keep the output sane */
            v = 0;
        hex[1 + 2 * i] = digits[v >> 4];
        hex[2 + 2 * i] = digits[v & 15];
    }
    hex[7] = '\0';
}

/* Theme.color + DotWriter.color: w clamped to [0, 1], skewed, HSL -> RGB,
 * gamma, "#rrggbb" (NUL-terminated) into hex. */
void p2p_theme_color(const p2p_theme *t, double w, char hex[8])
{
    double weight = py_min(py_max(w, 0.0), 1.0);
    const double *mn = t->mincolor, *mx = t->maxcolor;
    double h, s, l;
    if (t->skew == 1.0) {
        h = mn[0] + weight * (mx[0] - mn[0]);
        s = mn[1] + weight * (mx[1] - mn[1]);
        l = mn[2] + weight * (mx[2] - mn[2]);
    } else {
        double base = t->skew;
        h = mn[0] + ((mx[0] - mn[0]) * (-1.0 + pow(base, weight)) / (base - 1.0));
        s = mn[1] + ((mx[1] - mn[1]) * (-1.0 + pow(base, weight)) / (base - 1.0));
        l = mn[2] + ((mx[2] - mn[2]) * (-1.0 + pow(base, weight)) / (base - 1.0));
    }
    double rgb[3];
    hsl_to_rgb(t, h, s, l, rgb);
    rgb_to_hex(rgb, hex);
}

/* Node font colour: the background (white) for nodestyle "filled", else
 * the colour of w. */
void p2p_theme_node_fgcolor(const p2p_theme *t, double w, char hex[8])
{
    if (strcmp(t->nodestyle, "filled") == 0) {
        double rgb[3];
        hsl_to_rgb(t, t->bgcolor[0], t->bgcolor[1], t->bgcolor[2], rgb);
        rgb_to_hex(rgb, hex);
    } else {
        p2p_theme_color(t, w, hex);
    }
}

/* max(w^2 * maxfontsize, minfontsize); w is not clamped. */
double p2p_theme_fontsize(const p2p_theme *t, double w)
{
    return py_max(pow(w, 2.0) * t->maxfontsize, t->minfontsize);
}

/* max(w * maxpenwidth, minpenwidth); w is not clamped. */
double p2p_theme_penwidth(const p2p_theme *t, double w)
{
    return py_max(w * t->maxpenwidth, t->minpenwidth);
}

/* 0.5 * sqrt(penwidth(w)), from the unrounded pen width. */
double p2p_theme_arrowsize(const p2p_theme *t, double w)
{
    return 0.5 * sqrt(p2p_theme_penwidth(t, w));
}
