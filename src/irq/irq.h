/* The line API vdevs use to raise interrupts: a line is a vdev's output wired
 * to an input pin of an interrupt controller (and, for the PC's ISA lines, to
 * the 8259's pin of the same number too). A vdev sets its level, or pulses an
 * edge, and may ask to be told when the guest ends the interrupt (EOI). Lines
 * a vdev's configuration does not wire are NULL, and every call accepts NULL. */
#ifndef KQVM_IRQ_IRQ_H
#define KQVM_IRQ_IRQ_H

#include <stdbool.h>

struct irq_line;

/* The device's output level: the controller sees the OR of every line on a pin.
 * A line has one driver, its device, which serialises its calls (under its
 * own lock): two threads driving one line at once could mis-count the pin. */
void irq_set_level(struct irq_line *l, bool level);
/* A rising and a falling edge: for edge-triggered devices. */
void irq_pulse(struct irq_line *l);
/* fn(arg) runs when the guest EOIs an interrupt this line raised through a
 * level-triggered pin (edge-triggered EOIs do not leave the guest). It runs on
 * a vCPU thread or the event thread, with no interrupt lock held. */
void irq_set_eoi_handler(struct irq_line *l, void (*fn)(void *arg), void *arg);
/* Whether the guest's controllers will report an EOI for an interrupt raised
 * on this line now (see irq_set_eoi_handler): false when every controller it
 * reaches has the pin edge-triggered, or no controller uses it. A device that
 * waits for the EOI before raising again asks this first. */
bool irq_line_expects_eoi(struct irq_line *l);
/* The device's source went over its interrupt budget and is held masked
 * (pass-through storm protection): counted as throttled. */
void irq_line_throttled(struct irq_line *l);
/* The device merged n interrupts into one (a late host timer): counted as
 * coalesced on the line's pins. */
void irq_line_coalesced(struct irq_line *l, unsigned n);

#endif
