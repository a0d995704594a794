/* The controller side of the line API: interrupt-controller vdevs (ioapic,
 * 8259, the GIC) and KVM's in-kernel irqchip register as irq chips; the
 * interrupt core wires lines to their pins, aggregates levels, and keeps the
 * per-pin counters and latency histograms. */
#ifndef KQVM_IRQ_CHIP_H
#define KQVM_IRQ_CHIP_H

#include "irq/irq.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

enum { IRQ_HIST_BUCKETS = 16 }; /* bucket k: latency below 2^k microseconds (last: above) */

struct irq_stats {
    _Atomic uint64_t raised;    /* rising edges and pulses from devices */
    _Atomic uint64_t delivered; /* sent on to the CPU */
    _Atomic uint64_t eoi;       /* ended by the guest (level-triggered) */
    _Atomic uint64_t spurious;  /* acknowledged with nothing pending, or EOI of nothing */
    _Atomic uint64_t coalesced; /* raised again before the previous one was delivered */
    _Atomic uint64_t masked;    /* raised while the guest masked the pin */
    _Atomic uint64_t throttled; /* its source held masked for a storm (pass-through) */
    _Atomic uint64_t hist[IRQ_HIST_BUCKETS]; /* assert -> EOI, where kqvm sees the EOI */
};

struct irq_chip;

struct irq_chip_ops {
    /* The level of input pin `pin` changed (the OR of its lines). Called with
     * the chip's pin lock held; the controller takes its own lock inside. */
    void (*set_pin)(void *dev, unsigned pin, bool level);
    /* Whether an interrupt raised on pin now would end with an EOI kqvm sees
     * (a level-triggered pin, a programmed and unmasked 8259 line without
     * auto-EOI). Takes the controller's lock; not called under the pin lock. */
    bool (*expects_eoi)(void *dev, unsigned pin);
};

struct irq_pin {
    struct irq_line *lines; /* lines wired here, through irq_line.next */
    unsigned asserted;      /* how many of them are high */
    _Atomic uint64_t assert_ns; /* when the pin last went high, for latency */
    struct irq_stats stats;
};

struct irq_chip {
    const char *name; /* the controller's name in the configuration */
    const struct irq_chip_ops *ops;
    void *dev;
    unsigned npins;
    struct irq_pin *pins;
    pthread_mutex_t lock; /* pins[].asserted and the calls of set_pin */
};

enum { IRQ_LINE_SINKS = 2 };

struct irq_line {
    struct irq_chip *chip[IRQ_LINE_SINKS];
    unsigned pin[IRQ_LINE_SINKS];
    struct irq_line *next[IRQ_LINE_SINKS]; /* the next line on the same pin */
    unsigned nsinks;
    _Atomic bool level;
    void (*eoi_fn)(void *arg);
    void *eoi_arg;
};

bool irq_chip_init(struct irq_chip *c, const char *name, unsigned npins,
                   const struct irq_chip_ops *ops, void *dev);
void irq_chip_destroy(struct irq_chip *c);
/* Wire line to chip's pin (a line may have IRQ_LINE_SINKS sinks). */
bool irq_line_connect(struct irq_line *l, struct irq_chip *c, unsigned pin);

/* Accounting, called by controllers. irq_pin_eoi calls device code: call it
 * without holding the controller's own lock (set_pin runs under the chip's
 * pin lock and takes the controller's: the reverse order would deadlock).
 * A controller keeps its inputs' levels itself, from set_pin. */
void irq_pin_delivered(struct irq_chip *c, unsigned pin);
/* An input that is no line went high (the GIC's PPIs: the vCPU timers). */
void irq_pin_raised(struct irq_chip *c, unsigned pin);
void irq_pin_coalesced(struct irq_chip *c, unsigned pin);
void irq_pin_masked(struct irq_chip *c, unsigned pin);
void irq_pin_spurious(struct irq_chip *c, unsigned pin);
/* The guest ended the pin's interrupt: counts it, records the latency, and
 * tells the lines' EOI handlers. */
void irq_pin_eoi(struct irq_chip *c, unsigned pin);
uint64_t irq_now_ns(void);

#endif
