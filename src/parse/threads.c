/* Thread selection and listing for the parsers (src/parse/threads.h). */
#include <stdlib.h>
#include <string.h>

#include "threads.h"

int p2p_threadsel_init(p2p_threadsel *s, const p2p_parse_opts *o, p2p_diag *d)
{
    memset(s, 0, sizeof *s);
    s->o = o;
    if (o && o->thread) {
        int rc = regcomp(&s->re, o->thread, REG_EXTENDED | REG_NOSUB);
        if (rc) {
            char why[200];
            regerror(rc, &s->re, why, sizeof why);
            return p2p_diag_set(d, P2P_EUSAGE, 0, -1, "--thread: invalid regular expression '%s': %s", o->thread,
                                why);
        }
        s->have_re = true;
    }
    s->arena = p2p_arena_new();
    s->labels = s->arena ? p2p_intern_new(s->arena) : NULL;
    if (!s->labels) {
        p2p_threadsel_free(s);
        return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
    }
    return 0;
}

uint32_t p2p_threadsel_thread(p2p_threadsel *s, const char *label, size_t n)
{
    const char *nul = memchr(label, '\0', n);
    if (nul)
        n = (size_t)(nul - label);
    uint32_t t = p2p_intern_index(s->labels, label, n);
    if (t == P2P_NONE)
        return P2P_NONE;
    if (t < s->n)
        return t;
    /* new: indexes come in order */
    if (!p2p_vm_grow(&s->v, &s->cap, s->n + 1, sizeof *s->v))
        return P2P_NONE;
    p2p_threadsel_one *one = &s->v[s->n++];
    memset(one, 0, sizeof *one);
    one->kept = !s->have_re || regexec(&s->re, p2p_intern_str(s->labels, t), 0, NULL, 0) == 0;
    return t;
}

int p2p_threadsel_finish(p2p_threadsel *s, p2p_diag *d)
{
    p2p_thread_list *l = s->o ? s->o->threads : NULL;
    if (l) {
        for (size_t i = 0; i < s->n; i++) {
            if (!p2p_vm_grow(&l->v, &l->cap, l->n + 1, sizeof *l->v))
                return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
            const char *label = p2p_intern_str(s->labels, (uint32_t)i);
            char *copy = strdup(label);
            if (!copy)
                return p2p_diag_set(d, P2P_ENOMEM, 0, -1, "out of memory");
            l->v[l->n++] = (p2p_thread_info){copy, s->v[i].total, s->v[i].samples, s->v[i].kept};
        }
    }
    if (!s->have_re)
        return 0;
    size_t kept = 0;
    for (size_t i = 0; i < s->n; i++)
        kept += s->v[i].kept;
    if (kept)
        return 0;
    if (s->n == 0)
        return p2p_diag_set(d, P2P_ENOTFOUND, 0, -1, "--thread '%s': the profile names no threads", s->o->thread);
    p2p_buf b;
    p2p_buf_init(&b);
    for (size_t i = 0; i < s->n && i < 10; i++)
        p2p_buf_printf(&b, "%s'%s'", i ? ", " : "", p2p_intern_str(s->labels, (uint32_t)i));
    if (s->n > 10)
        p2p_buf_printf(&b, " and %zu more", s->n - 10);
    int rc = p2p_diag_set(d, P2P_ENOTFOUND, 0, -1, "--thread '%s' matches none of the %zu threads: %.*s",
                          s->o->thread, s->n, b.oom ? 0 : (int)b.len, b.oom ? "" : b.data);
    p2p_buf_free(&b);
    return rc;
}

void p2p_threadsel_free(p2p_threadsel *s)
{
    if (s->have_re)
        regfree(&s->re);
    s->have_re = false;
    p2p_intern_free(s->labels);
    p2p_arena_free(s->arena);
    s->labels = NULL;
    s->arena = NULL;
    p2p_vm_free(s->v, s->cap * sizeof *s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

void p2p_thread_list_free(p2p_thread_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].label);
    p2p_vm_free(l->v, l->cap * sizeof *l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}
