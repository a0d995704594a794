/* The arm64 guest's flattened device tree, generated from the spec with
 * libfdt, and where it goes: the last 2 MiB of the lowest RAM region (the
 * "boot area"), an initrd loaded without an address right below it. No KVM
 * here: dryrun uses it too (set fdt-dump-file), and the unit tests. */
#ifndef KQVM_BOOT_FDT_H
#define KQVM_BOOT_FDT_H

#include "config/spec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_AREA_SIZE 0x200000ull /* Linux maps the FDT with 2 MiB blocks */
#define FDT_MAX_SIZE  0x10000u

/* The boot area of spec: false when no RAM region can hold it. */
bool fdt_area(const struct vm_spec *spec, uint64_t *base);
/* Where an initrd of size bytes loaded without an address goes (below the
 * boot area, 4 KiB aligned); false when it does not fit. */
bool fdt_initrd_addr(const struct vm_spec *spec, uint64_t size, uint64_t *addr);

struct fdt_boot {
    uint64_t initrd_start, initrd_end; /* both 0: no initrd */
};

/* The device tree for spec into buf (size bytes): memory, cpus (PSCI), the
 * GIC at its configured addresses, the timer, pl011 and memory-mapped ser8250
 * UARTs with their SPIs, a "kqvm,pass" node per pass entry with a memory
 * region or an SPI, chosen (bootargs, initrd, stdout-path). Returns false
 * after logging why. */
bool fdt_generate(const struct vm_spec *spec, const struct fdt_boot *b, void *buf, size_t size);
/* The MPIDR affinity KVM gives vCPU index (the cpu node's reg, PSCI's target). */
uint64_t fdt_cpu_mpidr(unsigned index);
/* Write the finished tree to path (set fdt-dump-file); logs failures. */
bool fdt_dump(const char *path, const void *fdt);

#endif
