/* The parser: words -> entries grouped into contexts, following the grammar of
 * ../shared/qvmconf.md. It knows every option's name and arity (from the
 * tables) but gives no meaning to arguments; that is the resolver's job. */
#ifndef KQVM_CONFIG_PARSE_H
#define KQVM_CONFIG_PARSE_H

#include "config/global.h"
#include "config/lex.h"
#include "config/options.h"

struct vdev_type;

enum { CFG_MAX_ARGS = 2 };

struct cfg_entry {
    const struct token *word;   /* the option word */
    const struct token *prefix; /* TYPE in "TYPE load"; NULL otherwise */
    const struct token *args[CFG_MAX_ARGS];
    unsigned nargs;
    /* pass: the argument of its loc and intr parts, when given */
    const struct token *pass_loc, *pass_intr;
    const struct global_desc *global; /* a global option (including cpu, vdev) */
    const struct option_desc *opt;    /* or an option of the context ctx */
    int ctx;                          /* owning context, -1 for none */
};

enum cfg_ctx_kind { CTX_CPU, CTX_VDEV };

struct cfg_context {
    enum cfg_ctx_kind kind;
    const struct token *word;      /* "cpu" or "vdev" */
    const struct token *type_word; /* vdev: its type as written */
    const struct vdev_type *type;  /* vdev: NULL when the type is unknown */
    size_t entry;                  /* index of the opening entry */
};

struct cfg {
    struct cfg_entry *entries;
    size_t n, cap;
    struct cfg_context *ctxs;
    size_t nctx, ctxcap;
    const struct token *var_help; /* "set ?" was given */
};

void parse_tokens(struct arena *a, struct diag *d, const struct token_list *toks, struct cfg *out);

#endif
