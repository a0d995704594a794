/* vdev 8259: the PC's pair of 8259A PICs. The master (loc 0x20) is the
 * controller that intr names; the slave (loc 0xa0) adds lines 8-15 through the
 * cascade on line 2. Each has its edge/level control register (ELCR, 0x4d0 and
 * 0x4d1). The master's INT output reaches the boot vCPU's LINT0 as ExtINT; the
 * interrupt-acknowledge cycle happens when kqvm injects the vector. */
#include "vdev/vdev.h"

#include "config/resolver.h"
#include "config/spec.h"
#include "irq/backend.h"
#include "irq/chip.h"
#include "vdev/vdev_ctx.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PIC_MASTER 0x20
#define PIC_SLAVE 0xa0
#define PIC_CASCADE_LINE 2
#define ELCR_MASTER 0x4d0
#define PIC_SPURIOUS_LINE 7
#define PIC_PINS 16

enum pic_region { PIC_REGS, PIC_ELCR };

static const uint16_t pic_auto_lines[] = { 5, 9, 10, 11, 3, 4, 7, 12, 14, 15 };
static const uint8_t elcr_mask[2] = { 0xf8, 0xde }; /* lines 0-2, 8 and 13 are always edge */

/* One 8259A, after the Intel datasheet. */
struct i8259 {
    uint8_t irr, imr, isr, elcr;
    uint8_t last_input; /* edge detection */
    uint8_t irq_base;   /* ICW2 */
    uint8_t priority_add; /* lowest-priority line + 1: rotation */
    uint8_t init_state; /* 0 ready; 1-3 expecting ICW2-ICW4 */
    bool init4, single, auto_eoi, rotate_on_auto_eoi, special_mask, poll, read_isr;
    bool fully_nested;  /* ICW4 SFNM */
    bool initialised;   /* the guest has written ICW1: the 8259 is in use */
};

/* The pair: one per VM, shared by the master's and the slave's vdevs. */
struct pic_pair {
    const struct vm *vm; /* the VM (one boot) both vdevs belong to */
    struct vdev_ctx *ctx; /* the master's */
    struct irq_chip chip; /* pins 0-7 master, 8-15 slave */
    pthread_mutex_t lock;
    struct i8259 pic[2];
    unsigned users;
    struct pic_pair *next;
};

struct pic_dev {
    struct pic_pair *pair;
    unsigned which; /* 0 master, 1 slave */
};

static struct pic_pair *pairs; /* looked up at assembly, on the main thread */

/* ---- one 8259A ---- */

/* Priority (0 highest) of the best line in bits, after rotation; 8: none. */
static unsigned priority_of(const struct i8259 *p, uint8_t bits)
{
    if (!bits)
        return 8;
    unsigned pri = 0;
    while (!(bits & (1u << ((pri + p->priority_add) & 7))))
        pri++;
    return pri;
}

/* The line that should interrupt now, or -1. */
static int wanted(const struct i8259 *p, bool master)
{
    unsigned pri = priority_of(p, p->irr & ~p->imr);
    if (pri == 8)
        return -1;
    uint8_t busy = p->isr;
    if (p->special_mask)
        busy &= ~p->imr;
    if (master && p->fully_nested)
        busy &= ~(1u << PIC_CASCADE_LINE); /* the slave may interrupt its own cascade */
    return pri < priority_of(p, busy) ? (int)((pri + p->priority_add) & 7) : -1;
}

static void init_reset(struct i8259 *p)
{
    uint8_t elcr = p->elcr, irr = p->irr & p->elcr;
    memset(p, 0, sizeof(*p));
    p->elcr = elcr;
    p->irr = irr; /* level inputs stay requested */
}

/* ---- the pair ---- */

static unsigned pin_of(unsigned which, unsigned line)
{
    return which * 8 + line;
}

/* The slave's INT output is the master's line 2. */
static void cascade(struct pic_pair *pp)
{
    bool out = wanted(&pp->pic[1], false) >= 0;
    struct i8259 *m = &pp->pic[0];
    uint8_t bit = 1u << PIC_CASCADE_LINE;
    if (out && !(m->last_input & bit))
        m->irr |= bit;
    if (out)
        m->last_input |= bit;
    else
        m->last_input &= (uint8_t)~bit;
}

static void input(struct pic_pair *pp, unsigned which, unsigned line, bool level)
{
    struct i8259 *p = &pp->pic[which];
    uint8_t bit = 1u << line;
    unsigned pin = pin_of(which, line);
    if (level && !(p->last_input & bit)) {
        if (p->imr & bit)
            irq_pin_masked(&pp->chip, pin);
        else if ((p->irr & bit) && !(p->elcr & bit))
            irq_pin_coalesced(&pp->chip, pin);
    }
    if (p->elcr & bit) {
        p->irr = level ? p->irr | bit : p->irr & (uint8_t)~bit;
    } else if (level && !(p->last_input & bit)) {
        p->irr |= bit;
    }
    p->last_input = level ? p->last_input | bit : p->last_input & (uint8_t)~bit;
    if (which == 1)
        cascade(pp);
}

static void intack(struct pic_pair *pp, unsigned which, unsigned line, uint32_t *eoi)
{
    struct i8259 *p = &pp->pic[which];
    uint8_t bit = 1u << line;
    if (p->auto_eoi) {
        if (p->rotate_on_auto_eoi)
            p->priority_add = (line + 1) & 7;
        *eoi |= 1u << pin_of(which, line);
    } else {
        p->isr |= bit;
    }
    if (!(p->elcr & bit))
        p->irr &= (uint8_t)~bit; /* a level request stays until its input drops */
    if (!(which == 0 && line == PIC_CASCADE_LINE))
        irq_pin_delivered(&pp->chip, pin_of(which, line));
}

static void end_eois(struct pic_pair *pp, uint32_t eoi)
{
    for (unsigned pin = 0; pin < PIC_PINS; pin++)
        if (eoi & (1u << pin))
            irq_pin_eoi(&pp->chip, pin);
}

/* The interrupt-acknowledge cycle: the vector for the CPU. */
static unsigned pair_ack(void *arg)
{
    struct pic_pair *pp = arg;
    uint32_t eoi = 0;
    pthread_mutex_lock(&pp->lock);
    struct i8259 *m = &pp->pic[0], *s = &pp->pic[1];
    int line = wanted(m, true);
    unsigned vector;
    if (line < 0) {
        irq_pin_spurious(&pp->chip, PIC_SPURIOUS_LINE);
        vector = m->irq_base + PIC_SPURIOUS_LINE;
    } else if (line == PIC_CASCADE_LINE) {
        int sl = wanted(s, false);
        if (sl >= 0) {
            intack(pp, 1, (unsigned)sl, &eoi);
            vector = s->irq_base + (unsigned)sl;
        } else {
            irq_pin_spurious(&pp->chip, 8 + PIC_SPURIOUS_LINE);
            vector = s->irq_base + PIC_SPURIOUS_LINE;
        }
        cascade(pp);
        intack(pp, 0, PIC_CASCADE_LINE, &eoi);
    } else {
        intack(pp, 0, (unsigned)line, &eoi);
        vector = m->irq_base + (unsigned)line;
    }
    pthread_mutex_unlock(&pp->lock);
    end_eois(pp, eoi);
    return vector;
}

static bool pair_pending(void *arg)
{
    struct pic_pair *pp = arg;
    pthread_mutex_lock(&pp->lock);
    bool out = wanted(&pp->pic[0], true) >= 0;
    pthread_mutex_unlock(&pp->lock);
    return out;
}

static void pic_set_pin(void *dev, unsigned pin, bool level)
{
    struct pic_pair *pp = dev;
    pthread_mutex_lock(&pp->lock);
    input(pp, pin / 8, pin % 8, level);
    pthread_mutex_unlock(&pp->lock);
    irq_extint_changed(pp->ctx->irqb);
}

/* An EOI command will follow when the guest uses this 8259 (and, for a slave
 * line, the cascade) with the line unmasked and without auto-EOI. */
static bool pic_expects_eoi(void *dev, unsigned pin)
{
    struct pic_pair *pp = dev;
    pthread_mutex_lock(&pp->lock);
    const struct i8259 *m = &pp->pic[0], *p = &pp->pic[pin / 8];
    bool yes = m->initialised && p->initialised && !(p->imr & (1u << (pin % 8))) &&
               !p->auto_eoi && (pin < 8 || !(m->imr & (1u << PIC_CASCADE_LINE)));
    pthread_mutex_unlock(&pp->lock);
    return yes;
}

static const struct irq_chip_ops pic_chip_ops = { .set_pin = pic_set_pin,
                                                  .expects_eoi = pic_expects_eoi };

/* ---- registers ---- */

static void write_command(struct pic_pair *pp, unsigned which, uint8_t v, uint32_t *eoi)
{
    struct i8259 *p = &pp->pic[which];
    if (v & 0x10) { /* ICW1 */
        init_reset(p);
        p->initialised = true;
        p->init_state = 1;
        p->init4 = v & 0x01;
        p->single = v & 0x02;
        return;
    }
    if (v & 0x08) { /* OCW3 */
        if (v & 0x04)
            p->poll = true;
        if (v & 0x02)
            p->read_isr = v & 0x01;
        if (v & 0x40)
            p->special_mask = (v >> 5) & 1;
        return;
    }
    unsigned cmd = v >> 5, line; /* OCW2 */
    switch (cmd) {
    case 0: /* rotate in auto-EOI mode: clear */
    case 4: /* and set */
        p->rotate_on_auto_eoi = cmd == 4;
        return;
    case 1: /* non-specific EOI */
    case 5: /* and rotate */ {
        unsigned pri = priority_of(p, p->isr);
        if (pri == 8)
            return;
        line = (pri + p->priority_add) & 7;
        p->isr &= (uint8_t)~(1u << line);
        if (cmd == 5)
            p->priority_add = (line + 1) & 7;
        break;
    }
    case 3: /* specific EOI */
    case 7: /* and rotate */
        line = v & 7;
        p->isr &= (uint8_t)~(1u << line);
        if (cmd == 7)
            p->priority_add = (line + 1) & 7;
        break;
    case 6: /* set priority */
        p->priority_add = (v + 1) & 7;
        return;
    default:
        return;
    }
    if (!(which == 0 && line == PIC_CASCADE_LINE))
        *eoi |= 1u << pin_of(which, line);
}

static void write_data(struct i8259 *p, uint8_t v)
{
    switch (p->init_state) {
    case 0:
        p->imr = v; /* OCW1 */
        break;
    case 1:
        p->irq_base = v & 0xf8;
        p->init_state = p->single ? (p->init4 ? 3 : 0) : 2;
        break;
    case 2:
        p->init_state = p->init4 ? 3 : 0; /* ICW3: the cascade is fixed on a PC */
        break;
    case 3:
        p->fully_nested = (v >> 4) & 1;
        p->auto_eoi = (v >> 1) & 1;
        p->init_state = 0;
        break;
    }
}

static uint64_t pic_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)size;
    struct pic_dev *d = dev;
    struct pic_pair *pp = d->pair;
    struct i8259 *p = &pp->pic[d->which];
    uint32_t eoi = 0;
    uint8_t v;
    pthread_mutex_lock(&pp->lock);
    if (region == PIC_ELCR) {
        v = p->elcr;
    } else if (p->poll) { /* poll mode: acknowledge and return the line */
        p->poll = false;
        int line = wanted(p, d->which == 0);
        v = 0;
        if (line >= 0) {
            intack(pp, d->which, (unsigned)line, &eoi);
            v = 0x80 | (uint8_t)line;
        }
        if (d->which == 1)
            cascade(pp);
    } else if (offset == 0) {
        v = p->read_isr ? p->isr : p->irr;
    } else {
        v = p->imr;
    }
    pthread_mutex_unlock(&pp->lock);
    end_eois(pp, eoi);
    return v;
}

static void pic_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value)
{
    (void)size;
    struct pic_dev *d = dev;
    struct pic_pair *pp = d->pair;
    struct i8259 *p = &pp->pic[d->which];
    uint32_t eoi = 0;
    pthread_mutex_lock(&pp->lock);
    if (region == PIC_ELCR)
        p->elcr = (uint8_t)value & elcr_mask[d->which];
    else if (offset == 0)
        write_command(pp, d->which, (uint8_t)value, &eoi);
    else
        write_data(p, (uint8_t)value);
    if (d->which == 1)
        cascade(pp);
    pthread_mutex_unlock(&pp->lock);
    end_eois(pp, eoi);
    irq_extint_changed(pp->ctx ? pp->ctx->irqb : NULL);
}

static bool pic_is_slave(const struct vdev_spec *v)
{
    return v->loc.space == LOC_IO && v->loc.addr == PIC_SLAVE;
}

static void pic_destroy(void *dev)
{
    struct pic_dev *d = dev;
    struct pic_pair *pp = d->pair;
    free(d);
    if (--pp->users)
        return;
    for (struct pic_pair **q = &pairs; *q; q = &(*q)->next) {
        if (*q == pp) {
            *q = pp->next;
            break;
        }
    }
    irq_chip_destroy(&pp->chip);
    pthread_mutex_destroy(&pp->lock);
    free(pp);
}

static void *pic_create(struct vdev_ctx *ctx)
{
    struct pic_pair *pp = pairs;
    while (pp && pp->vm != ctx->vm)
        pp = pp->next;
    if (!pp) {
        pp = calloc(1, sizeof(*pp));
        if (!pp || !irq_chip_init(&pp->chip, NULL, PIC_PINS, &pic_chip_ops, pp)) {
            free(pp);
            return NULL;
        }
        pthread_mutex_init(&pp->lock, NULL);
        pp->vm = ctx->vm;
        pp->next = pairs;
        pairs = pp;
    }
    struct pic_dev *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->pair = pp;
    d->which = pic_is_slave(ctx->spec);
    pp->users++;
    if (d->which == 0) {
        /* the master is the controller: its name, its chip, the ExtINT output */
        pp->ctx = ctx;
        pp->chip.name = ctx->spec->name;
        ctx->chip = &pp->chip;
        irq_set_extint(ctx->irqb, pair_pending, pair_ack, pp);
    }
    return d;
}

static const struct vdev_model pic_model = {
    .create = pic_create,
    .destroy = pic_destroy,
    .read = pic_read,
    .write = pic_write,
};

/* ---- declaration ---- */

static unsigned pic_count_lines(const struct vdev_spec *v, const struct vm_spec *vm)
{
    if (pic_is_slave(v))
        return 0; /* its lines are the master's 8-15 */
    for (unsigned i = 0; i < vm->nvdevs; i++)
        if (vm->vdevs[i].type == v->type && pic_is_slave(&vm->vdevs[i]))
            return 16;
    return 8;
}

static const char *pic_line_reserved(const struct vdev_spec *v, uint32_t line)
{
    (void)v;
    return line == PIC_CASCADE_LINE ? "it is the cascade from the slave" : NULL;
}

static const struct controller_desc pic_controller = {
    .lines = 16,
    .auto_lines = pic_auto_lines,
    .nauto = sizeof(pic_auto_lines) / sizeof(pic_auto_lines[0]),
    .count_lines = pic_count_lines,
    .line_reserved = pic_line_reserved,
};

static void pic_validate(struct resolver *r, struct vdev_spec *v)
{
    if (v->loc.space != LOC_IO || (v->loc.addr != PIC_MASTER && v->loc.addr != PIC_SLAVE)) {
        resolver_error(r, &v->at, "vdev 8259: loc must be io:0x20 (master) or io:0xa0 (slave)");
        return;
    }
    const struct vm_spec *vm = resolver_vm(r);
    if (pic_is_slave(v)) {
        bool master = false;
        for (unsigned i = 0; i < vm->nvdevs; i++)
            master |= vm->vdevs[i].type == v->type && vm->vdevs[i].loc.space == LOC_IO &&
                      vm->vdevs[i].loc.addr == PIC_MASTER;
        if (!master)
            resolver_error(r, &v->at, "vdev 8259: the slave at io:0xa0 needs a master at io:0x20");
    }
    for (unsigned i = 0; i < vm->nvdevs && &vm->vdevs[i] != v; i++) {
        const struct vdev_spec *o = &vm->vdevs[i];
        if (o->type == v->type && o->loc.space == LOC_IO && o->loc.addr == v->loc.addr) {
            resolver_error(r, &v->at, "vdev 8259: a second %s at io:0x%x (the first is at %s)",
                           pic_is_slave(v) ? "slave" : "master", (unsigned)v->loc.addr,
                           srcloc_str(&o->at));
            return;
        }
    }
}

static unsigned pic_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                           unsigned max)
{
    (void)vm;
    if (max < 2 || v->loc.space != LOC_IO)
        return 0;
    unsigned n = vdev_claim_loc(v, 2, "command/data", out, max);
    out[n++] = (struct region){ .space = SPACE_IO, .base = ELCR_MASTER + pic_is_slave(v),
                                .length = 1, .what = "ELCR" };
    return n;
}

const struct vdev_type vdev_8259 = {
    .name = "8259",
    .summary = "8259A PIC pair (master at io:0x20, slave at io:0xa0), cascade and ELCR",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_LOG | COMMON_HOSTVECTOR,
    .loc_space = LOC_IO,
    .controller = &pic_controller,
    .validate = pic_validate,
    .claims = pic_claims,
    .model = &pic_model,
};
