/* The interrupt core: lines, pins, and their accounting. */
#include "irq/chip.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t irq_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

bool irq_chip_init(struct irq_chip *c, const char *name, unsigned npins,
                   const struct irq_chip_ops *ops, void *dev)
{
    memset(c, 0, sizeof(*c));
    c->pins = calloc(npins ? npins : 1, sizeof(*c->pins));
    if (!c->pins)
        return false;
    c->name = name;
    c->npins = npins;
    c->ops = ops;
    c->dev = dev;
    pthread_mutex_init(&c->lock, NULL);
    return true;
}

void irq_chip_destroy(struct irq_chip *c)
{
    if (!c->pins)
        return;
    pthread_mutex_destroy(&c->lock);
    free(c->pins);
    c->pins = NULL;
}

bool irq_line_connect(struct irq_line *l, struct irq_chip *c, unsigned pin)
{
    if (l->nsinks == IRQ_LINE_SINKS || pin >= c->npins)
        return false;
    unsigned k = l->nsinks++;
    l->chip[k] = c;
    l->pin[k] = pin;
    l->next[k] = c->pins[pin].lines;
    c->pins[pin].lines = l;
    return true;
}

/* One sink of a line changed level: the pin follows the OR of its lines. */
static void sink_set(struct irq_chip *c, unsigned pin, bool level)
{
    struct irq_pin *p = &c->pins[pin];
    pthread_mutex_lock(&c->lock);
    bool was = p->asserted > 0;
    if (level)
        p->asserted++;
    else if (p->asserted)
        p->asserted--;
    bool now = p->asserted > 0;
    if (now && !was) {
        atomic_store(&p->assert_ns, irq_now_ns());
        atomic_fetch_add(&p->stats.raised, 1);
    }
    if (now != was)
        c->ops->set_pin(c->dev, pin, now);
    pthread_mutex_unlock(&c->lock);
}

void irq_set_level(struct irq_line *l, bool level)
{
    if (!l || atomic_exchange(&l->level, level) == level)
        return;
    for (unsigned k = 0; k < l->nsinks; k++)
        sink_set(l->chip[k], l->pin[k], level);
}

void irq_pulse(struct irq_line *l)
{
    if (!l)
        return;
    irq_set_level(l, false); /* a line held high by its device cannot pulse */
    irq_set_level(l, true);
    irq_set_level(l, false);
}

void irq_set_eoi_handler(struct irq_line *l, void (*fn)(void *arg), void *arg)
{
    if (!l)
        return;
    l->eoi_fn = fn;
    l->eoi_arg = arg;
}

bool irq_line_expects_eoi(struct irq_line *l)
{
    for (unsigned k = 0; l && k < l->nsinks; k++) {
        struct irq_chip *c = l->chip[k];
        if (c->ops->expects_eoi && c->ops->expects_eoi(c->dev, l->pin[k]))
            return true;
    }
    return false;
}

static unsigned latency_bucket(uint64_t ns)
{
    uint64_t us = ns / 1000;
    unsigned b = 0;
    while (b < IRQ_HIST_BUCKETS - 1 && us >= (1ull << b))
        b++;
    return b;
}

void irq_line_coalesced(struct irq_line *l, unsigned n)
{
    for (unsigned k = 0; l && k < l->nsinks; k++)
        atomic_fetch_add(&l->chip[k]->pins[l->pin[k]].stats.coalesced, n);
}

void irq_line_throttled(struct irq_line *l)
{
    for (unsigned k = 0; l && k < l->nsinks; k++)
        atomic_fetch_add(&l->chip[k]->pins[l->pin[k]].stats.throttled, 1);
}

void irq_pin_delivered(struct irq_chip *c, unsigned pin)
{
    atomic_fetch_add(&c->pins[pin].stats.delivered, 1);
}

void irq_pin_raised(struct irq_chip *c, unsigned pin)
{
    atomic_store(&c->pins[pin].assert_ns, irq_now_ns());
    atomic_fetch_add(&c->pins[pin].stats.raised, 1);
}

void irq_pin_coalesced(struct irq_chip *c, unsigned pin)
{
    atomic_fetch_add(&c->pins[pin].stats.coalesced, 1);
}

void irq_pin_masked(struct irq_chip *c, unsigned pin)
{
    atomic_fetch_add(&c->pins[pin].stats.masked, 1);
}

void irq_pin_spurious(struct irq_chip *c, unsigned pin)
{
    atomic_fetch_add(&c->pins[pin].stats.spurious, 1);
}

void irq_pin_eoi(struct irq_chip *c, unsigned pin)
{
    struct irq_pin *p = &c->pins[pin];
    atomic_fetch_add(&p->stats.eoi, 1);
    uint64_t t0 = atomic_load(&p->assert_ns);
    if (t0)
        atomic_fetch_add(&p->stats.hist[latency_bucket(irq_now_ns() - t0)], 1);
    /* the set of lines on a pin is fixed after assembly: no lock needed */
    for (struct irq_line *l = p->lines; l;) {
        struct irq_line *next = NULL;
        for (unsigned k = 0; k < l->nsinks; k++)
            if (l->chip[k] == c && l->pin[k] == pin)
                next = l->next[k];
        if (l->eoi_fn)
            l->eoi_fn(l->eoi_arg);
        l = next;
    }
}
