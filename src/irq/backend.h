/* How interrupt controllers reach the vCPUs. x86, split irqchip: the I/O
 * APIC sends MSIs through KVM's GSI routes (the routes also tell KVM which
 * vectors need EOI exits), and the 8259 pair offers ExtINT vectors to the boot
 * vCPU. arm64, kqvm's own GIC: it drives each vCPU's IRQ input and hears the
 * vCPU timers. Implemented in src/irq/kvm.c; controllers see only this. */
#ifndef KQVM_IRQ_BACKEND_H
#define KQVM_IRQ_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

struct irq_backend;

/* The route of gsi: the MSI an I/O APIC pin sends (address and data as the
 * pin's redirection entry encodes them; data bit 15 set for level). */
void irq_route_msi(struct irq_backend *b, unsigned gsi, uint64_t address, uint32_t data);
/* Send gsi's MSI now. */
void irq_send_gsi(struct irq_backend *b, unsigned gsi);

/* A message-signalled interrupt (a PCI function's MSI or MSI-X), sent to
 * the local APICs (x86: KVM_SIGNAL_MSI, in both irqchip modes). False, and
 * nothing sent, when the address is not the local APICs' (x86: 0xfeexxxxx)
 * or KVM refuses the message. */
bool irq_send_msi(struct irq_backend *b, uint64_t address, uint32_t data);

/* An I/O APIC learns of EOIs (of level-triggered vectors) through this;
 * called at assembly. False when out of memory. */
bool irq_on_eoi_vector(struct irq_backend *b, void (*fn)(void *arg, unsigned vector), void *arg);

/* The 8259 pair: pending() says whether its INT output is high, ack() runs its
 * interrupt-acknowledge cycle and returns the vector to inject. */
void irq_set_extint(struct irq_backend *b, bool (*pending)(void *arg), unsigned (*ack)(void *arg),
                    void *arg);
/* The 8259 pair's output may have changed: the boot vCPU looks again. */
void irq_extint_changed(struct irq_backend *b);

/* arm64, kqvm's own GIC (gic-hwassist off). The IRQ input of vCPU cpu
 * (KVM_IRQ_LINE, KVM_ARM_IRQ_TYPE_CPU); any thread. */
void irq_cpu_set_irq(struct irq_backend *b, unsigned cpu, bool level);
/* The outputs of the timers KVM emulates for each vCPU (KVM_CAP_ARM_USER_IRQ):
 * fn(arg, cpu, intid, level) hears every change of the virtual (INTID 27) and
 * physical (INTID 30) timer's level, on that vCPU's thread after KVM_RUN. */
void irq_on_cpu_timer(struct irq_backend *b,
                      void (*fn)(void *arg, unsigned cpu, unsigned intid, bool level), void *arg);

#endif
