/* vdev timer8254: the PC's 8254 PIT (three counters) and port 0x61, through
 * which guests gate counter 2 to calibrate their clocks. */
#include "vdev/vdev.h"

#include "config/spec.h"

#define PIT_PORTS 4
#define PIT_PC_BASE 0x40
#define PIT_PORT_B 0x61

static unsigned pit_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                           unsigned max)
{
    (void)vm;
    if (max < 2)
        return 0;
    unsigned n = vdev_claim_loc(v, PIT_PORTS, "counters and control", out, max);
    /* Port B belongs to the PC's PIT, at its PC address */
    if (v->loc.space == LOC_IO && v->loc.addr == PIT_PC_BASE)
        out[n++] = (struct region){ .space = SPACE_IO, .base = PIT_PORT_B, .length = 1,
                                    .what = "port B (counter 2 gate)" };
    return n;
}

const struct vdev_type vdev_timer8254 = {
    .name = "timer8254",
    .summary = "8254 programmable interval timer",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_IO,
    .has_default_loc = true,
    .default_loc = { .space = LOC_IO, .addr = 0x40 },
    .claims = pit_claims,
};
