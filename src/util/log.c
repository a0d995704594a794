#include "util/log.h"

#include "config/spec.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static struct log_ctx vm_ctx = {
    /* Before log_setup: the default logger (fatal,internal,error,warn,info stderr). */
    .dests = { 1u << LOGD_STDERR, 1u << LOGD_STDERR, 1u << LOGD_STDERR, 1u << LOGD_STDERR,
               1u << LOGD_STDERR, 0, 0 },
};
static const char *vm_system = "kqvm";
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned sev_index(enum log_filter sev)
{
    unsigned i = 0;
    while (i < 6 && !(sev & (1u << i)))
        i++;
    return i;
}

void log_setup(const char *system, const struct logger_spec *loggers, unsigned n)
{
    memset(vm_ctx.dests, 0, sizeof(vm_ctx.dests));
    vm_system = system;
    bool syslog_used = false;
    for (unsigned i = 0; i < n; i++) {
        for (unsigned s = 0; s < 7; s++)
            if (loggers[i].log.filters & (1u << s))
                vm_ctx.dests[s] |= (unsigned char)(1u << loggers[i].log.dest);
        syslog_used |= loggers[i].log.dest == LOGD_SYSLOG;
    }
    if (syslog_used)
        openlog("kqvm", LOG_PID, LOG_USER);
}

void log_ctx_for(struct log_ctx *ctx, const char *prefix, const struct log_spec *logs, unsigned n)
{
    *ctx = vm_ctx;
    ctx->prefix = prefix;
    for (unsigned i = 0; i < n; i++)
        for (unsigned s = 0; s < 7; s++)
            if (logs[i].filters & (1u << s))
                ctx->dests[s] = (unsigned char)(1u << logs[i].dest);
}

bool log_enabled(const struct log_ctx *ctx, enum log_filter sev)
{
    const struct log_ctx *c = ctx ? ctx : &vm_ctx;
    unsigned d = c->dests[sev_index(sev)];
    return d & ~(1u << LOGD_NONE);
}

void log_vmsg(const struct log_ctx *ctx, enum log_filter sev, const char *fmt, va_list ap)
{
    static const char *const names[] = { "fatal", "internal", "error", "warning",
                                         "info",  "debug",    "verbose" };
    static const int prio[] = { LOG_CRIT, LOG_ERR, LOG_ERR, LOG_WARNING,
                                LOG_INFO, LOG_DEBUG, LOG_DEBUG };
    const struct log_ctx *c = ctx ? ctx : &vm_ctx;
    unsigned s = sev_index(sev);
    unsigned d = c->dests[s];
    if (!(d & ~(1u << LOGD_NONE)))
        return;
    char msg[1024];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    const char *pre = c->prefix ? c->prefix : "";
    const char *sep = c->prefix ? ": " : "";
    pthread_mutex_lock(&log_lock);
    if (d & (1u << LOGD_STDERR))
        fprintf(stderr, "kqvm[%s]: %s%s%s: %s\n", vm_system, pre, sep, names[s], msg);
    if (d & (1u << LOGD_STDOUT)) {
        fprintf(stdout, "kqvm[%s]: %s%s%s: %s\n", vm_system, pre, sep, names[s], msg);
        fflush(stdout);
    }
    if (d & (1u << LOGD_SYSLOG))
        syslog(prio[s], "[%s] %s%s%s: %s", vm_system, pre, sep, names[s], msg);
    pthread_mutex_unlock(&log_lock);
}

void log_msg(const struct log_ctx *ctx, enum log_filter sev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(ctx, sev, fmt, ap);
    va_end(ap);
}
