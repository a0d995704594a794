/* vdev gic: the ARM Generic Interrupt Controller, version 2 or 3. It always
 * exists on arm64; declaring it changes its options. Default layout (kqvm's,
 * that of QEMU's virt board): distributor 0x08000000, GICv2 CPU interface
 * 0x08010000, GICv3 redistributors from 0x080a0000. */
#include "vdev/vdev.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"

#include <inttypes.h>

#define GIC_DIST_DEFAULT UINT64_C(0x08000000)
#define GICC_DEFAULT UINT64_C(0x08010000)
#define GICR_DEFAULT UINT64_C(0x080a0000)
#define GICV2_DIST_SIZE 0x1000
#define GICV3_DIST_SIZE 0x10000
#define GICC_SIZE 0x2000
#define GICR_SIZE_PER_CPU 0x20000 /* RD_base and SGI_base frames */
#define GIC_ITS_SIZE 0x20000
#define GICV2_MAX_CPUS 8
#define GIC_FIRST_SPI 32
#define GIC_SPIS 988 /* INTIDs 32..1019 */

enum gic_opt {
    GIC_OPT_VERSION,
    GIC_OPT_GICC,
    GIC_OPT_GICR,
    GIC_OPT_ITS,
    GIC_OPT_NUM_LPIS,
    GIC_OPT_MSI,
    GIC_OPT_COUNT
};

/* What validate resolved, for claims and later the device model. */
struct gic_layout {
    unsigned version;
    uint64_t dist, gicc, gicr, its;
    uint64_t msi_addr, msi_base, msi_count;
};

static bool gic_parse_version(struct resolver *r, const struct token *t, struct optval *out)
{
    if (!read_number(r, t, 0, t->len, NUM_COUNT, "gic version", &out->u))
        return false;
    if (out->u == 4) {
        resolver_error(r, &t->loc, "gic version 4 is not supported (KVM's vGIC is version 2 or "
                       "3)");
        return false;
    }
    if (out->u != 2 && out->u != 3) {
        resolver_error(r, &t->loc, "gic version must be 2 or 3, found '%s'", t->text);
        return false;
    }
    return true;
}

/* msi ADDR,BASE,COUNT: a GICv2m MSI frame serving SPIs BASE..BASE+COUNT-1. */
static bool gic_parse_msi(struct resolver *r, const struct token *t, struct optval *out)
{
    size_t c1 = tok_find(t, 0, ','), c2 = tok_find(t, c1 + 1, ',');
    if (c2 >= t->len) {
        resolver_error(r, &t->loc, "msi expects ADDR,BASE,COUNT, found '%s'", t->text);
        return false;
    }
    struct gic_layout *m = arena_alloc(resolver_arena(r), sizeof(*m));
    if (!read_number(r, t, 0, c1, NUM_ADDRESS, "msi frame address", &m->msi_addr) ||
        !read_number(r, t, c1 + 1, c2 - c1 - 1, NUM_COUNT, "msi base interrupt", &m->msi_base) ||
        !read_number(r, t, c2 + 1, t->len - c2 - 1, NUM_COUNT, "msi interrupt count",
                     &m->msi_count))
        return false;
    if (m->msi_base < GIC_FIRST_SPI || m->msi_count == 0 ||
        m->msi_base + m->msi_count > GIC_FIRST_SPI + GIC_SPIS) {
        resolver_error(r, &t->loc, "msi %s: the interrupts must be SPIs (32 to 1019)", t->text);
        return false;
    }
    out->custom = m;
    return true;
}

static const struct option_desc gic_options[GIC_OPT_COUNT] = {
    [GIC_OPT_VERSION] = { .name = "version", .type = VT_CUSTOM, .nargs_custom = 1,
                          .parse = gic_parse_version, .defval = "3", .arg = "2|3",
                          .help = "GIC architecture version" },
    [GIC_OPT_GICC] = { .name = "gicc", .type = VT_ADDRESS, .arg = "ADDR",
                       .help = "GICv2 CPU interface (default: distributor + 0x10000)" },
    [GIC_OPT_GICR] = { .name = "gicr", .type = VT_ADDRESS, .arg = "ADDR",
                       .help = "GICv3 redistributors, 128 KiB per vCPU (implies version 3)" },
    [GIC_OPT_ITS] = { .name = "its", .type = VT_ADDRESS, .arg = "ADDR",
                      .help = "a GICv3 ITS at this address (needs num-lpis)" },
    [GIC_OPT_NUM_LPIS] = { .name = "num-lpis", .type = VT_COUNT, .min = 8192, .max = 65536,
                           .arg = "N", .help = "number of LPIs (8192 to 65536)" },
    [GIC_OPT_MSI] = { .name = "msi", .type = VT_CUSTOM, .nargs_custom = 1, .parse = gic_parse_msi,
                      .arg = "ADDR,BASE,COUNT", .help = "GICv2m MSI frame (GICv2 only)" },
};

static const char *gic_line_reserved(const struct vdev_spec *v, uint32_t line)
{
    const struct gic_layout *g = v->priv;
    if (g && g->msi_count && line >= g->msi_base && line - g->msi_base < g->msi_count)
        return "it belongs to the GICv2m MSI frame";
    return NULL;
}

static const struct controller_desc gic_controller = {
    .lines = GIC_SPIS,
    .first_line = GIC_FIRST_SPI,
    .line_reserved = gic_line_reserved,
};

static void gic_validate(struct resolver *r, struct vdev_spec *v)
{
    struct gic_layout *g = arena_alloc(resolver_arena(r), sizeof(*g));
    const struct optval *o = v->opts;
    const struct vm_spec *vm = resolver_vm(r);
    for (unsigned i = 0; i < vm->nvdevs && &vm->vdevs[i] != v; i++)
        if (vm->vdevs[i].type == v->type)
            resolver_error(r, &v->at, "a second vdev gic (the first is at %s)",
                           srcloc_str(&vm->vdevs[i].at));
    g->version = o[GIC_OPT_VERSION].set ? (unsigned)o[GIC_OPT_VERSION].u : 3;
    if (!o[GIC_OPT_VERSION].set && (o[GIC_OPT_GICC].set || o[GIC_OPT_MSI].set) &&
        !o[GIC_OPT_GICR].set && !o[GIC_OPT_ITS].set)
        g->version = 2; /* gicc or msi only make sense for a GICv2 */
    if (g->version == 2) {
        if (o[GIC_OPT_GICR].set)
            resolver_error(r, &o[GIC_OPT_GICR].at, "gicr (redistributors) exists in GICv3 only");
        if (o[GIC_OPT_ITS].set)
            resolver_error(r, &o[GIC_OPT_ITS].at, "its exists in GICv3 only");
        if (vm->ncpus > GICV2_MAX_CPUS)
            resolver_error(r, &v->at, "a GICv2 serves at most %d vCPUs; this VM has %u",
                           GICV2_MAX_CPUS, vm->ncpus);
    } else {
        if (o[GIC_OPT_GICC].set)
            resolver_error(r, &o[GIC_OPT_GICC].at, "gicc (the memory-mapped CPU interface) "
                           "exists in GICv2 only");
        if (o[GIC_OPT_MSI].set)
            resolver_error(r, &o[GIC_OPT_MSI].at, "msi frames are for GICv2; a GICv3 uses its ITS");
    }
    if (o[GIC_OPT_ITS].set && !o[GIC_OPT_NUM_LPIS].set)
        resolver_error(r, &o[GIC_OPT_ITS].at, "its needs num-lpis");
    g->dist = v->loc.space == LOC_MEM ? v->loc.addr : GIC_DIST_DEFAULT;
    g->gicc = o[GIC_OPT_GICC].set ? o[GIC_OPT_GICC].u : g->dist + 0x10000;
    g->gicr = o[GIC_OPT_GICR].set ? o[GIC_OPT_GICR].u : GICR_DEFAULT + (g->dist - GIC_DIST_DEFAULT);
    g->its = o[GIC_OPT_ITS].u;
    if (o[GIC_OPT_MSI].set) {
        const struct gic_layout *m = o[GIC_OPT_MSI].custom;
        g->msi_addr = m->msi_addr;
        g->msi_base = m->msi_base;
        g->msi_count = m->msi_count;
    }
    v->priv = g;
}

static unsigned gic_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                           unsigned max)
{
    const struct gic_layout *g = v->priv;
    if (!g || max < 3)
        return 0;
    unsigned n = 0;
    out[n++] = (struct region){ .space = SPACE_MEM, .base = g->dist,
                                .length = g->version == 2 ? GICV2_DIST_SIZE : GICV3_DIST_SIZE,
                                .what = "distributor" };
    if (g->version == 2)
        out[n++] = (struct region){ .space = SPACE_MEM, .base = g->gicc, .length = GICC_SIZE,
                                    .what = "CPU interface" };
    else
        out[n++] = (struct region){ .space = SPACE_MEM, .base = g->gicr,
                                    .length = (uint64_t)GICR_SIZE_PER_CPU * vm->ncpus,
                                    .what = "redistributors" };
    if (g->version == 3 && v->opts[GIC_OPT_ITS].set)
        out[n++] = (struct region){ .space = SPACE_MEM, .base = g->its, .length = GIC_ITS_SIZE,
                                    .what = "ITS" };
    else if (g->version == 2 && v->opts[GIC_OPT_MSI].set)
        out[n++] = (struct region){ .space = SPACE_MEM, .base = g->msi_addr, .length = 0x1000,
                                    .what = "MSI frame" };
    return n;
}

const struct vdev_type vdev_gic = {
    .name = "gic",
    .summary = "ARM Generic Interrupt Controller (v2 or v3); implicit on arm64",
    .arch = ARCH_ARM64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_LOG | COMMON_HOSTVECTOR,
    .loc_space = LOC_MEM,
    .has_default_loc = true,
    .default_loc = { .space = LOC_MEM, .addr = GIC_DIST_DEFAULT },
    .controller = &gic_controller,
    .options = gic_options,
    .noptions = GIC_OPT_COUNT,
    .validate = gic_validate,
    .claims = gic_claims,
};
