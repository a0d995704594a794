/* The lexer: configuration text -> words, each with file:line:col.
 * Comments, double-quoted strings (which may span lines) and $env{NAME}
 * substitution are handled here, so later stages see plain words. */
#ifndef KQVM_CONFIG_LEX_H
#define KQVM_CONFIG_LEX_H

#include "config/diag.h"
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

struct token {
    const char *text; /* NUL-terminated, after quotes and substitutions */
    size_t len;
    struct srcloc loc;
    /* The text is the source bytes as written (no quotes, no substitution), so
     * a byte offset into it is also a column offset in the source. */
    bool verbatim;
};

struct token_list {
    struct token *v;
    size_t n, cap;
};

/* Largest configuration file kqvm reads. */
enum { LEX_MAX_INPUT = 16 * 1024 * 1024 };

/* Append the words of text[0..len) to out. The first byte is at (line, col) of
 * src. Errors go to d; lexing continues after an error so that all are seen. */
void lex_text(struct arena *a, struct diag *d, const struct source *src, const char *text,
              size_t len, unsigned line, unsigned col, struct token_list *out);

/* The location of the byte at offset off inside tok (exact when verbatim). */
struct srcloc token_loc_at(const struct token *tok, size_t off);

#endif
