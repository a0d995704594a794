/* vdev pckeyboard: enough of the i8042 keyboard controller for a guest to
 * reset the machine (0xfe written to the command port). */
#include "vdev/vdev.h"

#include "config/spec.h"

#define KBD_COMMAND_OFFSET 4 /* data at loc (0x60), status/command at loc+4 (0x64) */

static unsigned kbd_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                           unsigned max)
{
    (void)vm;
    if (max < 2)
        return 0;
    unsigned n = vdev_claim_loc(v, 1, "data", out, max);
    if (n)
        out[n++] = (struct region){ .space = SPACE_IO, .base = v->loc.addr + KBD_COMMAND_OFFSET,
                                    .length = 1, .what = "status/command" };
    return n;
}

const struct vdev_type vdev_pckeyboard = {
    .name = "pckeyboard",
    .summary = "minimal i8042 keyboard controller, enough for a guest to reset the machine",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_LOG,
    .loc_space = LOC_IO,
    .has_default_loc = true,
    .default_loc = { .space = LOC_IO, .addr = 0x60 },
    .claims = kbd_claims,
};
