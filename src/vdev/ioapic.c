/* vdev ioapic: an I/O APIC with 24 redirection entries, delivering to the
 * local APIC (in KVM) as MSIs. */
#include "vdev/vdev.h"

#include "config/spec.h"

#define IOAPIC_LINES 24
#define IOAPIC_WINDOW 0x1000

/* PCI INTx lines first (16-23), then the ISA lines PCs leave free. */
static const uint16_t ioapic_auto_lines[] = { 16, 17, 18, 19, 20, 21, 22, 23, 5, 9, 10, 11 };

static const struct controller_desc ioapic_controller = {
    .lines = IOAPIC_LINES,
    .auto_lines = ioapic_auto_lines,
    .nauto = sizeof(ioapic_auto_lines) / sizeof(ioapic_auto_lines[0]),
};

static unsigned ioapic_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                              struct region *out, unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, IOAPIC_WINDOW, "registers", out, max);
}

const struct vdev_type vdev_ioapic = {
    .name = "ioapic",
    .summary = "I/O APIC: 24 lines, edge or level, delivered to the local APIC",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG | COMMON_HOSTVECTOR,
    .loc_space = LOC_MEM,
    .has_default_loc = true,
    .default_loc = { .space = LOC_MEM, .addr = 0xfec00000 },
    .controller = &ioapic_controller,
    .claims = ioapic_claims,
};
