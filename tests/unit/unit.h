/* Helpers for the front end's unit tests: run configuration text through the
 * real lexer, parser and resolver and look at the messages and the spec. */
#ifndef KQVM_TESTS_UNIT_H
#define KQVM_TESTS_UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/frontend.h"
#include "vdev/vdev.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Files tests may load; relative to the repository root, where tests run. */
#define FIXTURES "tests/configs/files"

struct run {
    struct frontend f;
    char *msgs; /* every diagnostic, one per line */
    size_t msgs_len;
    FILE *mem;
    bool ok;
};

/* Run text as the file "t.qvmconf" whose relative paths resolve in FIXTURES. */
static inline struct run *run_text(const char *text)
{
    struct run *r = calloc(1, sizeof(*r));
    r->mem = open_memstream(&r->msgs, &r->msgs_len);
    frontend_init(&r->f, r->mem);
    frontend_add_text(&r->f, "t.qvmconf", FIXTURES, text, strlen(text));
    r->ok = frontend_finish(&r->f);
    fflush(r->mem);
    return r;
}

static inline void run_free(struct run *r)
{
    fclose(r->mem);
    free(r->msgs);
    frontend_free(&r->f);
    free(r);
}

/* The configuration is accepted without any message. */
#define assert_accepts(text)                                                                      \
    do {                                                                                          \
        struct run *r_ = run_text(text);                                                          \
        if (!r_->ok || r_->msgs_len)                                                              \
            fail_msg("expected no messages, got:\n%s", r_->msgs);                                 \
        run_free(r_);                                                                             \
    } while (0)

/* The configuration is refused with exactly these messages. */
#define assert_refuses(text, expected)                                                            \
    do {                                                                                          \
        struct run *r_ = run_text(text);                                                          \
        assert_false(r_->ok);                                                                     \
        assert_string_equal(r_->msgs, expected);                                                  \
        run_free(r_);                                                                             \
    } while (0)

#endif
