/* vdev hpet: a High Precision Event Timer block with up to 32 comparators; each
 * intr entry adds a timer and its line. */
#include "vdev/vdev.h"

#include "config/resolver.h"
#include "config/spec.h"

#define HPET_WINDOW 0x400
#define HPET_MAX_TIMERS 32

enum hpet_opt { HPET_OPT_FREQUENCY, HPET_OPT_LEGACY_FREE, HPET_OPT_COUNT };

static const struct option_desc hpet_options[HPET_OPT_COUNT] = {
    /* The HPET specification's counter period is 100 ns at most (10 MHz). */
    [HPET_OPT_FREQUENCY] = { .name = "frequency", .type = VT_COUNT, .min = 10000000,
                             .max = 1000000000, .defval = "14318180", .arg = "HZ",
                             .help = "main counter frequency in Hz" },
    [HPET_OPT_LEGACY_FREE] = { .name = "legacy-free", .type = VT_FLAG,
                               .help = "clear the legacy replacement capability (LEG_RT_CAP)" },
};

static void hpet_validate(struct resolver *r, struct vdev_spec *v)
{
    if (v->nintr > HPET_MAX_TIMERS)
        resolver_error(r, &v->intr[HPET_MAX_TIMERS].at, "vdev hpet: at most %d timers (one per "
                       "intr entry)", HPET_MAX_TIMERS);
    if (!v->opts[HPET_OPT_FREQUENCY].set)
        v->opts[HPET_OPT_FREQUENCY].u = 14318180;
}

static unsigned hpet_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                            struct region *out, unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, HPET_WINDOW, "registers", out, max);
}

const struct vdev_type vdev_hpet = {
    .name = "hpet",
    .summary = "HPET: up to 32 timers, periodic and one-shot, legacy replacement",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .has_default_loc = true,
    .default_loc = { .space = LOC_MEM, .addr = 0xfed00000 },
    .intr_list = true,
    .intr_required = true, /* an HPET has at least one timer, and each timer is an intr */
    .options = hpet_options,
    .noptions = HPET_OPT_COUNT,
    .validate = hpet_validate,
    .claims = hpet_claims,
};
