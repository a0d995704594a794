/* What other parts of kqvm need to know of the GIC: its resolved layout, for
 * KVM's in-kernel vGIC (src/arch/arm64) and the device tree (src/boot/fdt.c). */
#ifndef KQVM_VDEV_GIC_H
#define KQVM_VDEV_GIC_H

#include "config/spec.h"

#define GIC_FIRST_SPI 32
#define GIC_SPIS      988 /* INTIDs 32..1019 */
#define GIC_INTIDS    1020
/* the architected timer's PPIs (INTIDs), as KVM wires them by default */
#define GIC_PPI_HYP_TIMER  26
#define GIC_PPI_VIRT_TIMER 27
#define GIC_PPI_SEC_TIMER  29
#define GIC_PPI_PHYS_TIMER 30
#define GICV2_DIST_SIZE    0x1000
#define GICV3_DIST_SIZE    0x10000
#define GICC_SIZE          0x2000
#define GICR_SIZE_PER_CPU  0x20000 /* RD_base and SGI_base frames */
#define GICV2_MAX_CPUS     8

struct gic_layout {
    unsigned version;
    uint64_t dist, gicc, gicr, its;
    uint64_t msi_addr, msi_base, msi_count;
};

/* The gic of an arm64 VM (there is always one, implicit or declared), or NULL. */
const struct vdev_spec *gic_spec(const struct vm_spec *vm);
const struct gic_layout *gic_layout(const struct vm_spec *vm);

#endif
