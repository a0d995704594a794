/* A forwarded host interrupt (src/pass/irq.c) and its sources
 * (src/pass/irq_uio.c, src/pass/irq_eventfd.c). */
#ifndef KQVM_PASS_IRQ_H
#define KQVM_PASS_IRQ_H

#include "config/spec.h"
#include "irq/irq.h"
#include "vm/event.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct pass_irq;

/* A kind of host interrupt source. Every source is a descriptor that becomes
 * readable when it fires; kqvm watches it with EPOLLONESHOT, so a source
 * that was taken is not looked at again until it is unmasked. */
struct pass_irq_ops {
    const char *kind;
    /* Open the source named by pi->spec; set pi->fd (to watch) and
     * pi->source (its name for messages). Logs why on failure. */
    bool (*open)(struct pass_irq *pi);
    /* pi->fd is readable: consume it and return how many interrupts
     * arrived (0: none). The source is masked afterwards. */
    uint64_t (*take)(struct pass_irq *pi);
    /* Let the source interrupt again (NULL: watching it again is enough). */
    void (*unmask)(struct pass_irq *pi);
    /* Masked, and nothing pending: the VM goes away. */
    void (*quiesce)(struct pass_irq *pi);
    void (*close)(struct pass_irq *pi);
};

extern const struct pass_irq_ops pass_irq_uio, pass_irq_eventfd, pass_irq_vfio;

struct pass_irq {
    const struct pass_spec *spec; /* NULL for a PCI function's MSI vector */
    const struct pass_irq_ops *ops;
    int fd, aux_fd;
    void *priv; /* open() finds the pass set here; a source may keep its own state */
    /* Edge delivery by a callback instead of a line (a PCI function's MSI
     * vector): deliver(deliver_arg) runs, with the lock held, for each
     * interrupt taken; the source is unmasked right after it. */
    void (*deliver)(void *arg);
    void *deliver_arg;
    char source[64]; /* "/dev/uio0", "eventfd 5" */
    char label[160]; /* "pass intr ioa0:5 (file:3:1)" */
    pthread_mutex_t lock; /* everything below */
    bool attached, in_flight, throttled;
    bool cannot_mask; /* UIO without irqcontrol */
    struct irq_line *line;
    struct event_loop *loop;
    struct event_timer backoff;
    /* the budget: a token bucket */
    uint64_t budget, backoff_ns, bucket_ns;
    double tokens, burst;
    /* counters for the report */
    uint64_t fired, forwarded, eois, throttles, throttled_ns, throttled_since, storm_logged;
};

struct pass_set;

/* The source of pass entry p: opened by its kind's ops. NULL after logging why. */
struct pass_irq *pass_irq_open(struct pass_set *ps, const struct pass_spec *p);
/* A source that is already open (fd and priv set by the caller afterwards),
 * with spec's budget; for MSI vectors (ops->open is not called). */
struct pass_irq *pass_irq_new(const struct vm_spec *spec, const struct pass_irq_ops *ops,
                              const char *label);
/* l may be NULL when deliver is set. */
bool pass_irq_attach_one(struct pass_irq *pi, struct irq_line *l, struct event_loop *loop);
void pass_irq_detach_one(struct pass_irq *pi);
void pass_irq_close(struct pass_irq *pi);
void pass_irq_report_one(const struct pass_irq *pi);

#endif
