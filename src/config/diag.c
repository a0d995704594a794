#include "config/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct diag_msg {
    struct srcloc at;
    size_t seq; /* keeps messages at one location in the order they were found */
    char *text; /* the whole line, without '\n' */
};

void diag_init(struct diag *d, FILE *out)
{
    *d = (struct diag){ .out = out };
}

const char *srcloc_str(const struct srcloc *at)
{
    static char bufs[4][512];
    static unsigned next;
    char *b = bufs[next++ % 4];
    if (!at || !at->src)
        snprintf(b, sizeof(bufs[0]), "kqvm");
    else
        snprintf(b, sizeof(bufs[0]), "%s:%u:%u", at->src->name, at->line, at->col);
    return b;
}

bool srcloc_before(const struct srcloc *a, const struct srcloc *b)
{
    unsigned oa = a->src ? a->src->order : 0, ob = b->src ? b->src->order : 0;
    if (oa != ob)
        return oa < ob;
    if (a->line != b->line)
        return a->line < b->line;
    return a->col < b->col;
}

static void diag_add(struct diag *d, const struct srcloc *at, const char *kind, const char *fmt,
                     va_list ap)
{
    if (d->n >= DIAG_MAX_KEPT)
        return;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        struct diag_msg *m = realloc(d->msgs, cap * sizeof(*m));
        if (!m)
            return;
        d->msgs = m;
        d->cap = cap;
    }
    char body[1024];
    vsnprintf(body, sizeof(body), fmt, ap);
    char *text = NULL;
    if (asprintf(&text, "%s: %s: %s", srcloc_str(at), kind, body) < 0)
        return;
    d->msgs[d->n] = (struct diag_msg){ .at = at ? *at : (struct srcloc){ 0 }, .seq = d->n,
                                       .text = text };
    d->n++;
}

static bool diag_is_quiet(const struct diag *d, const struct srcloc *at)
{
    for (unsigned i = 0; at && i < d->nquiet; i++)
        if (d->quiet[i].src == at->src && d->quiet[i].line == at->line &&
            d->quiet[i].col == at->col)
            return true;
    return false;
}

void diag_quiet(struct diag *d, const struct srcloc *at)
{
    if (d->nquiet < DIAG_MAX_QUIET && !diag_is_quiet(d, at))
        d->quiet[d->nquiet++] = *at;
}

void diag_error(struct diag *d, const struct srcloc *at, const char *fmt, ...)
{
    if (diag_is_quiet(d, at)) {
        d->errors++; /* still an error: the run fails, with one message */
        return;
    }
    d->errors++;
    va_list ap;
    va_start(ap, fmt);
    diag_add(d, at, "error", fmt, ap);
    va_end(ap);
}

void diag_warn(struct diag *d, const struct srcloc *at, const char *fmt, ...)
{
    d->warnings++;
    va_list ap;
    va_start(ap, fmt);
    diag_add(d, at, "warning", fmt, ap);
    va_end(ap);
}

static int msg_cmp(const void *pa, const void *pb)
{
    const struct diag_msg *a = pa, *b = pb;
    if (srcloc_before(&a->at, &b->at))
        return -1;
    if (srcloc_before(&b->at, &a->at))
        return 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void diag_flush(struct diag *d)
{
    if (d->n)
        qsort(d->msgs, d->n, sizeof(*d->msgs), msg_cmp);
    size_t shown = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (d->out && shown < DIAG_MAX_SHOWN)
            fprintf(d->out, "%s\n", d->msgs[i].text);
        shown++;
        free(d->msgs[i].text);
    }
    if (d->out && shown > DIAG_MAX_SHOWN)
        fprintf(d->out, "kqvm: note: %zu more messages not shown\n", shown - DIAG_MAX_SHOWN);
    d->n = 0;
}

void diag_free(struct diag *d)
{
    diag_flush(d);
    free(d->msgs);
    d->msgs = NULL;
    d->cap = 0;
}
