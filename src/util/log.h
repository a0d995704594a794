/* Logging with QNX's filters (fatal internal error warn info debug verbose: sets,
 * not levels) to the destinations `logger` and a vdev's `log` chose. */
#ifndef KQVM_UTIL_LOG_H
#define KQVM_UTIL_LOG_H

#include "config/options.h"

#include <stdarg.h>

/* Where each severity goes: a bit per enum log_dest, per severity. */
struct log_ctx {
    unsigned char dests[7];
    const char *prefix; /* "vdev ser8250" or NULL for kqvm itself */
};

struct logger_spec;

/* The VM-wide context from the `logger` entries (system names the VM in syslog). */
void log_setup(const char *system, const struct logger_spec *loggers, unsigned n);
/* A vdev's context: the VM's, with its `log` options applied in order (later win). */
void log_ctx_for(struct log_ctx *ctx, const char *prefix, const struct log_spec *logs, unsigned n);

void log_msg(const struct log_ctx *ctx, enum log_filter sev, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void log_vmsg(const struct log_ctx *ctx, enum log_filter sev, const char *fmt, va_list ap);

/* kqvm's own messages, through the VM-wide context. */
#define log_fatal(...) log_msg(NULL, LOGF_FATAL, __VA_ARGS__)
#define log_internal(...) log_msg(NULL, LOGF_INTERNAL, __VA_ARGS__)
#define log_error(...) log_msg(NULL, LOGF_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(NULL, LOGF_WARN, __VA_ARGS__)
#define log_info(...) log_msg(NULL, LOGF_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(NULL, LOGF_DEBUG, __VA_ARGS__)
#define log_verbose(...) log_msg(NULL, LOGF_VERBOSE, __VA_ARGS__)

/* Whether a message of this severity would go anywhere (skip costly formatting). */
bool log_enabled(const struct log_ctx *ctx, enum log_filter sev);

#endif
