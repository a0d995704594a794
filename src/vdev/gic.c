/* vdev gic: the ARM Generic Interrupt Controller, version 2 or 3. It always
 * exists on arm64; declaring it changes its options. Default layout (kqvm's,
 * that of QEMU's virt board): distributor 0x08000000, GICv2 CPU interface
 * 0x08010000, GICv3 redistributors from 0x080a0000. With `set gic-hwassist
 * on` KVM's vGIC is the device (src/arch/arm64); with off, the model in
 * gic_model.c. */
#include "vdev/gic.h"
#include "vdev/vdev.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"
#include "irq/backend.h"
#include "irq/chip.h"
#include "vdev/vdev_ctx.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define GIC_DIST_DEFAULT UINT64_C(0x08000000)
#define GICC_DEFAULT UINT64_C(0x08010000)
#define GICR_DEFAULT UINT64_C(0x080a0000)
#define GIC_ITS_SIZE 0x20000

enum gic_opt {
    GIC_OPT_VERSION,
    GIC_OPT_GICC,
    GIC_OPT_GICR,
    GIC_OPT_ITS,
    GIC_OPT_NUM_LPIS,
    GIC_OPT_MSI,
    GIC_OPT_COUNT
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
                          .help = "GIC architecture version (default 2 with gic-hwassist off)" },
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
    const bool hwassist = vm->vars[VAR_GIC_HWASSIST].b;
    g->version = o[GIC_OPT_VERSION].set ? (unsigned)o[GIC_OPT_VERSION].u : 3;
    if (!o[GIC_OPT_VERSION].set && (o[GIC_OPT_GICC].set || o[GIC_OPT_MSI].set) &&
        !o[GIC_OPT_GICR].set && !o[GIC_OPT_ITS].set)
        g->version = 2; /* gicc or msi only make sense for a GICv2 */
    /* kqvm's own GIC is a GICv2: KVM cannot hand a GICv3's CPU interface
     * (system registers) to user space */
    if (!hwassist && !o[GIC_OPT_VERSION].set && !o[GIC_OPT_GICR].set && !o[GIC_OPT_ITS].set)
        g->version = 2;
    if (!hwassist && g->version == 3)
        resolver_error(r, o[GIC_OPT_VERSION].set ? &o[GIC_OPT_VERSION].at : &v->at,
                       "set gic-hwassist off: kqvm emulates a GICv2 only (KVM does not let user "
                       "space emulate a GICv3's CPU interface, which is system registers); use "
                       "version 2, or gic-hwassist on");
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

/* ---- the model: kqvm's own GICv2 (set gic-hwassist off) ----
 *
 * A distributor and a memory-mapped CPU interface per vCPU (banked by the
 * accessing vCPU), driving each vCPU's IRQ input with KVM_IRQ_LINE. SPIs come
 * from lines, the vCPU timers' PPIs from KVM (KVM_CAP_ARM_USER_IRQ), SGIs
 * from GICD_SGIR. Priorities (8 bits), the binary point, preemption, both EOI
 * modes (GICC_CTLR.EOImode, GICC_DIR), groups 0 and 1 both signalled as IRQ.
 * Counters: an interrupt is delivered when the guest acknowledges it (IAR),
 * EOI'd when it is deactivated. KVM cannot trap a GICv3's system-register CPU
 * interface to user space, so this model is a GICv2 only. */

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00
#define GICD_CPENDSGIR 0xf10
#define GICD_SPENDSGIR 0xf20
#define GICD_PIDR2 0xfe8
#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_ABPR 0x1c
#define GICC_AIAR 0x20
#define GICC_AEOIR 0x24
#define GICC_AHPPIR 0x28
#define GICC_APR0 0xd0
#define GICC_IIDR 0xfc
#define GICC_DIR 0x1000
#define GICC_CTLR_EOIMODE (1u << 9)
#define GIC_SPURIOUS 1023
#define GIC_IDLE_PRIORITY 0x100 /* running priority with nothing active */
#define WORDS (GIC_INTIDS / 32 + 1)

struct gic_vcpu {
    /* banked INTIDs 0-31 */
    uint32_t enabled, pending, active, level, group;
    uint8_t prio[32];
    uint8_t sgi_sources[16]; /* pending SGIs by source vCPU */
    uint32_t edge_ppi;       /* ICFGR1: PPIs configured edge-triggered */
    /* CPU interface */
    uint32_t ctlr, pmr, bpr, abpr;
    uint16_t active_stack[GIC_INTIDS]; /* INTIDs acknowledged, not yet dropped */
    unsigned nactive;
    bool irq_out;
};

struct gic {
    struct vdev_ctx *ctx;
    struct irq_chip chip;
    pthread_mutex_t lock;
    unsigned ncpus;
    uint32_t ctlr;
    uint32_t enabled[WORDS], pending[WORDS], active[WORDS], level[WORDS], group[WORDS],
        edge[WORDS];
    uint8_t prio[GIC_INTIDS], targets[GIC_INTIDS];
    struct gic_vcpu cpu[GICV2_MAX_CPUS];
    unsigned bad_logged;
};

static bool bit(const uint32_t *w, unsigned i)
{
    return w[i / 32] >> (i % 32) & 1;
}

static void set_bit_to(uint32_t *w, unsigned i, bool v)
{
    if (v)
        w[i / 32] |= 1u << (i % 32);
    else
        w[i / 32] &= ~(1u << (i % 32));
}

/* The banked or shared state of an interrupt, as seen from vCPU c. */
struct irq_view {
    bool enabled, pending, active, group1;
    unsigned prio;
};

static struct irq_view view(const struct gic *g, unsigned c, unsigned id)
{
    const struct gic_vcpu *v = &g->cpu[c];
    if (id < 32) {
        bool pend = id < 16 ? v->sgi_sources[id] != 0
                            : (v->pending >> id & 1) || (!(v->edge_ppi >> id & 1) && (v->level >> id & 1));
        return (struct irq_view){ .enabled = v->enabled >> id & 1, .pending = pend,
                                  .active = v->active >> id & 1, .group1 = v->group >> id & 1,
                                  .prio = v->prio[id] };
    }
    bool pend = bit(g->pending, id) || (!bit(g->edge, id) && bit(g->level, id));
    return (struct irq_view){ .enabled = bit(g->enabled, id), .pending = pend,
                              .active = bit(g->active, id), .group1 = bit(g->group, id),
                              .prio = g->prio[id] };
}

static unsigned group_prio(const struct gic_vcpu *v, unsigned prio)
{
    unsigned bpr = v->bpr < 2 ? 2 : v->bpr; /* GICv2 without security: at least 2 */
    return prio & (0xffu << (bpr + 1)) & 0xff;
}

static unsigned running_prio(const struct gic *g, unsigned c)
{
    const struct gic_vcpu *v = &g->cpu[c];
    unsigned best = GIC_IDLE_PRIORITY;
    for (unsigned i = 0; i < v->nactive; i++) {
        unsigned p = view(g, c, v->active_stack[i]).prio;
        if (p < best)
            best = p;
    }
    return best;
}

/* The highest-priority interrupt vCPU c could take now, or GIC_SPURIOUS. */
static unsigned best_pending(const struct gic *g, unsigned c)
{
    const struct gic_vcpu *v = &g->cpu[c];
    if (!(g->ctlr & 3) || !(v->ctlr & 3))
        return GIC_SPURIOUS;
    unsigned best = GIC_SPURIOUS, best_prio = 0x100;
    for (unsigned id = 0; id < GIC_INTIDS; id++) {
        if (id >= 32 && id % 32 == 0) {
            unsigned w = id / 32;
            uint32_t cand = g->enabled[w] & ~g->active[w] & (g->pending[w] | (g->level[w] & ~g->edge[w]));
            if (!cand) {
                id += 31;
                continue;
            }
        }
        struct irq_view iv = view(g, c, id);
        if (!iv.enabled || !iv.pending || iv.active)
            continue;
        if (id >= 32 && !(g->targets[id] >> c & 1))
            continue;
        if (!(v->ctlr & (iv.group1 ? 2u : 1u)) || !(g->ctlr & (iv.group1 ? 2u : 1u)))
            continue;
        if (iv.prio < best_prio) {
            best = id;
            best_prio = iv.prio;
        }
    }
    if (best == GIC_SPURIOUS || best_prio >= v->pmr)
        return GIC_SPURIOUS;
    unsigned rp = running_prio(g, c);
    if (rp != GIC_IDLE_PRIORITY && group_prio(v, best_prio) >= group_prio(v, rp))
        return GIC_SPURIOUS; /* does not preempt what is running */
    return best;
}

/* Each vCPU's IRQ input follows whether it has something to take. */
static void update(struct gic *g)
{
    for (unsigned c = 0; c < g->ncpus; c++) {
        bool level = best_pending(g, c) != GIC_SPURIOUS;
        if (level != g->cpu[c].irq_out) {
            g->cpu[c].irq_out = level;
            irq_cpu_set_irq(g->ctx->irqb, c, level);
        }
    }
}

static void log_bad(struct gic *g, const char *what, unsigned value)
{
    if (g->bad_logged++ < 16)
        log_msg(&g->ctx->log, LOGF_WARN, "guest %s %u: ignored", what, value);
}

/* Acknowledge (GICC_IAR) on vCPU c; returns IAR's value. */
static uint32_t acknowledge(struct gic *g, unsigned c)
{
    struct gic_vcpu *v = &g->cpu[c];
    unsigned id = best_pending(g, c);
    if (id == GIC_SPURIOUS)
        return GIC_SPURIOUS;
    uint32_t iar = id;
    if (id < 16) {
        unsigned src = (unsigned)__builtin_ctz(v->sgi_sources[id]);
        v->sgi_sources[id] &= (uint8_t)~(1u << src);
        iar |= src << 10;
        v->active |= 1u << id;
    } else if (id < 32) {
        v->pending &= ~(1u << id);
        v->active |= 1u << id;
    } else {
        set_bit_to(g->pending, id, false);
        set_bit_to(g->active, id, true);
    }
    if (v->nactive < GIC_INTIDS)
        v->active_stack[v->nactive++] = (uint16_t)id;
    irq_pin_delivered(&g->chip, id);
    return iar;
}

/* Priority drop (EOIR): false when id was not active on this vCPU. */
static bool drop(struct gic *g, unsigned c, unsigned id)
{
    struct gic_vcpu *v = &g->cpu[c];
    for (unsigned i = v->nactive; i-- > 0;)
        if (v->active_stack[i] == id) {
            memmove(&v->active_stack[i], &v->active_stack[i + 1],
                    (v->nactive - i - 1) * sizeof(v->active_stack[0]));
            v->nactive--;
            return true;
        }
    return false;
}

/* Deactivation (EOIR in EOImode 0, or DIR): true when it ended an interrupt. */
static bool deactivate(struct gic *g, unsigned c, unsigned id)
{
    struct gic_vcpu *v = &g->cpu[c];
    if (id < 32) {
        bool was = v->active >> id & 1;
        v->active &= ~(1u << id);
        return was;
    }
    bool was = bit(g->active, id);
    set_bit_to(g->active, id, false);
    return was;
}

/* ---- distributor registers ---- */

/* One bit per INTID: the register's 32 bits for INTIDs base..base+31. */
static uint32_t *bank_word(struct gic *g, unsigned c, unsigned reg, unsigned word)
{
    struct gic_vcpu *v = &g->cpu[c];
    bool banked = word == 0;
    switch (reg) {
    case GICD_IGROUPR: return banked ? &v->group : &g->group[word];
    case GICD_ISENABLER:
    case GICD_ICENABLER: return banked ? &v->enabled : &g->enabled[word];
    case GICD_ISPENDR:
    case GICD_ICPENDR: return banked ? &v->pending : &g->pending[word];
    case GICD_ISACTIVER:
    case GICD_ICACTIVER: return banked ? &v->active : &g->active[word];
    }
    return NULL;
}

static uint32_t dist_read(struct gic *g, unsigned c, uint64_t off, unsigned size)
{
    if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR + GIC_INTIDS && off < GICD_ICFGR) {
        bool prio = off < GICD_ITARGETSR;
        unsigned base = (unsigned)(off - (prio ? GICD_IPRIORITYR : GICD_ITARGETSR));
        uint32_t v = 0;
        for (unsigned i = 0; i < size && base + i < GIC_INTIDS; i++) {
            unsigned id = base + i;
            uint8_t b = prio ? (id < 32 ? g->cpu[c].prio[id] : g->prio[id])
                             : (id < 32 ? (uint8_t)(1u << c) : g->targets[id]);
            v |= (uint32_t)b << (8 * i);
        }
        return v;
    }
    if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16) {
        unsigned base = (unsigned)((off - GICD_CPENDSGIR) % 16);
        uint32_t v = 0;
        for (unsigned i = 0; i < size && base + i < 16; i++)
            v |= (uint32_t)g->cpu[c].sgi_sources[base + i] << (8 * i);
        return v;
    }
    if (size != 4)
        return 0;
    if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
        unsigned reg = (unsigned)(off & ~0x7fu), word = (unsigned)(off & 0x7f) / 4;
        if (word >= WORDS)
            return 0;
        if (reg == GICD_ISPENDR || reg == GICD_ICPENDR) { /* pending as the guest sees it */
            uint32_t v = 0;
            for (unsigned i = 0; i < 32 && word * 32 + i < GIC_INTIDS; i++)
                v |= (uint32_t)view(g, c, word * 32 + i).pending << i;
            return v;
        }
        uint32_t *w = bank_word(g, c, reg, word);
        return w ? *w : 0;
    }
    if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        unsigned word = (unsigned)(off - GICD_ICFGR) / 4, first = word * 16;
        uint32_t v = 0;
        for (unsigned i = 0; i < 16 && first + i < GIC_INTIDS; i++) {
            unsigned id = first + i;
            bool edge = id < 16 || (id < 32 ? g->cpu[c].edge_ppi >> id & 1 : bit(g->edge, id));
            v |= (uint32_t)edge << (2 * i + 1);
        }
        return v;
    }
    switch (off) {
    case GICD_CTLR: return g->ctlr;
    case GICD_TYPER: return (GIC_INTIDS / 32) | (g->ncpus - 1) << 5;
    case GICD_IIDR: return 0x0000043b; /* implementer ARM */
    case GICD_PIDR2: return 0x20;     /* architecture version 2 */
    }
    return 0;
}

static void sgi_write(struct gic *g, unsigned c, uint32_t v)
{
    unsigned id = v & 0xf, filter = v >> 24 & 3, list = v >> 16 & 0xff;
    if (filter == 1)
        list = ((1u << g->ncpus) - 1) & ~(1u << c);
    else if (filter == 2)
        list = 1u << c;
    else if (filter == 3)
        return;
    for (unsigned t = 0; t < g->ncpus; t++)
        if (list >> t & 1)
            g->cpu[t].sgi_sources[id] |= (uint8_t)(1u << c);
}

/* Returns the INTIDs an ICACTIVER write ended (for their EOI handlers). */
static void dist_write(struct gic *g, unsigned c, uint64_t off, unsigned size, uint32_t val)
{
    if (off >= GICD_IPRIORITYR && off < GICD_ICFGR) {
        bool prio = off < GICD_ITARGETSR;
        unsigned base = (unsigned)(off - (prio ? GICD_IPRIORITYR : GICD_ITARGETSR));
        for (unsigned i = 0; i < size && base + i < GIC_INTIDS; i++) {
            unsigned id = base + i;
            uint8_t b = (uint8_t)(val >> (8 * i));
            if (prio && id < 32)
                g->cpu[c].prio[id] = b;
            else if (prio)
                g->prio[id] = b;
            else if (id >= 32)
                g->targets[id] = b & (uint8_t)((1u << g->ncpus) - 1);
        }
        return;
    }
    if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR + 16) {
        bool set = off >= GICD_SPENDSGIR;
        unsigned base = (unsigned)((off - GICD_CPENDSGIR) % 16);
        for (unsigned i = 0; i < size && base + i < 16; i++) {
            uint8_t b = (uint8_t)(val >> (8 * i));
            if (set)
                g->cpu[c].sgi_sources[base + i] |= b;
            else
                g->cpu[c].sgi_sources[base + i] &= (uint8_t)~b;
        }
        return;
    }
    if (size != 4)
        return;
    if (off >= GICD_IGROUPR && off < GICD_IPRIORITYR) {
        unsigned reg = (unsigned)(off & ~0x7fu), word = (unsigned)(off & 0x7f) / 4;
        uint32_t *w = word < WORDS ? bank_word(g, c, reg, word) : NULL;
        if (!w)
            return;
        if (word == 0 && reg == GICD_ISPENDR)
            val &= ~0xffffu; /* SGIs are pended through SPENDSGIR */
        switch (reg) {
        case GICD_IGROUPR: *w = val; break;
        case GICD_ISENABLER:
        case GICD_ISPENDR:
        case GICD_ISACTIVER: *w |= val; break;
        case GICD_ICENABLER:
        case GICD_ICPENDR:
        case GICD_ICACTIVER: *w &= ~val; break;
        }
        if (word == 0 && reg == GICD_ICPENDR)
            for (unsigned i = 0; i < 16; i++)
                if (val >> i & 1)
                    g->cpu[c].sgi_sources[i] = 0;
        return;
    }
    if (off >= GICD_ICFGR && off < GICD_ICFGR + 0x100) {
        unsigned word = (unsigned)(off - GICD_ICFGR) / 4, first = word * 16;
        for (unsigned i = 0; i < 16 && first + i < GIC_INTIDS; i++) {
            unsigned id = first + i;
            bool edge = val >> (2 * i + 1) & 1;
            if (id < 16)
                continue; /* SGIs are always edge */
            if (id < 32)
                g->cpu[c].edge_ppi = (g->cpu[c].edge_ppi & ~(1u << id)) | (uint32_t)edge << id;
            else
                set_bit_to(g->edge, id, edge);
        }
        return;
    }
    switch (off) {
    case GICD_CTLR: g->ctlr = val & 3; break;
    case GICD_SGIR: sgi_write(g, c, val); break;
    default: break; /* read-only or reserved */
    }
}

/* ---- CPU interface registers ---- */

static uint32_t cpu_read(struct gic *g, unsigned c, uint64_t off)
{
    struct gic_vcpu *v = &g->cpu[c];
    switch (off) {
    case GICC_CTLR: return v->ctlr;
    case GICC_PMR: return v->pmr;
    case GICC_BPR: return v->bpr;
    case GICC_ABPR: return v->abpr;
    case GICC_IAR:
    case GICC_AIAR: return acknowledge(g, c);
    case GICC_RPR: {
        unsigned rp = running_prio(g, c);
        return rp == GIC_IDLE_PRIORITY ? 0xff : rp;
    }
    case GICC_HPPIR:
    case GICC_AHPPIR: return best_pending(g, c);
    case GICC_IIDR: return 0x0002043b; /* GICv2, implementer ARM */
    }
    return 0; /* APRn and reserved: RAZ */
}

/* Returns the INTID whose interrupt the write ended, or GIC_SPURIOUS. */
static unsigned cpu_write(struct gic *g, unsigned c, uint64_t off, uint32_t val)
{
    struct gic_vcpu *v = &g->cpu[c];
    unsigned id = val & 0x3ff;
    switch (off) {
    case GICC_CTLR: v->ctlr = val & (3u | GICC_CTLR_EOIMODE); break;
    case GICC_PMR: v->pmr = val & 0xff; break;
    case GICC_BPR: v->bpr = val & 7; break;
    case GICC_ABPR: v->abpr = val & 7; break;
    case GICC_EOIR:
    case GICC_AEOIR:
        if (id >= GIC_INTIDS || !drop(g, c, id)) {
            if (id < GIC_INTIDS)
                irq_pin_spurious(&g->chip, id);
            log_bad(g, "EOI of an interrupt that is not active: INTID", id);
            return GIC_SPURIOUS;
        }
        if (!(v->ctlr & GICC_CTLR_EOIMODE) && deactivate(g, c, id))
            return id;
        break;
    case GICC_DIR:
        if (id < GIC_INTIDS && deactivate(g, c, id))
            return id;
        break;
    }
    return GIC_SPURIOUS;
}

static unsigned gic_vcpu_of(struct gic *g)
{
    unsigned c = vdev_current_vcpu();
    return c < g->ncpus ? c : 0; /* the event thread sees vCPU 0's bank */
}

static uint64_t gic_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    struct gic *g = dev;
    unsigned c = gic_vcpu_of(g);
    pthread_mutex_lock(&g->lock);
    uint32_t v = region == 0                 ? dist_read(g, c, offset, size)
                 : region == 1 && size == 4 ? cpu_read(g, c, offset)
                                            : 0; /* the GICv2m frame is not modelled */
    update(g);
    pthread_mutex_unlock(&g->lock);
    return v;
}

static void gic_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value)
{
    struct gic *g = dev;
    unsigned c = gic_vcpu_of(g), ended = GIC_SPURIOUS;
    pthread_mutex_lock(&g->lock);
    if (region == 0)
        dist_write(g, c, offset, size, (uint32_t)value);
    else if (region == 1 && size == 4)
        ended = cpu_write(g, c, offset, (uint32_t)value);
    update(g);
    pthread_mutex_unlock(&g->lock);
    if (ended != GIC_SPURIOUS)
        irq_pin_eoi(&g->chip, ended); /* without our lock: EOI handlers run device code */
}

/* A line changed level (chip lock held): an SPI's input. */
static void gic_set_pin(void *dev, unsigned pin, bool level)
{
    struct gic *g = dev;
    if (pin < GIC_FIRST_SPI || pin >= GIC_INTIDS)
        return;
    pthread_mutex_lock(&g->lock);
    if (level && bit(g->edge, pin))
        set_bit_to(g->pending, pin, true);
    set_bit_to(g->level, pin, level);
    if (level && !bit(g->enabled, pin))
        irq_pin_masked(&g->chip, pin);
    update(g);
    pthread_mutex_unlock(&g->lock);
}

/* A vCPU timer's level (KVM_CAP_ARM_USER_IRQ), on that vCPU's thread. */
static void gic_timer(void *arg, unsigned cpu, unsigned intid, bool level)
{
    struct gic *g = arg;
    if (cpu >= g->ncpus || intid < 16 || intid >= 32)
        return;
    if (level)
        irq_pin_raised(&g->chip, intid);
    pthread_mutex_lock(&g->lock);
    struct gic_vcpu *v = &g->cpu[cpu];
    v->level = (v->level & ~(1u << intid)) | (uint32_t)level << intid;
    if (level && (v->edge_ppi >> intid & 1))
        v->pending |= 1u << intid;
    update(g);
    pthread_mutex_unlock(&g->lock);
}

/* A level-triggered SPI ends with a deactivation kqvm sees (irq_pin_eoi);
 * an edge-triggered one is latched, and its device need not wait. */
static bool gic_expects_eoi(void *dev, unsigned pin)
{
    struct gic *g = dev;
    if (pin < GIC_FIRST_SPI || pin >= GIC_INTIDS)
        return false;
    pthread_mutex_lock(&g->lock);
    bool level = !bit(g->edge, pin);
    pthread_mutex_unlock(&g->lock);
    return level;
}

static const struct irq_chip_ops gic_chip_ops = { .set_pin = gic_set_pin,
                                                  .expects_eoi = gic_expects_eoi };

static void gic_destroy(void *dev)
{
    struct gic *g = dev;
    irq_on_cpu_timer(g->ctx->irqb, NULL, NULL);
    irq_chip_destroy(&g->chip);
    pthread_mutex_destroy(&g->lock);
    free(g);
}

static void *gic_create(struct vdev_ctx *ctx)
{
    const struct gic_layout *l = ctx->spec->priv;
    if (l->version != 2) {
        log_msg(&ctx->log, LOGF_ERROR, "kqvm's own GIC is a GICv2 (set gic-hwassist off)");
        return NULL;
    }
    struct gic *g = calloc(1, sizeof(*g));
    if (!g || !irq_chip_init(&g->chip, ctx->spec->name, GIC_INTIDS, &gic_chip_ops, g)) {
        free(g);
        return NULL;
    }
    pthread_mutex_init(&g->lock, NULL);
    g->ctx = ctx;
    g->ncpus = ctx->vm_spec->ncpus < GICV2_MAX_CPUS ? ctx->vm_spec->ncpus : GICV2_MAX_CPUS;
    for (unsigned c = 0; c < g->ncpus; c++) {
        g->cpu[c].enabled = 0xffff; /* SGIs */
        g->cpu[c].bpr = 2;
    }
    ctx->chip = &g->chip;
    irq_on_cpu_timer(ctx->irqb, gic_timer, g);
    return g;
}

static const struct vdev_model gic_model = {
    .create = gic_create,
    .destroy = gic_destroy,
    .read = gic_read,
    .write = gic_write,
};

const struct vdev_spec *gic_spec(const struct vm_spec *vm)
{
    for (unsigned i = 0; i < vm->nvdevs; i++)
        if (vm->vdevs[i].type == &vdev_gic)
            return &vm->vdevs[i];
    return NULL;
}

const struct gic_layout *gic_layout(const struct vm_spec *vm)
{
    const struct vdev_spec *v = gic_spec(vm);
    return v ? v->priv : NULL;
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
    .model = &gic_model,
};
