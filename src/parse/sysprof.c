/* Sysprof XML profiles (`-f sysprof`): what Sysprof 1.x saves, as
 * gprof2dot's SysprofParser reads it.
 *
 *   <profile>
 *     <size>..</size> ...                    values, ignored
 *     <objects>
 *       <object id="5"><name>"main"</name><total>9</total><self>4</self></object> ...
 *     </objects>
 *     <nodes>
 *       <node id="1"><object>5</object><parent>0</parent><self>4</self>...</node> ...
 *     </nodes>
 *   </profile>
 *
 * An object whose <self> is not 0 is a function (its id the object's id,
 * its name the <name> without its quotes, its self samples <self>); the
 * others (process names, "Everything", "kernel", ...) are left out.  A node
 * whose <self> is not 0 is a call, of <self> samples, from the object of
 * its nearest ancestor node (following <parent>, 0 being the root) whose
 * object is a function, to its own object; a node with no such ancestor
 * gives nothing.  The derived events come later (P2P_DERIVE_CALLGRIND).
 *
 * The XML is read with expat, as events; nothing recurses.  The structure
 * is at most four elements deep (profile, objects, object, value), and a
 * fifth level is an error, so the nesting depth is bounded; a value's text
 * is at most SYSPROF_MAX_TEXT bytes.  Entity declarations are refused
 * (no entity expansion at all, hence no "billion laughs"), and external
 * entities are never loaded.  The parent chains are followed iteratively
 * with memoisation: each node is visited once, whatever the depth.
 *
 * Deliberate differences from gprof2dot, which crashes (KeyError,
 * AssertionError, TypeError) or hangs on these:
 *  - a node whose parent chain loops is an error (gprof2dot loops forever);
 *  - a <self>, <object> or <parent> that is not a decimal integer, an id
 *    attribute that is not an integer, a missing one of these, a node naming
 *    a missing node or object, a duplicate id or value: an error naming
 *    the line;
 *  - ids must be non-negative (Sysprof writes no others);
 *  - a node whose own object is left out (its <self> is 0) but whose
 *    <self> is not gives no call, with a warning;
 *  - a <name> of digits only (which Python reads as an int) is the name
 *    those digits give, without leading zeros (gprof2dot: TypeError when
 *    writing the graph);
 *  - text between elements is ignored everywhere;
 *  - a DTD that declares entities is refused;
 *  - invalid UTF-8 in a UTF-8 document becomes U+FFFD, with a warning
 *    (expat, hence gprof2dot, refuses the document).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>

#include "samples.h"
#include "../util/utf8.h"

typedef p2p_uchar uchar;

#define SYSPROF_MAX_TEXT (1u << 20)
#define SYSPROF_MAX_DEPTH 4
#define CHUNK (1u << 20)

enum { HAS_NAME = 1, HAS_SELF = 2, HAS_OBJECT = 4, HAS_PARENT = 8 };
enum { SEC_NONE, SEC_OBJECTS, SEC_NODES, SEC_VALUE };
enum { F_OTHER, F_NAME, F_SELF, F_OBJECT, F_PARENT };

#define MEMO_UNSET UINT32_MAX
#define MEMO_ROOT (UINT32_MAX - 1)
#define MEMO_VISITING (UINT32_MAX - 2)

typedef struct sp_object {
    int64_t id;
    const char *name;
    uint64_t self;
    long line;
    unsigned has;
} sp_object;

typedef struct sp_node {
    int64_t id, object, parent;
    uint64_t self;
    long line;
    unsigned has;
    uint32_t memo;
} sp_node;

typedef struct sysprof {
    XML_Parser xp;
    p2p_diag *d;
    const p2p_parse_opts *o;
    p2p_profile *p;
    int rc;              /* the first error, 0 */
    int depth;
    int section;
    int field;
    char parent_raw[128]; /* the element holding text only, for messages (its name's first bytes) */
    p2p_buf text;
    sp_object *objs;
    size_t nobjs, capobjs;
    sp_node *nodes;
    size_t nnodes, capnodes;
    p2p_u64map obj_map, node_map;
    bool seen_objects, seen_nodes;
} sysprof;

static long cur_line(const sysprof *s)
{
    return (long)XML_GetCurrentLineNumber(s->xp);
}

/* Record the first error and stop expat. */
__attribute__((format(printf, 4, 5))) static void fail(sysprof *s, int code, long line, const char *fmt, ...)
{
    if (s->rc)
        return;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->rc = p2p_diag_set(s->d, code, line, -1, "%s", msg);
    if (s->xp)
        XML_StopParser(s->xp, XML_FALSE);
}

static void excerpt(const char *t, size_t n, char *buf, size_t size)
{
    p2p_smp_excerpt((const uchar *)t, n, buf, size);
}

/* Messages name elements by an excerpt, made only when a message is: the
 * parse itself keeps the first bytes of the name of the element whose text
 * it reads, more than an excerpt of 64 bytes ever shows. */
static void set_parent(sysprof *s, const char *name)
{
    size_t n = strnlen(name, sizeof s->parent_raw - 1);
    memcpy(s->parent_raw, name, n);
    s->parent_raw[n] = 0;
}

static const char *parent_tag(const sysprof *s, char buf[64])
{
    excerpt(s->parent_raw, strlen(s->parent_raw), buf, 64);
    return buf;
}

static const char *name_ex(const char *name, char buf[64])
{
    excerpt(name, strlen(name), buf, 64);
    return buf;
}

/* Python's int() of s[0..n): surrounding whitespace, a sign, digits with
 * single underscores between them.  Non-negative values up to INT64_MAX
 * only; *neg tells a negative number apart from a non-number. */
static bool parse_id(const char *s, size_t n, int64_t *out, bool *neg)
{
    size_t i = 0;
    *neg = false;
    while (i < n && p2p_smp_ws((uchar)s[i]))
        i++;
    while (n > i && p2p_smp_ws((uchar)s[n - 1]))
        n--;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        *neg = s[i++] == '-';
    uint64_t v = 0;
    size_t digits = 0;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            unsigned dg = (unsigned)(s[i] - '0');
            if (v > ((uint64_t)INT64_MAX - dg) / 10)
                return false;
            v = v * 10 + dg;
            digits++;
        } else if (s[i] == '_' && digits && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9') {
            continue;
        } else {
            return false;
        }
    }
    if (!digits)
        return false;
    if (*neg && v != 0)
        return false;
    *neg = false;
    *out = (int64_t)v;
    return true;
}

/* A value that Python's str.isdigit() accepts (ASCII digits here), as an
 * integer up to INT64_MAX: 1, 0 (not digits), -1 (too large). */
static int digits_value(const char *s, size_t n, uint64_t *out)
{
    if (!n)
        return 0;
    uint64_t v = 0;
    bool big = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        unsigned dg = (unsigned)(s[i] - '0');
        if (v > ((uint64_t)INT64_MAX - dg) / 10)
            big = true;
        else
            v = v * 10 + dg;
    }
    if (big)
        return -1;
    *out = v;
    return 1;
}

static const char *attr(const XML_Char **attrs, const char *name)
{
    for (size_t i = 0; attrs && attrs[i]; i += 2)
        if (strcmp(attrs[i], name) == 0)
            return attrs[i + 1];
    return NULL;
}

static void *grow(void *a, size_t *cap, size_t len, size_t elem)
{
    if (len < *cap)
        return a;
    size_t nc = *cap ? *cap * 2 : 256;
    if (nc > (size_t)MEMO_VISITING - 1)
        return NULL;
    void *na = realloc(a, nc * elem);
    if (na)
        *cap = nc;
    return na;
}

/* <object id=..> or <node id=..>: a new item. */
static void start_item(sysprof *s, const char *tag, const XML_Char **attrs, bool node)
{
    const char *ids = attr(attrs, "id");
    long line = cur_line(s);
    if (!ids) {
        fail(s, P2P_EFORMAT, line, "<%s> has no id attribute", tag);
        return;
    }
    int64_t id;
    bool neg;
    if (!parse_id(ids, strlen(ids), &id, &neg)) {
        char ex[64];
        excerpt(ids, strlen(ids), ex, sizeof ex);
        fail(s, P2P_EFORMAT, line, "expected a %sinteger id in <%s id=\"...\">, found \"%s\"",
             neg ? "non-negative " : "", tag, ex);
        return;
    }
    p2p_u64map *map = node ? &s->node_map : &s->obj_map;
    uint32_t prev = p2p_u64map_get(map, (uint64_t)id);
    if (prev != UINT32_MAX) {
        fail(s, P2P_EFORMAT, line, "<%s id=\"%lld\"> appears twice (line %ld and this one)", tag, (long long)id,
             node ? s->nodes[prev].line : s->objs[prev].line);
        return;
    }
    uint32_t idx;
    if (node) {
        sp_node *nn = grow(s->nodes, &s->capnodes, s->nnodes, sizeof *nn);
        if (!nn)
            goto oom;
        s->nodes = nn;
        idx = (uint32_t)s->nnodes++;
        memset(&nn[idx], 0, sizeof nn[idx]);
        nn[idx].id = id;
        nn[idx].line = line;
        nn[idx].memo = MEMO_UNSET;
    } else {
        sp_object *no = grow(s->objs, &s->capobjs, s->nobjs, sizeof *no);
        if (!no)
            goto oom;
        s->objs = no;
        idx = (uint32_t)s->nobjs++;
        memset(&no[idx], 0, sizeof no[idx]);
        no[idx].id = id;
        no[idx].line = line;
    }
    if (p2p_u64map_put(map, (uint64_t)id, idx) < 0)
        goto oom;
    return;
oom:
    fail(s, P2P_ENOMEM, line, "out of memory");
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    sysprof *s = ud;
    if (s->rc)
        return;
    int depth = ++s->depth;
    char ex[64], tb[64];
    if (depth == 1) {
        if (strcmp(name, "profile") != 0)
            fail(s, P2P_EFORMAT, cur_line(s),
                 "expected <profile> as the root element (a Sysprof profile), found <%s>", name_ex(name, ex));
        return;
    }
    if (depth == 2) {
        if (strcmp(name, "objects") == 0 || strcmp(name, "nodes") == 0) {
            bool nodes = name[0] == 'n';
            if (nodes ? s->nnodes : s->nobjs) {
                fail(s, P2P_EFORMAT, cur_line(s), "a second <%s> section", name);
                return;
            }
            s->section = nodes ? SEC_NODES : SEC_OBJECTS;
        } else {
            s->section = SEC_VALUE;
            set_parent(s, name);
        }
        return;
    }
    if (depth == 3) {
        if (s->section == SEC_VALUE) {
            fail(s, P2P_EFORMAT, cur_line(s), "expected only text in <%s>, found <%s>", parent_tag(s, tb),
                 name_ex(name, ex));
        } else {
            const char *want = s->section == SEC_NODES ? "node" : "object";
            if (strcmp(name, want) != 0)
                fail(s, P2P_EFORMAT, cur_line(s), "expected <%s> in <%ss>, found <%s>", want, want,
                     name_ex(name, ex));
            else
                start_item(s, want, attrs, s->section == SEC_NODES);
        }
        return;
    }
    if (depth == SYSPROF_MAX_DEPTH) {
        bool node = s->section == SEC_NODES;
        unsigned has = node ? s->nodes[s->nnodes - 1].has : s->objs[s->nobjs - 1].has;
        int f = F_OTHER;
        if (strcmp(name, "self") == 0)
            f = F_SELF;
        else if (!node && strcmp(name, "name") == 0)
            f = F_NAME;
        else if (node && strcmp(name, "object") == 0)
            f = F_OBJECT;
        else if (node && strcmp(name, "parent") == 0)
            f = F_PARENT;
        unsigned bit = f == F_SELF ? HAS_SELF : f == F_NAME ? HAS_NAME : f == F_OBJECT ? HAS_OBJECT
                     : f == F_PARENT ? HAS_PARENT : 0;
        if (has & bit) {
            fail(s, P2P_EFORMAT, cur_line(s), "<%s id=\"%lld\"> has a second <%s>", node ? "node" : "object",
                 (long long)(node ? s->nodes[s->nnodes - 1].id : s->objs[s->nobjs - 1].id), name);
            return;
        }
        s->field = f;
        s->text.len = 0;
        set_parent(s, name);
        return;
    }
    fail(s, P2P_EFORMAT, cur_line(s),
         "expected only text in <%s>, found <%s> (a Sysprof profile nests 4 levels deep)", parent_tag(s, tb),
         name_ex(name, ex));
}

/* The end of a value of an object or node: keep what is needed. */
static void end_field(sysprof *s)
{
    const char *t = s->text.data ? s->text.data : "";
    size_t n = s->text.len, i = 0;
    while (i < n && p2p_smp_ws((uchar)t[i]))
        i++;
    while (n > i && p2p_smp_ws((uchar)t[n - 1]))
        n--;
    t += i;
    n -= i;
    bool node = s->section == SEC_NODES;
    const char *tag = node ? "node" : "object";
    int64_t id = node ? s->nodes[s->nnodes - 1].id : s->objs[s->nobjs - 1].id;
    char ex[64], tb[64];
    if (s->field == F_NAME) {
        sp_object *ob = &s->objs[s->nobjs - 1];
        if (n >= 1 && t[0] == '"' && t[n - 1] == '"') {
            t = n >= 2 ? t + 1 : t;
            n = n >= 2 ? n - 2 : 0;
        } else if (n && digits_value(t, n, &(uint64_t){0}) != 0) {
            /* Python turns an all-digits value into an int */
            while (n > 1 && t[0] == '0') {
                t++;
                n--;
            }
        }
        ob->name = p2p_profile_intern(s->p, t, n);
        if (!ob->name)
            fail(s, P2P_ENOMEM, cur_line(s), "out of memory");
        ob->has |= HAS_NAME;
        return;
    }
    if (s->field == F_OTHER)
        return;
    uint64_t v = 0;
    int r = digits_value(t, n, &v);
    if (r <= 0) {
        excerpt(t, n, ex, sizeof ex);
        fail(s, r < 0 ? P2P_ELIMIT : P2P_EFORMAT, cur_line(s), "<%s id=\"%lld\">: expected %s in <%s>, found '%s'",
             tag, (long long)id, r < 0 ? "a number below 2^63" : "a decimal integer", parent_tag(s, tb), ex);
        return;
    }
    if (!node) {
        s->objs[s->nobjs - 1].self = v;
        s->objs[s->nobjs - 1].has |= HAS_SELF;
        return;
    }
    sp_node *nd = &s->nodes[s->nnodes - 1];
    if (s->field == F_SELF) {
        nd->self = v;
        nd->has |= HAS_SELF;
    } else if (s->field == F_OBJECT) {
        nd->object = (int64_t)v;
        nd->has |= HAS_OBJECT;
    } else {
        nd->parent = (int64_t)v;
        nd->has |= HAS_PARENT;
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    sysprof *s = ud;
    (void)name;
    if (s->rc)
        return;
    if (s->depth == SYSPROF_MAX_DEPTH)
        end_field(s);
    else if (s->depth == 2)
        s->section = SEC_NONE;
    s->depth--;
}

static void XMLCALL on_text(void *ud, const XML_Char *t, int len)
{
    sysprof *s = ud;
    if (s->rc || s->depth != SYSPROF_MAX_DEPTH || s->field == F_OTHER || len <= 0)
        return;
    if (s->text.len + (size_t)len > SYSPROF_MAX_TEXT) {
        char tb[64];
        fail(s, P2P_ELIMIT, cur_line(s), "the text of <%s> is longer than %u bytes", parent_tag(s, tb),
             SYSPROF_MAX_TEXT);
        return;
    }
    p2p_buf_append(&s->text, t, (size_t)len);
    if (s->text.oom)
        fail(s, P2P_ENOMEM, cur_line(s), "out of memory");
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                                   int value_length, const XML_Char *base, const XML_Char *system_id,
                                   const XML_Char *public_id, const XML_Char *notation)
{
    sysprof *s = ud;
    (void)is_param, (void)value, (void)value_length, (void)base, (void)system_id, (void)public_id,
        (void)notation;
    char ex[64];
    excerpt(name, strlen(name), ex, sizeof ex);
    fail(s, P2P_EFORMAT, cur_line(s), "the document declares the entity '%s': entity declarations are not "
                                      "allowed in a Sysprof profile",
         ex);
}

/* The nearest node, from node id `pid` up, whose object is a function:
 * its index in *out, or MEMO_ROOT.  Iterative, each node resolved once. */
static int resolve_parent(sysprof *s, const sp_node *from, int64_t pid, uint32_t **path, size_t *cap,
                          uint32_t *out)
{
    size_t len = 0;
    uint32_t r;
    for (;;) {
        if (pid == 0) {
            r = MEMO_ROOT;
            break;
        }
        uint32_t idx = p2p_u64map_get(&s->node_map, (uint64_t)pid);
        if (idx == UINT32_MAX)
            return p2p_diag_set(s->d, P2P_EFORMAT, len ? s->nodes[(*path)[len - 1]].line : from->line, -1,
                                "node %lld: its parent, node %lld, does not exist",
                                (long long)(len ? s->nodes[(*path)[len - 1]].id : from->id), (long long)pid);
        sp_node *nd = &s->nodes[idx];
        if (nd->memo == MEMO_VISITING)
            return p2p_diag_set(s->d, P2P_EFORMAT, nd->line, -1,
                                "node %lld: the chain of <parent> links from node %lld loops back to it",
                                (long long)nd->id, (long long)from->id);
        if (nd->memo != MEMO_UNSET) {
            r = nd->memo;
            break;
        }
        if (!(nd->has & HAS_OBJECT))
            return p2p_diag_set(s->d, P2P_EFORMAT, nd->line, -1, "node %lld has no <object>", (long long)nd->id);
        uint32_t oi = p2p_u64map_get(&s->obj_map, (uint64_t)nd->object);
        if (oi == UINT32_MAX)
            return p2p_diag_set(s->d, P2P_EFORMAT, nd->line, -1, "node %lld names object %lld, which does not exist",
                                (long long)nd->id, (long long)nd->object);
        if (s->objs[oi].self != 0) {
            r = idx;
            break;
        }
        if (!(nd->has & HAS_PARENT))
            return p2p_diag_set(s->d, P2P_EFORMAT, nd->line, -1, "node %lld has no <parent>", (long long)nd->id);
        if (len == *cap) {
            size_t nc = *cap ? *cap * 2 : 64;
            uint32_t *np = realloc(*path, nc * sizeof *np);
            if (!np)
                return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory");
            *path = np;
            *cap = nc;
        }
        (*path)[len++] = idx;
        nd->memo = MEMO_VISITING;
        pid = nd->parent;
    }
    for (size_t i = 0; i < len; i++)
        s->nodes[(*path)[i]].memo = r;
    *out = r;
    return 0;
}

static int build(sysprof *s)
{
    p2p_profile *p = s->p;
    p2p_ev_set(&p->ev, P2P_SAMPLES, 0.0);
    for (size_t i = 0; i < s->nobjs; i++) {
        const sp_object *ob = &s->objs[i];
        if (!(ob->has & HAS_SELF))
            return p2p_diag_set(s->d, P2P_EFORMAT, ob->line, -1, "object %lld has no <self>", (long long)ob->id);
        if (ob->self == 0)
            continue;
        if (!(ob->has & HAS_NAME))
            return p2p_diag_set(s->d, P2P_EFORMAT, ob->line, -1, "object %lld has no <name>", (long long)ob->id);
        p2p_fid f = p2p_profile_add_int(p, ob->id, ob->name);
        if (f == P2P_NONE)
            return p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory");
        p2p_ev_set(&p->functions[f].ev, P2P_SAMPLES, (double)ob->self);
        p2p_ev_add(&p->ev, P2P_SAMPLES, (double)ob->self);
    }
    uint32_t *path = NULL;
    size_t cap = 0;
    long skipped = 0, skipped_line = 0;
    int rc = 0;
    for (size_t i = 0; i < s->nnodes && !rc; i++) {
        const sp_node *nd = &s->nodes[i];
        if (!(nd->has & HAS_SELF)) {
            rc = p2p_diag_set(s->d, P2P_EFORMAT, nd->line, -1, "node %lld has no <self>", (long long)nd->id);
            break;
        }
        if (nd->self == 0)
            continue;
        if (!(nd->has & HAS_PARENT)) {
            rc = p2p_diag_set(s->d, P2P_EFORMAT, nd->line, -1, "node %lld has no <parent>", (long long)nd->id);
            break;
        }
        uint32_t anc = MEMO_ROOT;
        if ((rc = resolve_parent(s, nd, nd->parent, &path, &cap, &anc)) < 0)
            break;
        if (anc == MEMO_ROOT)
            continue;
        if (!(nd->has & HAS_OBJECT)) {
            rc = p2p_diag_set(s->d, P2P_EFORMAT, nd->line, -1, "node %lld has no <object>", (long long)nd->id);
            break;
        }
        p2p_fid callee = p2p_profile_find_int(p, nd->object);
        if (callee == P2P_NONE) {
            if (p2p_u64map_get(&s->obj_map, (uint64_t)nd->object) == UINT32_MAX) {
                rc = p2p_diag_set(s->d, P2P_EFORMAT, nd->line, -1, "node %lld names object %lld, which does not exist",
                                  (long long)nd->id, (long long)nd->object);
                break;
            }
            if (!skipped++)
                skipped_line = nd->line;
            continue;
        }
        p2p_fid caller = p2p_profile_find_int(p, s->nodes[anc].object);
        uint32_t c = caller == P2P_NONE ? P2P_NONE : p2p_profile_get_call(p, caller, callee, NULL);
        if (c == P2P_NONE) {
            rc = p2p_diag_set(s->d, P2P_ENOMEM, 0, -1, "out of memory");
            break;
        }
        p2p_ev_add(&p->calls[c].ev, P2P_SAMPLES2, (double)nd->self);
    }
    free(path);
    if (!rc && skipped)
        p2p_smp_warn(s->o, "line %ld: %ld node%s with samples of %s whose own <self> is 0 gave no call", skipped_line,
                     skipped, skipped == 1 ? "" : "s", skipped == 1 ? "an object" : "objects");
    return rc;
}

/* true when the document is UTF-8 by default: no byte-order mark of UTF-16
 * and no encoding declaration naming anything but UTF-8. */
static bool default_utf8(const char *t, size_t n)
{
    if (n >= 2 && ((uchar)t[0] == 0xff || (uchar)t[0] == 0xfe))
        return false;
    if (n >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0) {
        t += 3;
        n -= 3;
    }
    if (n < 5 || memcmp(t, "<?xml", 5) != 0)
        return true;
    size_t m = n < 256 ? n : 256;
    const char *end = memmem(t, m, "?>", 2);
    const char *enc = memmem(t, end ? (size_t)(end - t) : m, "encoding", 8);
    if (!enc)
        return true;
    const char *q = enc + 8, *lim = end ? end : t + m;
    while (q < lim && *q != '"' && *q != '\'')
        q++;
    if (q >= lim)
        return true;
    char quote = *q++;
    const char *v = q;
    while (q < lim && *q != quote)
        q++;
    size_t len = (size_t)(q - v);
    return (len == 5 && strncasecmp(v, "utf-8", 5) == 0) || (len == 4 && strncasecmp(v, "utf8", 4) == 0);
}

/* Invalid UTF-8 in a UTF-8 document becomes U+FFFD before expat reads it
 * (expat would refuse the document): the data and size then name a new buffer in
 * `owned`, and *first gets the first line repaired. */
static int repair_utf8(long *first, const char **data, size_t *size, char **owned, p2p_diag *d)
{
    const char *t = *data;
    size_t n = *size;
    *owned = NULL;
    if (!default_utf8(t, n) || p2p_utf8_valid(t, n))
        return 0;
    long line = 1;
    for (size_t i = 0; i < n;) {
        const char *nl = memchr(t + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - t) : n;
        if (!p2p_utf8_valid(t + i, e - i))
            break;
        line++;
        i = e + 1;
    }
    p2p_buf b;
    p2p_buf_init(&b);
    p2p_utf8_repair(&b, t, n, false);
    size_t len;
    char *r = p2p_buf_take(&b, &len);
    if (!r)
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    *first = line;
    *owned = r;
    *data = r;
    *size = len;
    return 0;
}

int p2p_parse_sysprof(const p2p_input *inputs, size_t n, const p2p_parse_opts *o, p2p_profile **out,
                      p2p_diag *d)
{
    *out = NULL;
    if (n != 1)
        return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "the sysprof format reads one input, %zu were given", n);
    if (d)
        d->file = inputs[0].name;
    sysprof s;
    memset(&s, 0, sizeof s);
    char *repaired = NULL;
    long repaired_line = 0;
    s.d = d;
    s.o = o;
    p2p_buf_init(&s.text);
    p2p_u64map_init(&s.obj_map);
    p2p_u64map_init(&s.node_map);
    s.p = p2p_profile_new(P2P_ID_INT);
    s.xp = XML_ParserCreate(NULL);
    if (!s.p || !s.xp) {
        s.rc = p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
        goto done;
    }
    XML_SetUserData(s.xp, &s);
    XML_SetElementHandler(s.xp, on_start, on_end);
    XML_SetCharacterDataHandler(s.xp, on_text);
    XML_SetEntityDeclHandler(s.xp, on_entity_decl);
    XML_SetParamEntityParsing(s.xp, XML_PARAM_ENTITY_PARSING_NEVER);
    const char *data = (const char *)inputs[0].data;
    size_t left = inputs[0].size;
    if ((s.rc = repair_utf8(&repaired_line, &data, &left, &repaired, d)) < 0)
        goto done;
    do {
        size_t k = left < CHUNK ? left : CHUNK;
        bool last = k == left;
        if (XML_Parse(s.xp, data, (int)k, last) != XML_STATUS_OK) {
            if (!s.rc) {
                enum XML_Error e = XML_GetErrorCode(s.xp);
                s.rc = p2p_diag_set(d, P2P_EFORMAT, cur_line(&s), -1, "not well-formed XML: %s (column %lu)%s",
                                    XML_ErrorString(e), (unsigned long)XML_GetCurrentColumnNumber(s.xp) + 1,
                                    e == XML_ERROR_NO_ELEMENTS && !inputs[0].size ? ": the input is empty" : "");
            }
            goto done;
        }
        data += k;
        left -= k;
    } while (left);
    if (s.rc)
        goto done;
    s.rc = build(&s);
    if (!s.rc) {
        if (repaired)
            p2p_smp_warn(o, "line %ld: invalid UTF-8 was replaced by U+FFFD (the first on this line)",
                         repaired_line);
        if (o && o->event)
            p2p_smp_warn(o, "this input has samples of one unnamed event: the event '%s' asked for is ignored",
                         o->event);
        *out = s.p;
        s.p = NULL;
    }
done:
    free(repaired);
    if (s.xp)
        XML_ParserFree(s.xp);
    p2p_buf_free(&s.text);
    free(s.objs);
    free(s.nodes);
    p2p_u64map_free(&s.obj_map);
    p2p_u64map_free(&s.node_map);
    p2p_profile_free(s.p);
    return s.rc < 0 ? s.rc : 0;
}
