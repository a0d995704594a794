/* vdev ser8250: a 16550A-compatible UART. */
#include "vdev/uart_options.h"

#include "config/spec.h"

#define UART_REGISTERS 8

static unsigned ser8250_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                               struct region *out, unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, UART_REGISTERS, "registers", out, max);
}

const struct vdev_type vdev_ser8250 = {
    .name = "ser8250",
    .summary = "16550A-compatible UART with FIFOs",
    .arch = ARCH_ANY,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_IO,
    .loc_any_space = true,
    /* io:0x3f8 (COM1) on x86; an arm64 guest has no I/O space and gives a loc */
    .has_default_loc = true,
    .default_loc = { .space = LOC_IO, .addr = 0x3f8 },
    .options = uart_options,
    .noptions = UART_OPT_COUNT,
    .claims = ser8250_claims,
};
