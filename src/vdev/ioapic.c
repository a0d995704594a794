/* vdev ioapic: an I/O APIC (version 0x20: 24 redirection entries and an EOI
 * register) whose pins deliver to the local APICs in KVM as MSIs. Edge pins
 * send on each rising edge; level pins send while high, once until the guest's
 * EOI clears remote IRR, then again if still high. */
#include "vdev/ioapic.h"

#include "irq/backend.h"
#include "irq/chip.h"
#include "vdev/vdev.h"
#include "vdev/vdev_ctx.h"

#include <pthread.h>
#include <stdlib.h>

#define IOAPIC_WINDOW 0x1000
#define IOAPIC_VERSION 0x20
#define REG_IOREGSEL 0x00
#define REG_IOWIN 0x10
#define REG_EOI 0x40
#define IDX_ID 0x00
#define IDX_VERSION 0x01
#define IDX_ARB 0x02
#define IDX_REDTBL 0x10

#define RTE_VECTOR 0xffull
#define RTE_DELMODE_SHIFT 8
#define RTE_DESTMODE (1ull << 11)
#define RTE_DELIVS (1ull << 12)
#define RTE_POLARITY (1ull << 13)
#define RTE_REMOTE_IRR (1ull << 14)
#define RTE_LEVEL (1ull << 15)
#define RTE_MASK (1ull << 16)
#define RTE_DEST_SHIFT 56
#define RTE_WRITABLE (RTE_VECTOR | (7ull << 8) | RTE_DESTMODE | RTE_POLARITY | RTE_LEVEL | \
                      RTE_MASK | (0xffull << RTE_DEST_SHIFT))

/* PCI INTx lines first (16-23), then the ISA lines PCs leave free. */
static const uint16_t ioapic_auto_lines[] = { 16, 17, 18, 19, 20, 21, 22, 23, 5, 9, 10, 11 };

struct ioapic {
    struct vdev_ctx *ctx;
    struct irq_chip chip;
    pthread_mutex_t lock;
    unsigned gsi_base;
    uint32_t id, ioregsel;
    uint64_t rte[IOAPIC_PINS];
    uint32_t level; /* the pins' input levels, from set_pin */
};

unsigned ioapic_gsi_base(const struct vm_spec *vm, const struct vdev_spec *v)
{
    unsigned k = 0;
    for (unsigned i = 0; i < vm->nvdevs && &vm->vdevs[i] != v; i++)
        k += vm->vdevs[i].type == v->type;
    return k * IOAPIC_PINS;
}

unsigned ioapic_apic_id(const struct vm_spec *vm, const struct vdev_spec *v)
{
    unsigned id = vm->ncpus + ioapic_gsi_base(vm, v) / IOAPIC_PINS;
    /* KVM's in-kernel I/O APIC keeps 4 bits of its ID */
    if (vm->vars[VAR_KERNEL_IRQCHIP].b && id > 0xf)
        id = 0xf;
    return id & 0xff;
}

unsigned ioapic_total_pins(const struct vm_spec *vm)
{
    unsigned n = 0;
    for (unsigned i = 0; i < vm->nvdevs; i++)
        n += vm->vdevs[i].type == &vdev_ioapic;
    return n * IOAPIC_PINS;
}

/* The MSI a redirection entry sends (Intel SDM: MSI address and data). */
static void route_pin(struct ioapic *a, unsigned pin)
{
    uint64_t e = a->rte[pin];
    uint64_t address = 0xfee00000ull | (((e >> RTE_DEST_SHIFT) & 0xff) << 12) |
                       ((e & RTE_DESTMODE) ? 1ull << 2 : 0);
    uint32_t data = (uint32_t)(e & RTE_VECTOR) | (uint32_t)(e & (7ull << RTE_DELMODE_SHIFT)) |
                    ((e & RTE_LEVEL) ? 1u << 15 | 1u << 14 : 0);
    irq_route_msi(a->ctx->irqb, a->gsi_base + pin, address, data);
}

/* Send pin's interrupt if its entry lets it; lock held. Returns whether sent. */
static bool try_deliver(struct ioapic *a, unsigned pin)
{
    uint64_t *e = &a->rte[pin];
    if (*e & RTE_MASK) {
        irq_pin_masked(&a->chip, pin);
        return false;
    }
    if (*e & RTE_LEVEL) {
        if (*e & RTE_REMOTE_IRR) {
            irq_pin_coalesced(&a->chip, pin);
            return false;
        }
        *e |= RTE_REMOTE_IRR;
    }
    irq_send_gsi(a->ctx->irqb, a->gsi_base + pin);
    irq_pin_delivered(&a->chip, pin);
    return true;
}

static void ioapic_set_pin(void *dev, unsigned pin, bool level)
{
    struct ioapic *a = dev;
    pthread_mutex_lock(&a->lock);
    bool was = a->level & (1u << pin);
    if (level)
        a->level |= 1u << pin;
    else
        a->level &= ~(1u << pin);
    /* the polarity bit says how the pin is wired; devices always drive active-high */
    if (level && (!was || (a->rte[pin] & RTE_LEVEL)))
        try_deliver(a, pin);
    pthread_mutex_unlock(&a->lock);
}

/* The guest ended `vector`: clear remote IRR on the level pins that use it,
 * tell the interrupt core, and send again where the pin is still high. */
static void ioapic_eoi(void *arg, unsigned vector)
{
    struct ioapic *a = arg;
    uint32_t ended = 0;
    pthread_mutex_lock(&a->lock);
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        uint64_t *e = &a->rte[pin];
        if ((*e & RTE_LEVEL) && (*e & RTE_REMOTE_IRR) && (*e & RTE_VECTOR) == vector) {
            *e &= ~RTE_REMOTE_IRR;
            ended |= 1u << pin;
        }
    }
    pthread_mutex_unlock(&a->lock);
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
        if (ended & (1u << pin))
            irq_pin_eoi(&a->chip, pin); /* without our lock: device code may run */
    pthread_mutex_lock(&a->lock);
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++)
        if ((ended & (1u << pin)) && (a->level & (1u << pin)))
            try_deliver(a, pin);
    pthread_mutex_unlock(&a->lock);
}

static uint32_t read_indirect(struct ioapic *a)
{
    uint32_t idx = a->ioregsel;
    switch (idx) {
    case IDX_ID:
    case IDX_ARB:
        return a->id << 24;
    case IDX_VERSION:
        return (uint32_t)(IOAPIC_PINS - 1) << 16 | IOAPIC_VERSION;
    }
    if (idx >= IDX_REDTBL && idx < IDX_REDTBL + 2 * IOAPIC_PINS) {
        uint64_t e = a->rte[(idx - IDX_REDTBL) / 2];
        return (idx & 1) ? (uint32_t)(e >> 32) : (uint32_t)e;
    }
    return 0xffffffff;
}

static void write_indirect(struct ioapic *a, uint32_t v)
{
    uint32_t idx = a->ioregsel;
    if (idx == IDX_ID) {
        a->id = (v >> 24) & 0xff;
        return;
    }
    if (idx < IDX_REDTBL || idx >= IDX_REDTBL + 2 * IOAPIC_PINS)
        return; /* version and arbitration are read-only */
    unsigned pin = (idx - IDX_REDTBL) / 2;
    uint64_t *e = &a->rte[pin];
    uint64_t old = *e;
    uint64_t nv = (idx & 1) ? ((uint64_t)v << 32) | (old & 0xffffffffull)
                            : (old & 0xffffffff00000000ull) | v;
    *e = (old & ~RTE_WRITABLE) | (nv & RTE_WRITABLE);
    if (!(*e & RTE_LEVEL))
        *e &= ~RTE_REMOTE_IRR; /* edge pins have no remote IRR */
    route_pin(a, pin);
    /* unmasking a level pin that is high sends it */
    if ((old & RTE_MASK) && !(*e & RTE_MASK) && (*e & RTE_LEVEL) && (a->level & (1u << pin)))
        try_deliver(a, pin);
}

static uint64_t ioapic_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)region;
    (void)size;
    struct ioapic *a = dev;
    uint64_t v = 0xffffffff;
    pthread_mutex_lock(&a->lock);
    if (offset == REG_IOREGSEL)
        v = a->ioregsel;
    else if (offset == REG_IOWIN)
        v = read_indirect(a);
    pthread_mutex_unlock(&a->lock);
    return v;
}

static void ioapic_write(void *dev, unsigned region, uint64_t offset, unsigned size,
                         uint64_t value)
{
    (void)region;
    (void)size;
    struct ioapic *a = dev;
    if (offset == REG_EOI) {
        ioapic_eoi(a, (unsigned)value & 0xff); /* the directed EOI of version 0x20 */
        return;
    }
    pthread_mutex_lock(&a->lock);
    if (offset == REG_IOREGSEL)
        a->ioregsel = (uint32_t)value & 0xff;
    else if (offset == REG_IOWIN)
        write_indirect(a, (uint32_t)value);
    pthread_mutex_unlock(&a->lock);
}

/* Only level-triggered entries end with an EOI that leaves the guest. */
static bool ioapic_expects_eoi(void *dev, unsigned pin)
{
    struct ioapic *a = dev;
    pthread_mutex_lock(&a->lock);
    bool level = a->rte[pin] & RTE_LEVEL;
    pthread_mutex_unlock(&a->lock);
    return level;
}

static const struct irq_chip_ops ioapic_chip_ops = { .set_pin = ioapic_set_pin,
                                                     .expects_eoi = ioapic_expects_eoi };

static void ioapic_destroy(void *dev)
{
    struct ioapic *a = dev;
    irq_chip_destroy(&a->chip);
    pthread_mutex_destroy(&a->lock);
    free(a);
}

static void *ioapic_create(struct vdev_ctx *ctx)
{
    struct ioapic *a = calloc(1, sizeof(*a));
    if (!a || !irq_chip_init(&a->chip, ctx->spec->name, IOAPIC_PINS, &ioapic_chip_ops, a)) {
        free(a);
        return NULL;
    }
    pthread_mutex_init(&a->lock, NULL);
    a->ctx = ctx;
    a->gsi_base = ioapic_gsi_base(ctx->vm_spec, ctx->spec);
    a->id = ioapic_apic_id(ctx->vm_spec, ctx->spec) & 0xff;
    for (unsigned pin = 0; pin < IOAPIC_PINS; pin++) {
        a->rte[pin] = RTE_MASK; /* masked at reset */
        route_pin(a, pin);
    }
    ctx->chip = &a->chip;
    if (!irq_on_eoi_vector(ctx->irqb, ioapic_eoi, a)) {
        ioapic_destroy(a);
        return NULL;
    }
    return a;
}

static const struct vdev_model ioapic_model = {
    .create = ioapic_create,
    .destroy = ioapic_destroy,
    .read = ioapic_read,
    .write = ioapic_write,
};

static const struct controller_desc ioapic_controller = {
    .lines = IOAPIC_PINS,
    .auto_lines = ioapic_auto_lines,
    .nauto = sizeof(ioapic_auto_lines) / sizeof(ioapic_auto_lines[0]),
};

static unsigned ioapic_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                              struct region *out, unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, IOAPIC_WINDOW, "registers", out, max);
}

const struct vdev_type vdev_ioapic = {
    .name = "ioapic",
    .summary = "I/O APIC: 24 lines, edge or level, delivered to the local APIC",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG | COMMON_HOSTVECTOR,
    .loc_space = LOC_MEM,
    .has_default_loc = true,
    .default_loc = { .space = LOC_MEM, .addr = 0xfec00000 },
    .controller = &ioapic_controller,
    .claims = ioapic_claims,
    .model = &ioapic_model,
};
