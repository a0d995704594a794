/* The configuration front end as one call sequence: gather the words (@files
 * and command-line words, in order), parse, resolve. */
#ifndef KQVM_CONFIG_FRONTEND_H
#define KQVM_CONFIG_FRONTEND_H

#include "config/parse.h"
#include "config/spec.h"

struct frontend {
    struct arena arena;
    struct diag diag;
    struct token_list toks;
    struct cfg cfg;
    struct vm_spec vm;
    unsigned nsources;
    struct source *cmdline; /* the source of command-line words */
    unsigned cmdline_col;   /* column of the next command-line word */
};

/* diag_out: where messages go (stderr; a memory stream in tests). */
void frontend_init(struct frontend *f, FILE *diag_out);
/* Configuration text named name (a file name, or "<test>"); dir is where
 * relative paths in it resolve. */
void frontend_add_text(struct frontend *f, const char *name, const char *dir, const char *text,
                       size_t len);
/* A configuration file, read whole. */
void frontend_add_file(struct frontend *f, const char *path, const struct srcloc *named_at);
/* kqvm's arguments: "@FILE" reads a file, any other word is configuration text. */
void frontend_add_args(struct frontend *f, int argc, char **argv);
/* Parse everything added; then resolve unless `set ?` was asked for. */
bool frontend_finish(struct frontend *f);
void frontend_free(struct frontend *f);

#endif
