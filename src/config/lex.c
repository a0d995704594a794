#include "config/lex.h"

#include <stdlib.h>
#include <string.h>

/* A growable byte buffer for the token being built. */
struct wordbuf {
    char *p;
    size_t n, cap;
};

static void wb_put(struct arena *a, struct wordbuf *w, const char *s, size_t n)
{
    w->p = arena_grow(a, w->p, &w->cap, w->n + n + 1, 1);
    memcpy(w->p + w->n, s, n);
    w->n += n;
    w->p[w->n] = '\0';
}

struct lexer {
    struct arena *a;
    struct diag *d;
    const struct source *src;
    const char *s;
    size_t len, pos;
    unsigned line, col;
};

static struct srcloc here(const struct lexer *lx)
{
    return (struct srcloc){ .src = lx->src, .line = lx->line, .col = lx->col };
}

static void advance(struct lexer *lx)
{
    if (lx->s[lx->pos] == '\n') {
        lx->line++;
        lx->col = 1;
    } else {
        lx->col++;
    }
    lx->pos++;
}

static bool at_end(const struct lexer *lx)
{
    return lx->pos >= lx->len;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static bool is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* Reject bytes that have no place in configuration text; report each once per word. */
static bool check_byte(struct lexer *lx, unsigned char c)
{
    if (c >= 0x20 || is_space((char)c))
        return true;
    struct srcloc at = here(lx);
    diag_error(lx->d, &at, "unexpected control character 0x%02x in configuration text", c);
    return false;
}

/* "$NAME{ARG}" at lx->pos. Appends the substitution to w and returns true;
 * returns false (nothing consumed) when the text is not a substitution, in which
 * case '$' is an ordinary character. */
static bool substitute(struct lexer *lx, struct wordbuf *w)
{
    size_t p = lx->pos + 1;
    while (p < lx->len && is_name_char(lx->s[p]))
        p++;
    if (p == lx->pos + 1 || p >= lx->len || lx->s[p] != '{')
        return false;
    struct srcloc at = here(lx);
    const char *fn = lx->s + lx->pos + 1;
    size_t fnlen = p - lx->pos - 1;
    size_t close = p + 1;
    while (close < lx->len && lx->s[close] != '}' && !is_space(lx->s[close]) && lx->s[close] != '"')
        close++;
    if (close >= lx->len || lx->s[close] != '}') {
        diag_error(lx->d, &at, "unterminated substitution '$%.*s{': expected '}'", (int)fnlen, fn);
        while (lx->pos < p + 1)
            advance(lx);
        return true;
    }
    const char *arg = lx->s + p + 1;
    size_t arglen = close - p - 1;
    while (lx->pos <= close)
        advance(lx);

    if (fnlen == 3 && memcmp(fn, "env", 3) == 0) {
        if (arglen == 0) {
            diag_error(lx->d, &at, "$env{} needs the name of an environment variable");
            return true;
        }
        char *name = arena_strndup(lx->a, arg, arglen);
        const char *val = getenv(name);
        if (!val)
            diag_error(lx->d, &at, "environment variable '%s' is not set (in $env{%s})", name, name);
        else
            wb_put(lx->a, w, val, strlen(val));
    } else if ((fnlen == 12 && memcmp(fn, "asinfo_start", 12) == 0) ||
               (fnlen == 13 && memcmp(fn, "asinfo_length", 13) == 0)) {
        diag_error(lx->d, &at,
                   "$%.*s{%.*s} refers to the QNX system page, which is not available on Linux "
                   "hosts; give the address or length as a number",
                   (int)fnlen, fn, (int)arglen, arg);
    } else {
        diag_error(lx->d, &at, "unknown substitution '$%.*s{...}': kqvm knows $env{NAME}",
                   (int)fnlen, fn);
    }
    return true;
}

/* A double-quoted segment starting at lx->pos; appends its contents to w.
 * Inside quotes \" \\ and \$ escape, and backslash-newline is removed. */
static void quoted(struct lexer *lx, struct wordbuf *w)
{
    struct srcloc open = here(lx);
    advance(lx);
    while (!at_end(lx)) {
        char c = lx->s[lx->pos];
        if (c == '"') {
            advance(lx);
            return;
        }
        if (c == '\\' && lx->pos + 1 < lx->len &&
            (lx->s[lx->pos + 1] == '"' || lx->s[lx->pos + 1] == '\\' ||
             lx->s[lx->pos + 1] == '$')) {
            advance(lx);
            wb_put(lx->a, w, &lx->s[lx->pos], 1);
            advance(lx);
            continue;
        }
        if (c == '\\' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '\n') {
            /* backslash-newline continues the line (QNX's cmdline examples use it) */
            advance(lx);
            advance(lx);
            continue;
        }
        if (c == '$' && substitute(lx, w))
            continue;
        if (check_byte(lx, (unsigned char)c))
            wb_put(lx->a, w, &c, 1);
        advance(lx);
    }
    diag_error(lx->d, &open, "unterminated quoted string: expected '\"' before the end of input");
}

void lex_text(struct arena *a, struct diag *d, const struct source *src, const char *text,
              size_t len, unsigned line, unsigned col, struct token_list *out)
{
    struct lexer lx = { .a = a, .d = d, .src = src, .s = text, .len = len, .line = line, .col = col };
    while (!at_end(&lx)) {
        char c = lx.s[lx.pos];
        if (is_space(c)) {
            advance(&lx);
            continue;
        }
        if (c == '#') {
            while (!at_end(&lx) && lx.s[lx.pos] != '\n')
                advance(&lx);
            continue;
        }
        struct token tok = { .loc = here(&lx), .verbatim = true };
        unsigned errors_before = d->errors;
        struct wordbuf w = { 0 };
        wb_put(a, &w, "", 0);
        while (!at_end(&lx) && !is_space(lx.s[lx.pos])) {
            c = lx.s[lx.pos];
            if (c == '"') {
                tok.verbatim = false;
                quoted(&lx, &w);
            } else if (c == '$' && substitute(&lx, &w)) {
                tok.verbatim = false;
            } else {
                if (check_byte(&lx, (unsigned char)c))
                    wb_put(a, &w, &c, 1);
                advance(&lx);
            }
        }
        tok.text = w.p;
        tok.len = w.n;
        if (d->errors != errors_before)
            diag_quiet(d, &tok.loc);
        out->v = arena_grow(a, out->v, &out->cap, out->n + 1, sizeof(*out->v));
        out->v[out->n++] = tok;
    }
}

struct srcloc token_loc_at(const struct token *tok, size_t off)
{
    struct srcloc at = tok->loc;
    if (tok->verbatim && off <= tok->len)
        at.col += (unsigned)off;
    return at;
}
