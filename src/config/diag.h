/* Diagnostics of the configuration front end. Every message reads
 * "FILE:LINE:COL: error: TEXT". All messages of an input are collected and
 * printed in input order (up to a cap) by diag_flush, so that one run reports
 * every error, wherever the stage that found it. */
#ifndef KQVM_CONFIG_DIAG_H
#define KQVM_CONFIG_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Where configuration text came from: a file, or the command line. */
struct source {
    const char *name; /* as given: "guest.qvmconf", or "<command line>" */
    const char *dir;  /* directory that relative paths in it resolve against */
    unsigned order;   /* position among the inputs (built-in sources: 0) */
};

struct srcloc {
    const struct source *src;
    unsigned line, col; /* 1-based; col counts bytes */
};

enum { DIAG_MAX_SHOWN = 50, DIAG_MAX_KEPT = 1000 };

struct diag_msg;

enum { DIAG_MAX_QUIET = 64 };

struct diag {
    FILE *out;
    unsigned errors, warnings;
    struct diag_msg *msgs;
    size_t n, cap;
    /* Words already reported as broken: later errors located there are dropped,
     * so one mistake gives one message. */
    struct srcloc quiet[DIAG_MAX_QUIET];
    unsigned nquiet;
};

void diag_init(struct diag *d, FILE *out);
void diag_error(struct diag *d, const struct srcloc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *d, const struct srcloc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Drop further errors located exactly at `at` (a word already reported). */
void diag_quiet(struct diag *d, const struct srcloc *at);
/* Print the collected messages sorted by location, and forget them. */
void diag_flush(struct diag *d);
void diag_free(struct diag *d);
/* A srcloc as "FILE:LINE:COL", for messages that name a second place.
 * Returns a pointer into one of a few rotating static buffers. */
const char *srcloc_str(const struct srcloc *at);
/* Whether a comes before b in the input. */
bool srcloc_before(const struct srcloc *a, const struct srcloc *b);

#endif
