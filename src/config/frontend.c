#include "config/frontend.h"

#include "config/resolve.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

void frontend_init(struct frontend *f, FILE *diag_out)
{
    memset(f, 0, sizeof(*f));
    diag_init(&f->diag, diag_out);
}

static struct source *new_source(struct frontend *f, const char *name, const char *dir)
{
    struct source *s = arena_alloc(&f->arena, sizeof(*s));
    s->name = arena_strdup(&f->arena, name);
    s->dir = arena_strdup(&f->arena, dir);
    s->order = ++f->nsources;
    return s;
}

void frontend_add_text(struct frontend *f, const char *name, const char *dir, const char *text,
                       size_t len)
{
    const struct source *src = new_source(f, name, dir);
    lex_text(&f->arena, &f->diag, src, text, len, 1, 1, &f->toks);
}

void frontend_add_file(struct frontend *f, const char *path, const struct srcloc *named_at)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        diag_error(&f->diag, named_at, "cannot read configuration file '%s': %s", path,
                   strerror(errno));
        return;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        buf = arena_grow(&f->arena, buf, &cap, len + 65536, 1);
        size_t n = fread(buf + len, 1, cap - len, fp);
        len += n;
        if (n == 0 || len > LEX_MAX_INPUT)
            break;
    }
    bool failed = ferror(fp);
    fclose(fp);
    if (failed || len > LEX_MAX_INPUT) {
        diag_error(&f->diag, named_at, "cannot read configuration file '%s': %s", path,
                   failed ? "read error" : "larger than 16 MiB");
        return;
    }
    char *dircopy = arena_strdup(&f->arena, path);
    frontend_add_text(f, path, dirname(dircopy), buf, len);
}

void frontend_add_args(struct frontend *f, int argc, char **argv)
{
    if (!f->cmdline) {
        f->cmdline = new_source(f, "<command line>", ".");
        f->cmdline_col = 1;
    }
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        size_t len = strlen(w);
        struct srcloc at = { .src = f->cmdline, .line = 1, .col = f->cmdline_col };
        if (w[0] == '@') {
            if (!w[1])
                diag_error(&f->diag, &at, "'@' needs a file name: @FILE");
            else
                frontend_add_file(f, w + 1, &at);
            /* Words after a file come after it: a new segment of the command
             * line, later in the input order, its columns continuing. */
            f->cmdline = new_source(f, "<command line>", ".");
        } else if (len == 0) {
            diag_error(&f->diag, &at, "empty word on the command line");
        } else {
            /* A command-line word is configuration text; its columns count
             * across the words as if they were joined with spaces. */
            lex_text(&f->arena, &f->diag, f->cmdline, w, len, 1, f->cmdline_col, &f->toks);
        }
        f->cmdline_col += (unsigned)len + 1;
    }
}

bool frontend_finish(struct frontend *f)
{
    parse_tokens(&f->arena, &f->diag, &f->toks, &f->cfg);
    if (!f->cfg.var_help)
        resolve_config(&f->arena, &f->diag, &f->cfg, &f->vm);
    diag_flush(&f->diag);
    return f->diag.errors == 0;
}

void frontend_free(struct frontend *f)
{
    diag_free(&f->diag);
    arena_free(&f->arena);
}
