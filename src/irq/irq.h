/* The line API vdevs use to raise interrupts: set a line's level or pulse an
 * edge. A line belongs to a controller (ioapic, 8259, gic) that delivers it.
 * A vdev whose intr names no running controller gets NULL: calls are no-ops. */
#ifndef KQVM_IRQ_IRQ_H
#define KQVM_IRQ_IRQ_H

#include <stdbool.h>

struct irq_line {
    /* The controller's input for this line. */
    void (*set)(struct irq_line *line, bool level);
    void *controller;
    unsigned number;
    bool level; /* as last set by the device */
};

static inline void irq_set_level(struct irq_line *l, bool level)
{
    if (l && l->level != level) {
        l->level = level;
        l->set(l, level);
    }
}

static inline void irq_pulse(struct irq_line *l)
{
    if (l) {
        l->set(l, true);
        l->set(l, false);
        l->level = false;
    }
}

#endif
