/* The ACPI power-management block of kqvm's x86 machine (implicit, not a QNX
 * vdev): PM1a event registers at io:0x600 and the PM1a control register at
 * io:0x604, where the FADT points. Writing SLP_EN with SLP_TYP 0 (the S5
 * package kqvm's DSDT declares) powers the machine off. SCI_EN reads as set:
 * the machine is always in ACPI mode. The enable register keeps what the
 * guest writes (an OS checks that its enables stick, e.g. the global lock's),
 * though no event ever happens. */
#include "vdev/vdev.h"

#include "config/spec.h"
#include "vdev/vdev_ctx.h"

#include <stdatomic.h>
#include <stdlib.h>

enum pm_region { PM1A_EVT, PM1A_CNT };

#define PM1_CNT_SCI_EN 0x0001
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK 0x7
#define PM1_CNT_SLP_EN 0x2000
#define SLP_TYP_S5 0
#define PM1_EN_OFFSET 2 /* the event block: status, then enable, 16 bits each */

struct acpi_pm {
    struct vdev_ctx *ctx;
    _Atomic uint16_t enable;
};

static uint64_t pm_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    struct acpi_pm *pm = dev;
    (void)size;
    if (region == PM1A_EVT)
        /* no events ever pending: status reads 0 */
        return offset >= PM1_EN_OFFSET ? atomic_load(&pm->enable) >> 8 * (offset - PM1_EN_OFFSET)
                                       : 0;
    /* PM1 control reads SCI_EN in its low byte */
    return offset == 0 ? PM1_CNT_SCI_EN : 0;
}

static void pm_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value)
{
    struct acpi_pm *pm = dev;
    if (region == PM1A_EVT && offset == PM1_EN_OFFSET && size >= 2)
        atomic_store(&pm->enable, (uint16_t)value);
    if (region != PM1A_CNT || offset != 0 || size < 2 || !(value & PM1_CNT_SLP_EN))
        return; /* status bits are write-1-to-clear and never set */
    unsigned typ = (unsigned)(value >> PM1_CNT_SLP_TYP_SHIFT) & PM1_CNT_SLP_TYP_MASK;
    if (typ == SLP_TYP_S5)
        vm_request_poweroff(pm->ctx->vm);
    else
        log_msg(&pm->ctx->log, LOGF_WARN, "the guest asked for sleep type %u; kqvm only "
                "powers off (S5, sleep type 0)", typ);
}

static void *pm_create(struct vdev_ctx *ctx)
{
    struct acpi_pm *pm = calloc(1, sizeof(*pm));
    if (pm)
        pm->ctx = ctx;
    return pm;
}

static const struct vdev_model pm_model = {
    .create = pm_create,
    .destroy = free,
    .read = pm_read,
    .write = pm_write,
};

static unsigned pm_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                          unsigned max)
{
    (void)vm;
    if (max < 2 || v->loc.space != LOC_IO)
        return 0;
    out[0] = (struct region){ .space = SPACE_IO, .base = v->loc.addr, .length = 4,
                              .what = "PM1a event" };
    out[1] = (struct region){ .space = SPACE_IO, .base = v->loc.addr + 4, .length = 2,
                              .what = "PM1a control" };
    return 2;
}

/* Not in the registry: kqvm adds it to every x86 VM (config/resolve_vdev.c). */
const struct vdev_type vdev_acpi_pm = {
    .name = "acpi-pm",
    .summary = "ACPI PM1a event and control registers (power off); implicit on x86",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = 0,
    .loc_space = LOC_IO,
    .has_default_loc = true,
    .default_loc = { .space = LOC_IO, .addr = 0x600 },
    .claims = pm_claims,
    .model = &pm_model,
};
