/* The interrupt backend's side facing the VM (src/vm): creation, EOI exits,
 * ExtINT injection before KVM_RUN, and the in-kernel irqchip's chip. */
#ifndef KQVM_IRQ_KVM_H
#define KQVM_IRQ_KVM_H

#include "irq/backend.h"
#include "irq/chip.h"
#include "vm/vm_internal.h"

/* ngsi: the I/O APIC pins (split) or KVM's GSIs in use (kernel); on arm64
 * the GIC's INTIDs (GIC_INTIDS). */
struct irq_backend *irq_backend_create(struct vm *vm, bool kernel, unsigned ngsi,
                                       const char *kernel_chip_name);
void irq_backend_destroy(struct irq_backend *b);
/* KVM_EXIT_IOAPIC_EOI */
void irq_backend_eoi(struct irq_backend *b, unsigned vector);
/* On the boot vCPU before each KVM_RUN: inject the 8259's ExtINT, or ask
 * for an interrupt window. */
void irq_backend_before_run(struct irq_backend *b, struct vcpu *v);
/* After each KVM_RUN (its result already known), on the vCPU's thread: arm64's
 * user-space GIC samples the vCPU timers here. */
void irq_backend_after_run(struct irq_backend *b, struct vcpu *v);
/* Kernel irqchip: the chip lines connect to (pin = GSI; on arm64 the GIC's
 * INTID, of which SPIs are lines), NULL in split mode; and EOI notifications
 * for a pin. */
struct irq_chip *irq_backend_kernel_chip(struct irq_backend *b);
bool irq_backend_kernel_watch(struct irq_backend *b, unsigned gsi);
/* arm64: the watches take effect (after the vGIC's initialisation). */
bool irq_backend_kernel_start(struct irq_backend *b);

#endif
