/* What other parts of kqvm need to know of an I/O APIC: its APIC ID and the
 * first GSI of its pins, as the model and the ACPI MADT both give them. */
#ifndef KQVM_VDEV_IOAPIC_H
#define KQVM_VDEV_IOAPIC_H

#include "config/spec.h"

#define IOAPIC_PINS 24

/* k-th I/O APIC in the configuration: ID ncpus + k (at most 15 with KVM's
 * in-kernel I/O APIC, which keeps 4 bits), GSIs from 24 k. */
unsigned ioapic_apic_id(const struct vm_spec *vm, const struct vdev_spec *v);
unsigned ioapic_gsi_base(const struct vm_spec *vm, const struct vdev_spec *v);
/* Pins of every I/O APIC together (the GSIs KVM routes for them). */
unsigned ioapic_total_pins(const struct vm_spec *vm);

#endif
