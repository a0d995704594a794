#include "config/parse.h"

#include "config/suggest.h"
#include "vdev/vdev.h"

#include <string.h>

struct parser {
    struct arena *a;
    struct diag *d;
    const struct token_list *toks;
    size_t pos;
    struct cfg *cfg;
    int ctx; /* current context, -1 before the first */
};

static bool tok_is(const struct token *t, const char *s)
{
    return t && strcmp(t->text, s) == 0;
}

static const struct token *peek(const struct parser *p, size_t ahead)
{
    return p->pos + ahead < p->toks->n ? &p->toks->v[p->pos + ahead] : NULL;
}

static struct cfg_entry *new_entry(struct parser *p, const struct token *word)
{
    struct cfg *c = p->cfg;
    c->entries = arena_grow(p->a, c->entries, &c->cap, c->n + 1, sizeof(*c->entries));
    struct cfg_entry *e = &c->entries[c->n++];
    memset(e, 0, sizeof(*e));
    e->word = word;
    e->ctx = -1;
    return e;
}

/* Take n argument words after the option word; false (and an error) when the
 * input ends first. */
static bool take_args(struct parser *p, struct cfg_entry *e, unsigned n, const char *syntax)
{
    for (unsigned i = 0; i < n; i++) {
        const struct token *t = peek(p, 0);
        if (!t) {
            diag_error(p->d, &e->word->loc, "'%s' expects %s argument%s (%s), but the input ends",
                       e->word->text, n == 1 ? "an" : "2", n == 1 ? "" : "s", syntax);
            return false;
        }
        e->args[e->nargs++] = t;
        p->pos++;
    }
    return true;
}

static const struct option_desc *context_option(const struct parser *p, const char *word)
{
    if (p->ctx < 0)
        return NULL;
    const struct cfg_context *c = &p->cfg->ctxs[p->ctx];
    if (c->kind == CTX_CPU)
        return option_find(cpu_options, CPU_OPT_COUNT, word);
    if (!c->type)
        return NULL;
    bool common;
    unsigned idx;
    return vdev_option_find(c->type, word, &common, &idx);
}

/* A word that starts an entry here: a global option, a load TYPE followed by
 * "load", or an option of the current context. */
static bool starts_entry(const struct parser *p, size_t ahead)
{
    const struct token *t = peek(p, ahead);
    if (!t)
        return false;
    if (global_find(t->text) || context_option(p, t->text) ||
        option_find(cpu_options, CPU_OPT_COUNT, t->text) ||
        option_find(vdev_common_options, COMMON_OPT_COUNT, t->text))
        return true;
    return load_type_find(t->text) &&
           (tok_is(peek(p, ahead + 1), "load") || tok_is(peek(p, ahead + 1), "pass"));
}

static void open_context(struct parser *p, enum cfg_ctx_kind kind, const struct token *word,
                         size_t entry)
{
    struct cfg *c = p->cfg;
    c->ctxs = arena_grow(p->a, c->ctxs, &c->ctxcap, c->nctx + 1, sizeof(*c->ctxs));
    struct cfg_context *x = &c->ctxs[c->nctx];
    memset(x, 0, sizeof(*x));
    x->kind = kind;
    x->word = word;
    x->entry = entry;
    p->ctx = (int)c->nctx++;
    c->entries[entry].ctx = p->ctx;
}

static void parse_vdev(struct parser *p, struct cfg_entry *e)
{
    open_context(p, CTX_VDEV, e->word, p->cfg->n - 1);
    struct cfg_context *x = &p->cfg->ctxs[p->ctx];
    if (!take_args(p, e, 1, "vdev TYPE"))
        return;
    x->type_word = e->args[0];
    x->type = vdev_type_find(e->args[0]->text);
    if (x->type)
        return;
    struct suggest s;
    char hint[160];
    suggest_init(&s, e->args[0]->text);
    for (unsigned i = 0; i < vdev_types_count; i++)
        suggest_consider(&s, vdev_types[i]->name);
    diag_error(p->d, &e->args[0]->loc, "unknown vdev type '%s'%s", e->args[0]->text,
               suggest_text(&s, hint, sizeof(hint)));
}

/* pass [loc SPEC] [intr INTR]: at least one part, each at most once. */
static void parse_pass(struct parser *p, struct cfg_entry *e)
{
    for (;;) {
        const struct token *t = peek(p, 0);
        const struct token **slot = tok_is(t, "loc") ? &e->pass_loc
                                    : tok_is(t, "intr") ? &e->pass_intr
                                                        : NULL;
        if (!slot || *slot)
            break;
        p->pos++;
        const struct token *arg = peek(p, 0);
        if (!arg) {
            diag_error(p->d, &t->loc, "'pass %s' expects an argument, but the input ends",
                       t->text);
            return;
        }
        *slot = arg;
        p->pos++;
    }
    if (!e->pass_loc && !e->pass_intr)
        diag_error(p->d, &e->word->loc, "'pass' expects 'loc SPEC' and/or 'intr INTR' after it");
}

static void report_unknown(struct parser *p, const struct token *t)
{
    struct suggest s;
    char hint[160];
    suggest_init(&s, t->text);
    for (unsigned i = 0; i < global_options_count; i++)
        suggest_consider(&s, global_options[i].name);
    const char *where = "";
    if (p->ctx >= 0) {
        const struct cfg_context *c = &p->cfg->ctxs[p->ctx];
        if (c->kind == CTX_CPU) {
            for (unsigned i = 0; i < CPU_OPT_COUNT; i++)
                suggest_consider(&s, cpu_options[i].name);
            where = " (in a cpu context)";
        } else if (c->type) {
            for (unsigned i = 0; i < c->type->noptions; i++)
                suggest_consider(&s, c->type->options[i].name);
            for (unsigned i = 0; i < COMMON_OPT_COUNT; i++) {
                bool common;
                unsigned idx;
                if (vdev_option_find(c->type, vdev_common_options[i].name, &common, &idx))
                    suggest_consider(&s, vdev_common_options[i].name);
            }
            where = " (in a vdev context)";
        }
    }
    if (load_type_find(t->text)) {
        diag_error(p->d, &t->loc, "'%s' is a load type: write '%s load FILE'", t->text, t->text);
        return;
    }
    if (p->ctx >= 0 && p->cfg->ctxs[p->ctx].kind == CTX_VDEV && p->cfg->ctxs[p->ctx].type) {
        const struct vdev_type *vt = p->cfg->ctxs[p->ctx].type;
        diag_error(p->d, &t->loc, "'%s' is not an option of vdev %s%s", t->text, vt->name,
                   suggest_text(&s, hint, sizeof(hint)));
        return;
    }
    /* A context option used where its context is not open. */
    if (option_find(cpu_options, CPU_OPT_COUNT, t->text) && (p->ctx < 0 || p->cfg->ctxs[p->ctx].kind != CTX_CPU)) {
        diag_error(p->d, &t->loc, "'%s' is a cpu option, but no cpu context is open", t->text);
        return;
    }
    if (!strcmp(t->text, "loc") || !strcmp(t->text, "intr") || !strcmp(t->text, "name")) {
        diag_error(p->d, &t->loc, "'%s' is a vdev option, but no vdev context is open", t->text);
        return;
    }
    diag_error(p->d, &t->loc, "unknown option '%s'%s%s", t->text, where,
               suggest_text(&s, hint, sizeof(hint)));
}

/* After an error: skip words up to the next one that starts an entry. */
static void skip_to_entry(struct parser *p)
{
    while (p->pos < p->toks->n && !starts_entry(p, 0))
        p->pos++;
}

/* Inside a vdev of unknown type, its options are unknown too: skip them
 * quietly up to the next word that starts a global entry. */
static bool in_unknown_vdev(const struct parser *p)
{
    return p->ctx >= 0 && p->cfg->ctxs[p->ctx].kind == CTX_VDEV && !p->cfg->ctxs[p->ctx].type;
}

static void parse_global(struct parser *p, const struct token *t, const struct global_desc *g,
                         const struct token *prefix)
{
    struct cfg_entry *e = new_entry(p, t);
    e->global = g;
    e->prefix = prefix;
    switch (g->id) {
    case G_CPU:
        open_context(p, CTX_CPU, t, p->cfg->n - 1);
        break;
    case G_VDEV:
        parse_vdev(p, e);
        break;
    case G_PASS:
        parse_pass(p, e);
        break;
    case G_SET:
        if (tok_is(peek(p, 0), "?")) {
            p->cfg->var_help = peek(p, 0);
            take_args(p, e, 1, g->syntax);
            break;
        }
        take_args(p, e, g->nargs, g->syntax);
        break;
    case G_RESERVE:
        /* "reserve loc A intr B ...": each loc/intr pair is one reservation. */
        for (bool first = true;; first = false) {
            const struct token *kind = peek(p, 0);
            if (!tok_is(kind, "loc") && !tok_is(kind, "intr")) {
                if (first) {
                    diag_error(p->d, kind ? &kind->loc : &t->loc,
                               "expected 'loc' or 'intr' after 'reserve'%s%s%s",
                               kind ? ", found '" : "", kind ? kind->text : "", kind ? "'" : "");
                    skip_to_entry(p);
                }
                break;
            }
            if (!first) {
                e = new_entry(p, t);
                e->global = g;
            }
            if (!take_args(p, e, 2, g->syntax))
                break;
        }
        break;
    default:
        take_args(p, e, g->nargs, g->syntax);
        break;
    }
}

void parse_tokens(struct arena *a, struct diag *d, const struct token_list *toks, struct cfg *out)
{
    memset(out, 0, sizeof(*out));
    struct parser p = { .a = a, .d = d, .toks = toks, .cfg = out, .ctx = -1 };
    while (p.pos < toks->n) {
        const struct token *t = &toks->v[p.pos];
        const struct option_desc *o = context_option(&p, t->text);
        const struct global_desc *g = global_find(t->text);
        if (o) {
            /* The open context's own options come first: its table is the
             * narrower scope (ser8250's "sched" is not the cpu's). */
            p.pos++;
            struct cfg_entry *e = new_entry(&p, t);
            e->opt = o;
            e->ctx = p.ctx;
            take_args(&p, e, option_nargs(o), o->arg ? o->arg : "a value");
        } else if (g) {
            p.pos++;
            parse_global(&p, t, g, NULL);
        } else if (load_type_find(t->text) &&
                   (tok_is(peek(&p, 1), "load") || tok_is(peek(&p, 1), "pass"))) {
            p.pos += 2;
            parse_global(&p, &toks->v[p.pos - 1], global_find(toks->v[p.pos - 1].text), t);
        } else if (in_unknown_vdev(&p)) {
            p.pos++;
        } else {
            report_unknown(&p, t);
            p.pos++;
            skip_to_entry(&p);
        }
    }
}
