/* pass intr: a host interrupt source forwarded to a guest line.
 *
 * The flow, per source: the source fires and is masked at the source (a UIO
 * or VFIO INTx interrupt masks itself in the host kernel; an eventfd is
 * masked by not being read); kqvm asserts the guest line; the guest handles
 * the interrupt and EOIs it (KVM_EXIT_IOAPIC_EOI with kqvm's I/O APIC, a
 * resample irqfd with KVM's, an EOI command to the 8259); kqvm lowers the
 * line and unmasks the source. When the guest's pin is edge-triggered no
 * EOI will be seen: the line is pulsed and the source unmasked at once, as
 * with the `u` attribute.
 *
 * Storm protection: a token bucket per source, filled at pass-irq-budget
 * interrupts a second and holding a tenth of that. A source that fires with
 * the bucket empty still has that interrupt delivered, but stays masked
 * after it for pass-irq-backoff milliseconds: the host spends at most the
 * budget's worth of work on it, whatever the device does. */
#include "pass/irq.h"

#include "pass/pass.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

enum { STORM_LOG_INTERVAL_NS = 1000000000 }; /* at most one storm message a second */

static uint64_t line_events(void)
{
    return EPOLLIN | EPOLLONESHOT;
}

/* Watch the source again after it was taken. Lock held. */
static void unmask_source(struct pass_irq *pi)
{
    if (pi->ops->unmask)
        pi->ops->unmask(pi);
    event_rearm(pi->loop, pi->fd, (uint32_t)line_events());
}

/* One interrupt against the budget; false: the bucket is empty. Lock held. */
static bool budget_take(struct pass_irq *pi, uint64_t now)
{
    if (!pi->budget)
        return true;
    double refill = (double)(now - pi->bucket_ns) * (double)pi->budget / 1e9;
    pi->bucket_ns = now;
    pi->tokens += refill;
    if (pi->tokens > pi->burst)
        pi->tokens = pi->burst;
    if (pi->tokens < 1.0)
        return false;
    pi->tokens -= 1.0;
    return true;
}

static void storm(struct pass_irq *pi, uint64_t now)
{
    pi->throttled = true;
    pi->throttles++;
    pi->throttled_since = now;
    irq_line_throttled(pi->line);
    event_timer_arm(pi->loop, &pi->backoff, now + pi->backoff_ns);
    if (!pi->storm_logged || now - pi->storm_logged >= STORM_LOG_INTERVAL_NS) {
        log_warn("%s: interrupt storm: over %" PRIu64 " interrupts a second; the source stays "
                 "masked for %" PRIu64 " ms (%" PRIu64 " time%s so far)",
                 pi->label, pi->budget, pi->backoff_ns / 1000000, pi->throttles,
                 pi->throttles == 1 ? "" : "s");
        pi->storm_logged = now;
    }
}

/* The source's descriptor is readable (the loop thread). */
static void on_source(void *arg, uint32_t events)
{
    (void)events;
    struct pass_irq *pi = arg;
    pthread_mutex_lock(&pi->lock);
    if (!pi->attached) {
        pthread_mutex_unlock(&pi->lock);
        return;
    }
    uint64_t n = pi->ops->take(pi);
    if (n == 0) { /* nothing after all: watch on */
        event_rearm(pi->loop, pi->fd, (uint32_t)line_events());
        pthread_mutex_unlock(&pi->lock);
        return;
    }
    uint64_t now = event_now();
    pi->fired++;
    if (n > 1)
        irq_line_coalesced(pi->line, (unsigned)(n - 1 > UINT32_MAX ? UINT32_MAX : n - 1));
    if (!budget_take(pi, now))
        storm(pi, now);
    pi->forwarded++;
    bool wait_eoi = !pi->deliver && !(pi->spec->intr_attr & PASS_INTR_UNMASK) &&
                    irq_line_expects_eoi(pi->line);
    if (wait_eoi) {
        pi->in_flight = true;
        irq_set_level(pi->line, true);
    } else {
        if (pi->deliver)
            pi->deliver(pi->deliver_arg);
        else
            irq_pulse(pi->line);
        if (!pi->throttled)
            unmask_source(pi);
    }
    pthread_mutex_unlock(&pi->lock);
}

/* The guest ended the line's interrupt (a vCPU thread or the loop thread). */
static void on_eoi(void *arg)
{
    struct pass_irq *pi = arg;
    pthread_mutex_lock(&pi->lock);
    if (pi->attached && pi->in_flight) {
        pi->in_flight = false;
        pi->eois++;
        irq_set_level(pi->line, false);
        if (!pi->throttled)
            unmask_source(pi);
    }
    pthread_mutex_unlock(&pi->lock);
}

/* The back-off is over (the loop thread). */
static void on_backoff(void *arg)
{
    struct pass_irq *pi = arg;
    pthread_mutex_lock(&pi->lock);
    if (pi->attached && pi->throttled) {
        pi->throttled = false;
        pi->throttled_ns += event_now() - pi->throttled_since;
        pi->tokens = pi->burst;
        if (!pi->in_flight)
            unmask_source(pi);
    }
    pthread_mutex_unlock(&pi->lock);
}

struct pass_irq *pass_irq_new(const struct vm_spec *spec, const struct pass_irq_ops *ops,
                              const char *label)
{
    struct pass_irq *pi = calloc(1, sizeof(*pi));
    if (!pi)
        return NULL;
    pi->ops = ops;
    pi->fd = pi->aux_fd = -1;
    pi->budget = spec->vars[VAR_PASS_IRQ_BUDGET].u;
    pi->burst = pi->budget / 10 ? (double)(pi->budget / 10) : 1.0;
    pi->backoff_ns = spec->vars[VAR_PASS_IRQ_BACKOFF].u * 1000000;
    snprintf(pi->label, sizeof(pi->label), "%s", label);
    pthread_mutex_init(&pi->lock, NULL);
    event_timer_init(&pi->backoff, on_backoff, pi);
    return pi;
}

struct pass_irq *pass_irq_open(struct pass_set *ps, const struct pass_spec *p)
{
    /* pass_runnable refused the other kinds before anything was opened */
    const struct pass_irq_ops *ops = p->irq_source == PASS_IRQ_UIO    ? &pass_irq_uio
                                     : p->irq_source == PASS_IRQ_VFIO ? &pass_irq_vfio
                                                                      : &pass_irq_eventfd;
    char label[160];
    snprintf(label, sizeof(label), "pass intr %s:%u (%s)", p->intr.controller, p->intr.line,
             srcloc_str(&p->at));
    struct pass_irq *pi = pass_irq_new(ps->spec, ops, label);
    if (!pi)
        return NULL;
    pi->spec = p;
    pi->priv = ps;
    if (!ops->open(pi)) {
        pthread_mutex_destroy(&pi->lock);
        free(pi);
        return NULL;
    }
    return pi;
}

bool pass_irq_attach_one(struct pass_irq *pi, struct irq_line *l, struct event_loop *loop)
{
    pthread_mutex_lock(&pi->lock);
    pi->line = l;
    pi->loop = loop;
    pi->in_flight = pi->throttled = false;
    pi->tokens = pi->burst;
    pi->bucket_ns = event_now();
    irq_set_eoi_handler(l, on_eoi, pi);
    pi->attached = event_add(loop, pi->fd, (uint32_t)line_events(), on_source, pi);
    if (pi->attached && pi->ops->unmask)
        pi->ops->unmask(pi);
    bool ok = pi->attached;
    pthread_mutex_unlock(&pi->lock);
    return ok;
}

void pass_irq_detach_one(struct pass_irq *pi)
{
    pthread_mutex_lock(&pi->lock);
    if (pi->attached) {
        event_del(pi->loop, pi->fd);
        event_timer_cancel(pi->loop, &pi->backoff);
        pi->ops->quiesce(pi);
        if (pi->in_flight)
            irq_set_level(pi->line, false);
        if (pi->throttled)
            pi->throttled_ns += event_now() - pi->throttled_since;
        pi->in_flight = pi->throttled = pi->attached = false;
        irq_set_eoi_handler(pi->line, NULL, NULL);
        pi->line = NULL;
    }
    pthread_mutex_unlock(&pi->lock);
}

void pass_irq_close(struct pass_irq *pi)
{
    if (!pi)
        return;
    pass_irq_detach_one(pi);
    pi->ops->close(pi);
    pthread_mutex_destroy(&pi->lock);
    free(pi);
}

void pass_irq_report_one(const struct pass_irq *pi)
{
    log_info("%s from %s: fired %" PRIu64 ", forwarded %" PRIu64 ", eoi %" PRIu64
             ", throttled %" PRIu64 " times (%" PRIu64 " ms masked)",
             pi->label, pi->source, pi->fired, pi->forwarded, pi->eois, pi->throttles,
             pi->throttled_ns / 1000000);
}
