/* Interrupt handlers in C. irq_install_* puts fn(arg, frame) on a vector;
 * the kit's interrupt gate runs it with interrupts disabled, and then sends
 * the EOI its source needs:
 *   IRQ_EOI_LAPIC  local APIC EOI (I/O APIC pins, the LAPIC timer, IPIs;
 *                  for a level-triggered I/O APIC pin the local APIC
 *                  broadcasts the EOI to the I/O APICs, which clears
 *                  Remote IRR: acknowledge the device, e.g. clear its
 *                  status bit, in fn, before this EOI)
 *   IRQ_EOI_PIC    8259 non-specific EOI (slave and master for IRQs 8-15);
 *                  a spurious IRQ 7 or 15 (ISR bit clear) does not run fn
 *                  and gets no EOI (IRQ 15: the master's only)
 *   IRQ_EOI_NONE   none (fn does it)
 * fn may call irq_skip_eoi() to leave out the EOI for this one interrupt.
 * Handlers must not kprintf (the console lock may be held by the code they
 * interrupted). */
#ifndef KIT_IRQ_H
#define KIT_IRQ_H

#include <stdint.h>

#include "idt.h"

enum irq_eoi { IRQ_EOI_NONE, IRQ_EOI_LAPIC, IRQ_EOI_PIC };

typedef void (*irq_fn)(void *arg, struct idt_frame *f);

/* fn on vector (32-255), with the given EOI; pic_irq is the 8259 IRQ for
 * IRQ_EOI_PIC. */
void irq_install(uint8_t vector, enum irq_eoi eoi, unsigned pic_irq, irq_fn fn, void *arg);
/* An I/O APIC pin, the LAPIC timer, an IPI: local APIC EOI. */
void irq_install_lapic(uint8_t vector, irq_fn fn, void *arg);
/* An 8259 IRQ (0-15) at pic_vector(irq): 8259 EOI. */
void irq_install_pic(unsigned irq, irq_fn fn, void *arg);
/* Back to the kit's default (report and power off). */
void irq_remove(uint8_t vector);
/* The local APIC's spurious vector: counted, no EOI. */
void irq_install_spurious(uint8_t vector);
/* In a handler: no EOI this time. */
void irq_skip_eoi(void);
/* Handler runs on a vector since it was installed. */
unsigned irq_count(uint8_t vector);

extern volatile unsigned irq_spurious_lapic; /* spurious-vector interrupts */
/* Deliveries into code running with interrupts off: the same interrupt a
 * second time, from a host bug (irq.c); ignored, and counted here. */
extern volatile unsigned irq_redelivered;
extern volatile unsigned irq_spurious_pic;   /* spurious 8259 IRQ 7/15 */

#endif
