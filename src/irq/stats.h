/* The interrupt table: each controller pin that saw traffic, its users, its
 * counters and its assert-to-EOI latency histogram (set irq-stats on; SIGUSR1). */
#ifndef KQVM_IRQ_STATS_H
#define KQVM_IRQ_STATS_H

#include "config/spec.h"
#include "irq/chip.h"

void irq_stats_print(const struct vm_spec *spec, struct irq_chip *const *chips, unsigned n);

#endif
