/* vdev wdt-ib700: the iBase IB700 watchdog (x86): writing a timeout code to
 * port loc+2 (0x443) arms it, a write to loc (0x441) stops it. */
#include "vdev/wdt_action.h"

#include "config/spec.h"

#define IB700_START_OFFSET 2

enum ib700_opt { IB700_OPT_ACTION, IB700_OPT_COUNT };

static bool ib700_parse_action(struct resolver *r, const struct token *t, struct optval *out)
{
    return wdt_parse_action(r, t, out, false);
}

static const struct option_desc ib700_options[IB700_OPT_COUNT] = {
    [IB700_OPT_ACTION] = { .name = "action", .type = VT_CUSTOM, .nargs_custom = 1,
                           .parse = ib700_parse_action, .defval = "terminate",
                           .arg = "[dump,]terminate", .help = "what the watchdog does on expiry" },
};

static void ib700_validate(struct resolver *r, struct vdev_spec *v)
{
    wdt_check_action(r, &v->opts[IB700_OPT_ACTION]);
}

static unsigned ib700_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                             struct region *out, unsigned max)
{
    (void)vm;
    if (max < 2)
        return 0;
    unsigned n = vdev_claim_loc(v, 1, "stop", out, max);
    if (n)
        out[n++] = (struct region){ .space = SPACE_IO, .base = v->loc.addr + IB700_START_OFFSET,
                                    .length = 1, .what = "start/timeout" };
    return n;
}

const struct vdev_type vdev_wdt_ib700 = {
    .name = "wdt-ib700",
    .summary = "IB700 watchdog",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_LOG,
    .loc_space = LOC_IO,
    .has_default_loc = true,
    .default_loc = { .space = LOC_IO, .addr = 0x441 },
    .options = ib700_options,
    .noptions = IB700_OPT_COUNT,
    .validate = ib700_validate,
    .claims = ib700_claims,
};
