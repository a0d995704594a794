/* vdev timer8254: the PC's 8254 PIT (three counters) and port 0x61, through
 * which guests gate counter 2 to calibrate their clocks.
 *
 * The counters do not tick: each holds a "segment" (a count n loaded at time
 * t0, ticks0 clocks already counted before t0) and its count and output are
 * computed from the elapsed time when the guest looks. Counter 0's output
 * drives the vdev's line: each rising edge is an irq_pulse, raised when the
 * guest looks or when the host timer set for the next edge fires.
 *
 * Gates: counters 0 and 1 have their gate tied high, as on a PC; counter 2's
 * gate is port 0x61 bit 0. The modes that need a gate trigger behave as the
 * part does with its gate tied high: mode 4 (software-triggered strobe) counts
 * like mode 0 from the count write and raises one interrupt (at the end of its
 * one-clock strobe); modes 1 and 5 (hardware-triggered) wait for a rising gate
 * edge that counters 0 and 1 never get: their output stays high and they raise
 * nothing. Counter 2 does get triggers, from port 0x61.
 *
 * Left out: BCD counting (the BCD bit is accepted and shown in the status, the
 * counters count in binary), the one-clock delay between a count write and the
 * first decrement, and the odd-count half-period asymmetry in mode 3 reads
 * (mode 3 reads are approximate; its output and interrupts are exact). */
#include "vdev/vdev.h"

#include "config/spec.h"
#include "vdev/timer_common.h"
#include "vdev/vdev_ctx.h"

#include <pthread.h>
#include <stdlib.h>

#define PIT_PORTS 4
#define PIT_PC_BASE 0x40
#define PIT_PORT_B 0x61

#define PIT_HZ 1193182ull
#define PIT_COUNTERS 3
/* Port B bit 4 toggles with each DRAM refresh request (15.085 us on a PC). */
#define PIT_REFRESH_NS 15085ull

enum { REGION_COUNTERS = 0, REGION_PORT_B = 1 };

struct pit_counter {
    /* Programming */
    uint8_t ctrl;       /* RW1 RW0 M2 M1 M0 BCD of the last control word (status bits 5-0) */
    uint8_t mode;       /* 0-5 (6 and 7 are 2 and 3) */
    uint8_t rw;         /* 1 LSB, 2 MSB, 3 LSB then MSB */
    uint32_t cr;        /* the count register: 1-65536 (a written 0 is 65536) */
    bool cr_valid;      /* a count was written since the control word */
    bool null_count;    /* cr written but not yet loaded into the counting element */
    bool wr_msb;        /* rw 3: the next write is the MSB */
    uint8_t wr_lsb;
    bool rd_msb;        /* rw 3: the next read is the MSB */
    bool latched;       /* counter latch command: reads come from latch */
    bool latch_msb;
    uint16_t latch;
    bool status_latched;
    uint8_t status;
    bool gate;
    /* The counting element */
    bool seg;           /* a count is loaded */
    bool counting;      /* the clock advances it (gate high, or triggered) */
    uint32_t n;         /* the count it was loaded with */
    uint64_t t0, ticks0;
    uint16_t hold;      /* what reads show while nothing is loaded */
    uint64_t edges;     /* rising edges of this segment already accounted for */
    /* Modes 2 and 3: a count written while counting waits for the end of the period */
    bool pending;
    uint64_t pending_at;
};

struct pit {
    struct vdev_ctx *ctx;
    pthread_mutex_t lock;
    struct pit_counter c[PIT_COUNTERS];
    uint8_t port_b; /* bits 0-3 as written: gate 2, speaker data, parity/channel check */
    bool has_port_b;
    bool warned_bcd;
    struct host_timer timer; /* the next rising edge of counter 0 */
};

static uint64_t ns_to_ticks(uint64_t ns)
{
    return timer_scale(ns, PIT_HZ, TIMER_NS_PER_S, false);
}

/* The first time at which ns_to_ticks reaches ticks (floor/ceil agree). */
static uint64_t ticks_to_ns(uint64_t ticks)
{
    return timer_scale(ticks, TIMER_NS_PER_S, PIT_HZ, true);
}

static bool triggered_mode(const struct pit_counter *c)
{
    return c->mode == 1 || c->mode == 5;
}

static uint64_t elapsed(const struct pit_counter *c, uint64_t now)
{
    uint64_t e = c->ticks0;
    if (c->counting && now > c->t0)
        e += ns_to_ticks(now - c->t0);
    return e;
}

/* Rising edges of the output in the current segment up to e counted clocks. */
static uint64_t edges_total(const struct pit_counter *c, uint64_t e)
{
    switch (c->mode) {
    case 0:
    case 1:
        return e >= c->n; /* terminal count: output goes high, once */
    case 4:
    case 5:
        return e > c->n; /* low for one clock at terminal count, high again */
    default:
        return e / c->n; /* modes 2 and 3: rising at each reload */
    }
}

static bool output(const struct pit_counter *c, uint64_t now)
{
    if (!c->seg)
        return c->mode != 0; /* mode 0 starts low; the others high */
    uint64_t e = elapsed(c, now);
    switch (c->mode) {
    case 0:
    case 1:
        return e >= c->n;
    case 2:
        /* low for the one clock before each reload; a low gate forces it high */
        return !c->gate || c->n < 2 || e % c->n != c->n - 1;
    case 3:
        return !c->gate || e % c->n < (c->n + 1) / 2;
    default:
        return e != c->n;
    }
}

static uint16_t count_value(const struct pit_counter *c, uint64_t now)
{
    if (!c->seg)
        return c->hold;
    uint64_t e = elapsed(c, now);
    switch (c->mode) {
    case 2:
        return (uint16_t)(c->n - e % c->n); /* n .. 1 (65536 reads 0) */
    case 3: {
        /* decrements by two, reloading at each half period */
        uint64_t p = e % c->n, h = (c->n + 1) / 2;
        uint64_t q = p < h ? p : p - h;
        return (uint16_t)((c->n - 2 * q) & 0xfffe);
    }
    default:
        /* modes 0, 1, 4, 5 keep counting down past zero, wrapping */
        return (uint16_t)((uint64_t)c->n - e);
    }
}

static void start_segment(struct pit_counter *c, uint32_t n, uint64_t t0, bool counting)
{
    c->n = n;
    c->seg = true;
    c->counting = counting;
    c->t0 = t0;
    c->ticks0 = 0;
    c->edges = 0;
    c->pending = false;
    c->null_count = false;
}

/* Account for the time up to now: apply a pending count whose period ended,
 * and return how many rising edges the output made that were not yet seen. */
static uint64_t collect(struct pit_counter *c, uint64_t now)
{
    if (!c->seg)
        return 0;
    uint64_t fresh = 0;
    if (c->pending && c->counting && now >= c->pending_at) {
        uint64_t tot = edges_total(c, elapsed(c, c->pending_at));
        fresh += tot > c->edges ? tot - c->edges : 0;
        start_segment(c, c->cr, c->pending_at, true);
    }
    uint64_t tot = edges_total(c, elapsed(c, now));
    if (tot > c->edges) {
        fresh += tot - c->edges;
        c->edges = tot;
    }
    return fresh;
}

/* When counter 0's next rising edge is due (TIMER_NEVER: none). */
static uint64_t next_edge(const struct pit_counter *c)
{
    if (!c->seg || !c->counting)
        return TIMER_NEVER;
    uint64_t target;
    switch (c->mode) {
    case 0:
    case 1:
        if (c->edges)
            return TIMER_NEVER;
        target = c->n;
        break;
    case 4:
    case 5:
        if (c->edges)
            return TIMER_NEVER;
        target = (uint64_t)c->n + 1;
        break;
    default:
        target = (c->edges + 1) * (uint64_t)c->n;
        break;
    }
    uint64_t t = target <= c->ticks0 ? c->t0 : c->t0 + ticks_to_ns(target - c->ticks0);
    if (t < c->t0)
        t = TIMER_NEVER; /* overflow: centuries away */
    if (c->pending && c->pending_at < t)
        t = c->pending_at;
    return t;
}

static struct irq_line *pit_line(struct pit *p)
{
    return p->ctx->spec->nintr ? p->ctx->irq[0] : NULL;
}

/* Bring every counter up to now; counter 0's new rising edges raise the line
 * once (edges a late host timer skipped are coalesced). Called locked. */
static void pit_update(struct pit *p, uint64_t now)
{
    for (unsigned i = 0; i < PIT_COUNTERS; i++) {
        uint64_t fresh = collect(&p->c[i], now);
        if (i == 0 && fresh) {
            irq_pulse(pit_line(p));
            host_timer_coalesced(&p->timer, pit_line(p), fresh - 1);
        }
    }
}

static void pit_sync(struct pit *p, uint64_t now)
{
    host_timer_sync(&p->timer, next_edge(&p->c[0]), now);
}

static void pit_on_timer(void *arg)
{
    struct pit *p = arg;
    pthread_mutex_lock(&p->lock);
    uint64_t now = event_now();
    host_timer_fired(&p->timer, now);
    pit_update(p, now);
    pit_sync(p, now);
    pthread_mutex_unlock(&p->lock);
}

/* A complete count was written to the count register. */
static void load_count(struct pit_counter *c, uint32_t v, uint64_t now)
{
    c->cr = v ? v : 0x10000;
    c->cr_valid = true;
    c->null_count = true;
    switch (c->mode) {
    case 0:
    case 4:
        /* (re)start counting at once; a low gate holds the count */
        start_segment(c, c->cr, now, c->gate);
        break;
    case 2:
    case 3:
        if (c->seg && c->counting) {
            /* the 8254 loads the new count at the end of the current period */
            if (!c->pending) {
                uint64_t k = elapsed(c, now) / c->n + 1;
                c->pending_at = c->t0 + ticks_to_ns(k * c->n - c->ticks0);
                c->pending = true;
            }
        } else if (!c->seg) {
            start_segment(c, c->cr, now, c->gate);
        }
        /* else the gate is low: its rising edge loads the count */
        break;
    default:
        break; /* modes 1 and 5: loaded by the next gate trigger */
    }
}

static void set_gate(struct pit_counter *c, bool gate, uint64_t now)
{
    if (gate == c->gate)
        return;
    c->gate = gate;
    if (!gate) {
        /* modes 0, 2, 3, 4 stop counting; 1 and 5 ignore a falling gate */
        if (c->seg && c->counting && !triggered_mode(c)) {
            c->ticks0 = elapsed(c, now);
            c->counting = false;
        }
        return;
    }
    switch (c->mode) {
    case 0:
    case 4:
        if (c->seg) {
            c->t0 = now;
            c->counting = true;
        }
        break;
    default:
        /* 2 and 3 reload and start over; 1 and 5 are triggered */
        if (c->cr_valid)
            start_segment(c, c->cr, now, true);
        break;
    }
}

static void control_word(struct pit *p, uint8_t v, uint64_t now)
{
    unsigned sel = v >> 6;
    if (sel == 3) {
        /* read-back: bit 5 clear latches counts, bit 4 clear latches status */
        for (unsigned i = 0; i < PIT_COUNTERS; i++) {
            struct pit_counter *c = &p->c[i];
            if (!(v & (2u << i)))
                continue;
            if (!(v & 0x20) && !c->latched) {
                c->latch = count_value(c, now);
                c->latched = true;
                c->latch_msb = false;
            }
            if (!(v & 0x10) && !c->status_latched) {
                c->status = (uint8_t)((output(c, now) ? 0x80 : 0) |
                                      (c->null_count ? 0x40 : 0) | c->ctrl);
                c->status_latched = true;
            }
        }
        return;
    }
    struct pit_counter *c = &p->c[sel];
    unsigned rw = (v >> 4) & 3;
    if (rw == 0) {
        /* counter latch command; a second one before the read is ignored */
        if (!c->latched) {
            c->latch = count_value(c, now);
            c->latched = true;
            c->latch_msb = false;
        }
        return;
    }
    if ((v & 1) && !p->warned_bcd) {
        p->warned_bcd = true;
        log_msg(&p->ctx->log, LOGF_WARN, "counter %u: BCD counting is not emulated; it counts "
                "in binary", sel);
    }
    unsigned mode = (v >> 1) & 7;
    c->hold = count_value(c, now);
    c->ctrl = v & 0x3f;
    c->rw = (uint8_t)rw;
    c->mode = (uint8_t)(mode > 5 ? mode - 4 : mode);
    c->seg = c->counting = c->pending = false;
    c->cr_valid = false;
    c->null_count = true; /* a control word sets null count */
    c->wr_msb = c->rd_msb = false;
    c->edges = 0;
}

static void write_counter(struct pit *p, unsigned i, uint8_t v, uint64_t now)
{
    struct pit_counter *c = &p->c[i];
    switch (c->rw) {
    case 1:
        load_count(c, v, now);
        break;
    case 2:
        load_count(c, (uint32_t)v << 8, now);
        break;
    default:
        if (!c->wr_msb) {
            c->wr_lsb = v;
            c->wr_msb = true;
            if (c->mode == 0 && c->seg) {
                /* mode 0: the first byte stops counting and drives the output low */
                c->hold = count_value(c, now);
                c->seg = c->counting = c->pending = false;
            }
        } else {
            c->wr_msb = false;
            load_count(c, c->wr_lsb | (uint32_t)v << 8, now);
        }
        break;
    }
}

static uint8_t read_counter(struct pit *p, unsigned i, uint64_t now)
{
    struct pit_counter *c = &p->c[i];
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    uint16_t v;
    bool msb;
    if (c->latched) {
        v = c->latch;
        if (c->rw == 3) {
            msb = c->latch_msb;
            c->latch_msb = !c->latch_msb;
            c->latched = !msb; /* released after both bytes */
        } else {
            msb = c->rw == 2;
            c->latched = false;
        }
    } else {
        v = count_value(c, now);
        if (c->rw == 3) {
            msb = c->rd_msb;
            c->rd_msb = !c->rd_msb;
        } else {
            msb = c->rw == 2;
        }
    }
    return (uint8_t)(msb ? v >> 8 : v);
}

static uint8_t read_port_b(struct pit *p, uint64_t now)
{
    return (uint8_t)((p->port_b & 0x0f) | ((now / PIT_REFRESH_NS) & 1 ? 0x10 : 0) |
                     (output(&p->c[2], now) ? 0x20 : 0));
}

static uint64_t pit_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    struct pit *p = dev;
    uint64_t value = 0;
    pthread_mutex_lock(&p->lock);
    uint64_t now = event_now();
    pit_update(p, now);
    /* a wider access reads consecutive ports, as the ISA bus splits it */
    for (unsigned b = 0; b < size && b < 8; b++) {
        uint64_t port = offset + b;
        uint8_t v = 0xff;
        if (region == REGION_COUNTERS && port < PIT_COUNTERS)
            v = read_counter(p, (unsigned)port, now);
        else if (region == REGION_PORT_B && port == 0)
            v = read_port_b(p, now);
        /* the control port (3) is write-only: the bus floats */
        value |= (uint64_t)v << (8 * b);
    }
    pit_sync(p, now);
    pthread_mutex_unlock(&p->lock);
    return value;
}

static void pit_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value)
{
    struct pit *p = dev;
    pthread_mutex_lock(&p->lock);
    uint64_t now = event_now();
    pit_update(p, now);
    for (unsigned b = 0; b < size && b < 8; b++) {
        uint64_t port = offset + b;
        uint8_t v = (uint8_t)(value >> (8 * b));
        if (region == REGION_COUNTERS && port < PIT_COUNTERS) {
            write_counter(p, (unsigned)port, v, now);
        } else if (region == REGION_COUNTERS && port == 3) {
            control_word(p, v, now);
        } else if (region == REGION_PORT_B && port == 0) {
            p->port_b = v & 0x0f;
            set_gate(&p->c[2], v & 1, now);
        }
    }
    pit_sync(p, now);
    pthread_mutex_unlock(&p->lock);
}

static void pit_destroy(void *dev)
{
    struct pit *p = dev;
    host_timer_stop(&p->timer);
    if (p->timer.coalesced)
        log_msg(&p->ctx->log, LOGF_DEBUG, "%llu counter 0 interrupts coalesced",
                (unsigned long long)p->timer.coalesced);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static void *pit_create(struct vdev_ctx *ctx)
{
    struct pit *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->ctx = ctx;
    pthread_mutex_init(&p->lock, NULL);
    host_timer_init(&p->timer, ctx->loop, pit_on_timer, p);
    p->has_port_b = ctx->spec->loc.space == LOC_IO && ctx->spec->loc.addr == PIT_PC_BASE;
    /* Power-on state is undefined on the part; here every counter waits for
     * its control word (mode 0, nothing loaded, no interrupt). */
    for (unsigned i = 0; i < PIT_COUNTERS; i++) {
        struct pit_counter *c = &p->c[i];
        c->ctrl = 0x30;
        c->rw = 3;
        c->null_count = true;
        /* gate 2 is port B bit 0 (reset: low); without port B it is tied high */
        c->gate = i != 2 || !p->has_port_b;
    }
    return p;
}

static const struct vdev_model pit_model = {
    .create = pit_create,
    .destroy = pit_destroy,
    .read = pit_read,
    .write = pit_write,
};

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
    .model = &pit_model,
};
