/* vdev pl011: an ARM PrimeCell PL011 UART. */
#include "vdev/uart_options.h"

#include "config/spec.h"

#define PL011_WINDOW 0x1000

static unsigned pl011_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                             struct region *out, unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, PL011_WINDOW, "registers", out, max);
}

const struct vdev_type vdev_pl011 = {
    .name = "pl011",
    .summary = "ARM PL011 UART",
    .arch = ARCH_ARM64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .options = uart_options,
    .noptions = UART_OPT_COUNT,
    .claims = pl011_claims,
};
