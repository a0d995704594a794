/* The e820 memory map for Linux guests (boot_params.e820_table). No KVM
 * here: the unit tests build it from a resolved spec. */
#ifndef KQVM_ARCH_X86_E820_H
#define KQVM_ARCH_X86_E820_H

#include "config/spec.h"

#include "boot/bootparam.h"

enum { E820_RAM = 1, E820_RESERVED = 2, E820_ACPI = 3 };

/* The map for spec, with [acpi, acpi + acpi_len) as ACPI data, sorted and
 * without overlaps, into out; the number of entries, or -1 when it needs more
 * than max (or memory runs out). */
int x86_e820_build(const struct vm_spec *spec, uint64_t acpi, uint64_t acpi_len,
                   struct boot_e820_entry *out, unsigned max);

#endif
