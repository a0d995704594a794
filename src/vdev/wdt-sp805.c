/* vdev wdt-sp805: the ARM SP805 watchdog. */
#include "vdev/wdt_action.h"

#include "config/resolver.h"
#include "config/spec.h"

#define SP805_WINDOW 0x1000

enum sp805_opt { SP805_OPT_ACTION, SP805_OPT_FREQUENCY, SP805_OPT_COUNT };

static bool sp805_parse_action(struct resolver *r, const struct token *t, struct optval *out)
{
    return wdt_parse_action(r, t, out, true);
}

static const struct option_desc sp805_options[SP805_OPT_COUNT] = {
    [SP805_OPT_ACTION] = { .name = "action", .type = VT_CUSTOM, .nargs_custom = 1,
                           .parse = sp805_parse_action, .defval = "terminate",
                           .arg = "[dump,]terminate|fiq",
                           .help = "what the watchdog does on expiry" },
    [SP805_OPT_FREQUENCY] = { .name = "frequency", .type = VT_COUNT, .min = 1,
                              .max = 1000000000, .defval = "25000000", .arg = "HZ",
                              .help = "the watchdog clock (WDOGCLK) in Hz" },
};

static void sp805_validate(struct resolver *r, struct vdev_spec *v)
{
    const struct optval *action = &v->opts[SP805_OPT_ACTION];
    wdt_check_action(r, action);
    if (action->set && (action->u & WDT_ACTION_FIQ) && v->nintr == 0)
        resolver_error(r, &action->arg->loc, "watchdog action 'fiq' needs an intr to raise");
    if (!v->opts[SP805_OPT_FREQUENCY].set)
        v->opts[SP805_OPT_FREQUENCY].u = 25000000;
}

static unsigned sp805_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                             struct region *out, unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, SP805_WINDOW, "registers", out, max);
}

const struct vdev_type vdev_wdt_sp805 = {
    .name = "wdt-sp805",
    .summary = "ARM SP805 watchdog",
    .arch = ARCH_ARM64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .has_default_loc = true,
    .default_loc = { .space = LOC_MEM, .addr = 0x1c0f0000 },
    .options = sp805_options,
    .noptions = SP805_OPT_COUNT,
    .validate = sp805_validate,
    .claims = sp805_claims,
};
