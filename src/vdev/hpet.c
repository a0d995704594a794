/* vdev hpet: a High Precision Event Timer block with up to 32 comparators; each
 * intr entry adds a timer and its line.
 *
 * The model follows the IA-PC HPET specification 1.0a: a 64-bit main counter
 * (derived from the elapsed time while ENABLE_CNF is set, writable while
 * halted), and per timer a comparator that matches when the main counter
 * reaches it, one-shot or periodic, 64-bit or 32-bit (32MODE), edge- or
 * level-triggered, with 32-bit and 64-bit register accesses.
 *
 * Interrupt routing is the configuration's: timer k raises the line of intr
 * entry k. INT_ROUTE_CAP offers only that line's number, so a guest cannot
 * route a timer elsewhere; writes of another INT_ROUTE_CNF are ignored. In
 * legacy replacement mode (LEG_RT_CNF) timers 0 and 1 keep the same lines: the
 * configuration gives them the PIT's and the RTC's lines when it wants them to
 * replace those (docs/configuration.md, 7.3). The PIT and the RTC are separate
 * vdevs and keep raising their own lines; a guest that switches to legacy
 * replacement stops programming them.
 *
 * Left out: FSB (MSI) delivery (Tn_FSB_INT_DEL_CAP is 0), and comparator
 * matches after the main counter wraps at 2^64 (centuries at 1 GHz, reachable
 * only by writing the counter close to 2^64: it then simply stops matching). */
#include "vdev/vdev.h"

#include "config/resolver.h"
#include "config/spec.h"
#include "vdev/timer_common.h"
#include "vdev/vdev_ctx.h"

#include <pthread.h>
#include <stdlib.h>

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

/* Registers (byte offsets in the window) */
#define HPET_GCAP_ID 0x000
#define HPET_GEN_CONF 0x010
#define HPET_GINTR_STA 0x020
#define HPET_MAIN_CNT 0x0f0
#define HPET_TIMER0 0x100
#define HPET_TIMER_STRIDE 0x20
#define HPET_TN_CONF 0x00
#define HPET_TN_CMP 0x08
#define HPET_TN_FSB 0x10

/* General capabilities */
#define CAP_REV_ID 0x01ull
#define CAP_COUNT_SIZE (1ull << 13)
#define CAP_LEG_RT (1ull << 15)
#define CAP_VENDOR_INTEL (0x8086ull << 16)
/* General configuration */
#define CNF_ENABLE 0x1ull
#define CNF_LEG_RT 0x2ull
/* Timer configuration and capabilities */
#define TN_INT_TYPE_LEVEL (1ull << 1)
#define TN_INT_ENB (1ull << 2)
#define TN_TYPE_PERIODIC (1ull << 3)
#define TN_PER_INT_CAP (1ull << 4)
#define TN_SIZE_CAP (1ull << 5)
#define TN_VAL_SET (1ull << 6)
#define TN_32MODE (1ull << 8)
#define TN_ROUTE_SHIFT 9
#define TN_ROUTE_MASK (0x1full << TN_ROUTE_SHIFT)
#define TN_WRITABLE (TN_INT_TYPE_LEVEL | TN_INT_ENB | TN_TYPE_PERIODIC | TN_VAL_SET | TN_32MODE | \
                     TN_ROUTE_MASK)

#define FS_PER_NS 1000000ull
#define FS_PER_S 1000000000000000ull

struct hpet_timer {
    uint64_t conf;    /* the writable bits of Tn_CONF_CAP */
    uint64_t cmp;     /* the comparator as the guest reads it */
    uint64_t period;  /* periodic mode: what a match adds to the comparator */
    uint64_t fire_at; /* main counter value of the next match, TIMER_NEVER: none */
    uint32_t route_cap;
};

struct hpet {
    struct vdev_ctx *ctx;
    pthread_mutex_t lock;
    unsigned ntimers;
    uint64_t period_fs; /* COUNTER_CLK_PERIOD */
    uint64_t cap;
    uint64_t config; /* ENABLE_CNF, LEG_RT_CNF */
    uint64_t isr;    /* general interrupt status (level-triggered timers) */
    uint64_t base;   /* the main counter when halted, or at t_enable */
    uint64_t t_enable;
    bool warned_route, warned_access, warned_counter;
    struct host_timer timer; /* the earliest match among the enabled timers */
    struct hpet_timer t[HPET_MAX_TIMERS];
};

static void hpet_validate(struct resolver *r, struct vdev_spec *v)
{
    if (v->nintr > HPET_MAX_TIMERS)
        resolver_error(r, &v->intr[HPET_MAX_TIMERS].at, "vdev hpet: at most %d timers (one per "
                       "intr entry)", HPET_MAX_TIMERS);
    if (!v->opts[HPET_OPT_FREQUENCY].set)
        v->opts[HPET_OPT_FREQUENCY].u = 14318180;
}

static bool enabled(const struct hpet *h)
{
    return h->config & CNF_ENABLE;
}

static uint64_t counter_at(const struct hpet *h, uint64_t now)
{
    if (!enabled(h) || now <= h->t_enable)
        return h->base;
    return h->base + timer_scale(now - h->t_enable, FS_PER_NS, h->period_fs, false);
}

/* When the running main counter reaches value (TIMER_NEVER if never). */
static uint64_t time_of(const struct hpet *h, uint64_t value)
{
    if (value == TIMER_NEVER || !enabled(h))
        return TIMER_NEVER;
    if (value <= h->base)
        return h->t_enable;
    uint64_t d = timer_scale(value - h->base, h->period_fs, FS_PER_NS, true);
    return d > TIMER_NEVER - h->t_enable ? TIMER_NEVER : h->t_enable + d;
}

static uint64_t width_mask(const struct hpet_timer *t)
{
    return t->conf & TN_32MODE ? 0xffffffffull : ~0ull;
}

/* The next main counter value that matches the comparator, from cnt on: a
 * 64-bit comparator behind the counter never matches; a 32-bit one matches
 * when the counter's low half comes round to it. */
static void arm_match(struct hpet_timer *t, uint64_t cnt)
{
    if (t->conf & TN_32MODE) {
        uint64_t d = (uint32_t)(t->cmp - cnt);
        t->fire_at = cnt + d < cnt ? TIMER_NEVER : cnt + d;
    } else {
        t->fire_at = t->cmp >= cnt ? t->cmp : TIMER_NEVER;
    }
}

static struct irq_line *timer_line(struct hpet *h, unsigned k)
{
    return k < h->ctx->spec->nintr ? h->ctx->irq[k] : NULL;
}

/* A level-triggered timer holds its line high while its status bit is set
 * (and its interrupt enabled); the guest writes 1 to the bit to end it. */
static void update_line(struct hpet *h, unsigned k)
{
    const struct hpet_timer *t = &h->t[k];
    if (!(t->conf & TN_INT_TYPE_LEVEL))
        return;
    irq_set_level(timer_line(h, k), (h->isr >> k & 1) && (t->conf & TN_INT_ENB));
}

/* Timer k's comparator matched (the main counter is at cnt >= fire_at). */
static void fire(struct hpet *h, unsigned k, uint64_t cnt)
{
    struct hpet_timer *t = &h->t[k];
    uint64_t step = 0, matches = 1;
    if ((t->conf & TN_TYPE_PERIODIC) && t->period)
        step = t->period; /* the comparator advances by the period */
    else if (t->conf & TN_32MODE)
        step = 1ull << 32; /* one-shot: matches again when the low half wraps */
    if (step) {
        matches = (cnt - t->fire_at) / step + 1;
        unsigned __int128 next = (unsigned __int128)t->fire_at + (unsigned __int128)matches * step;
        t->fire_at = next >= TIMER_NEVER ? TIMER_NEVER : (uint64_t)next;
        if (t->conf & TN_TYPE_PERIODIC && t->fire_at != TIMER_NEVER)
            t->cmp = t->fire_at & width_mask(t);
    } else {
        t->fire_at = TIMER_NEVER;
    }
    /* status bits are set even with the interrupt disabled (spec 2.3.9.2.5) */
    if (t->conf & TN_INT_TYPE_LEVEL) {
        h->isr |= 1ull << k;
        update_line(h, k);
    } else if (t->conf & TN_INT_ENB) {
        irq_pulse(timer_line(h, k));
    }
    if (t->conf & TN_INT_ENB)
        host_timer_coalesced(&h->timer, timer_line(h, k), matches - 1);
}

/* Bring the timers up to now: each due comparator raises its interrupt once. */
static void hpet_update(struct hpet *h, uint64_t now)
{
    if (!enabled(h))
        return;
    uint64_t cnt = counter_at(h, now);
    for (unsigned k = 0; k < h->ntimers; k++)
        if (h->t[k].fire_at != TIMER_NEVER && cnt >= h->t[k].fire_at)
            fire(h, k, cnt);
}

static void hpet_sync(struct hpet *h, uint64_t now)
{
    uint64_t due = TIMER_NEVER;
    for (unsigned k = 0; k < h->ntimers && enabled(h); k++) {
        /* a timer that can raise nothing needs no host timer: reads catch up */
        if (!(h->t[k].conf & TN_INT_ENB))
            continue;
        uint64_t when = time_of(h, h->t[k].fire_at);
        if (when < due)
            due = when;
    }
    host_timer_sync(&h->timer, due, now);
}

static void hpet_on_timer(void *arg)
{
    struct hpet *h = arg;
    pthread_mutex_lock(&h->lock);
    uint64_t now = event_now();
    host_timer_fired(&h->timer, now);
    hpet_update(h, now);
    hpet_sync(h, now);
    pthread_mutex_unlock(&h->lock);
}

/* The 64-bit register at reg (8-byte aligned). */
static uint64_t read_reg(struct hpet *h, uint64_t reg, uint64_t now)
{
    switch (reg) {
    case HPET_GCAP_ID:
        return h->cap;
    case HPET_GEN_CONF:
        return h->config;
    case HPET_GINTR_STA:
        return h->isr;
    case HPET_MAIN_CNT:
        return counter_at(h, now);
    default:
        break;
    }
    if (reg < HPET_TIMER0)
        return 0;
    uint64_t k = (reg - HPET_TIMER0) / HPET_TIMER_STRIDE;
    if (k >= h->ntimers)
        return 0;
    const struct hpet_timer *t = &h->t[k];
    switch ((reg - HPET_TIMER0) % HPET_TIMER_STRIDE) {
    case HPET_TN_CONF:
        return t->conf | TN_PER_INT_CAP | TN_SIZE_CAP | (uint64_t)t->route_cap << 32;
    case HPET_TN_CMP:
        return t->cmp;
    default:
        return 0; /* FSB route: no FSB delivery */
    }
}

static void write_conf(struct hpet *h, unsigned k, uint64_t v, uint64_t now)
{
    struct hpet_timer *t = &h->t[k];
    uint64_t old = t->conf, conf = v & TN_WRITABLE;
    unsigned route = (unsigned)((conf & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT);
    if (!(t->route_cap >> route & 1)) {
        /* only the configuration's line is offered (INT_ROUTE_CAP) */
        /* 0 is what a guest that never routes writes: not worth a warning */
        if (route && route != ((old & TN_ROUTE_MASK) >> TN_ROUTE_SHIFT) && !h->warned_route) {
            h->warned_route = true;
            log_msg(&h->ctx->log, LOGF_WARN, "timer %u: route to line %u ignored; the "
                    "configuration routes it (INT_ROUTE_CAP 0x%x)", k, route, t->route_cap);
        }
        conf = (conf & ~TN_ROUTE_MASK) | (old & TN_ROUTE_MASK);
    }
    t->conf = conf;
    if ((conf ^ old) & TN_32MODE) {
        if (conf & TN_32MODE) {
            t->cmp &= 0xffffffffull;
            t->period &= 0xffffffffull;
        }
        arm_match(t, counter_at(h, now));
    }
    if (!(conf & TN_INT_TYPE_LEVEL) && (h->isr >> k & 1)) {
        h->isr &= ~(1ull << k);
        irq_set_level(timer_line(h, k), false); /* edge now: the held level ends */
    }
    update_line(h, k);
}

static void write_cmp(struct hpet *h, unsigned k, uint64_t v, uint64_t mask, uint64_t now)
{
    struct hpet_timer *t = &h->t[k];
    uint64_t m = width_mask(t);
    /* Periodic timers: a write sets the period; with VAL_SET it also sets the
     * comparator itself. VAL_SET clears after any write: Linux writes the
     * first match, then the period, both as 32-bit writes of the low half. */
    bool periodic = t->conf & TN_TYPE_PERIODIC;
    if (!periodic || (t->conf & TN_VAL_SET)) {
        t->cmp = ((t->cmp & ~mask) | (v & mask)) & m;
        arm_match(t, counter_at(h, now));
    }
    if (periodic)
        t->period = ((t->period & ~mask) | (v & mask)) & m;
    t->conf &= ~TN_VAL_SET;
}

static void write_reg(struct hpet *h, uint64_t reg, uint64_t v, uint64_t mask, uint64_t now)
{
    switch (reg) {
    case HPET_GCAP_ID:
        return; /* read-only */
    case HPET_GEN_CONF: {
        uint64_t writable = CNF_ENABLE | (h->cap & CAP_LEG_RT ? CNF_LEG_RT : 0);
        uint64_t conf = ((h->config & ~mask) | (v & mask)) & writable;
        if ((conf ^ h->config) & CNF_ENABLE) {
            if (conf & CNF_ENABLE) {
                h->t_enable = now;
            } else {
                h->base = counter_at(h, now); /* halt: the counter keeps its value */
            }
        }
        h->config = conf;
        return;
    }
    case HPET_GINTR_STA: {
        uint64_t clear = v & mask & h->isr;
        h->isr &= ~clear;
        for (unsigned k = 0; k < h->ntimers; k++)
            if (clear >> k & 1)
                update_line(h, k);
        return;
    }
    case HPET_MAIN_CNT:
        if (enabled(h)) {
            /* the specification allows writes only while halted */
            if (!h->warned_counter) {
                h->warned_counter = true;
                log_msg(&h->ctx->log, LOGF_WARN, "main counter written while running; ignored");
            }
            return;
        }
        h->base = (h->base & ~mask) | (v & mask);
        for (unsigned k = 0; k < h->ntimers; k++)
            arm_match(&h->t[k], h->base);
        return;
    default:
        break;
    }
    if (reg < HPET_TIMER0)
        return;
    uint64_t k = (reg - HPET_TIMER0) / HPET_TIMER_STRIDE;
    if (k >= h->ntimers)
        return;
    switch ((reg - HPET_TIMER0) % HPET_TIMER_STRIDE) {
    case HPET_TN_CONF:
        /* the upper half (INT_ROUTE_CAP) is read-only */
        write_conf(h, (unsigned)k, (h->t[k].conf & ~mask) | (v & mask & 0xffffffffull), now);
        break;
    case HPET_TN_CMP:
        write_cmp(h, (unsigned)k, v, mask, now);
        break;
    default:
        break; /* FSB route: no FSB delivery */
    }
}

static uint64_t hpet_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)region;
    struct hpet *h = dev;
    if (offset >= HPET_WINDOW || size == 0 || size > 8)
        return ~0ull;
    pthread_mutex_lock(&h->lock);
    uint64_t now = event_now();
    hpet_update(h, now);
    /* any access within one register reads its bytes (the specification
     * asks for 32 or 64 bits; smaller reads cost nothing to answer) */
    uint64_t v = read_reg(h, offset & ~7ull, now) >> (8 * (offset & 7));
    hpet_sync(h, now);
    pthread_mutex_unlock(&h->lock);
    return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

static void hpet_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value)
{
    (void)region;
    struct hpet *h = dev;
    if (offset >= HPET_WINDOW)
        return;
    pthread_mutex_lock(&h->lock);
    if (!((size == 8 && !(offset & 7)) || (size == 4 && !(offset & 3)))) {
        if (!h->warned_access) {
            h->warned_access = true;
            log_msg(&h->ctx->log, LOGF_WARN, "%u-byte write at offset 0x%llx ignored: the HPET "
                    "takes aligned 32- and 64-bit writes", size, (unsigned long long)offset);
        }
        pthread_mutex_unlock(&h->lock);
        return;
    }
    uint64_t now = event_now();
    hpet_update(h, now);
    uint64_t mask = size == 8 ? ~0ull : 0xffffffffull << (8 * (offset & 4));
    uint64_t v = size == 8 ? value : (value & 0xffffffffull) << (8 * (offset & 4));
    write_reg(h, offset & ~7ull, v, mask, now);
    hpet_update(h, now); /* a comparator written at the counter's value matches at once */
    hpet_sync(h, now);
    pthread_mutex_unlock(&h->lock);
}

static void hpet_destroy(void *dev)
{
    struct hpet *h = dev;
    host_timer_stop(&h->timer);
    if (h->timer.coalesced)
        log_msg(&h->ctx->log, LOGF_DEBUG, "%llu timer interrupts coalesced",
                (unsigned long long)h->timer.coalesced);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

static void *hpet_create(struct vdev_ctx *ctx)
{
    const struct vdev_spec *spec = ctx->spec;
    struct hpet *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->ctx = ctx;
    pthread_mutex_init(&h->lock, NULL);
    host_timer_init(&h->timer, ctx->loop, hpet_on_timer, h);
    h->ntimers = spec->nintr;
    if (h->ntimers < 1)
        h->ntimers = 1; /* the resolver requires an intr; stay sane without */
    if (h->ntimers > HPET_MAX_TIMERS)
        h->ntimers = HPET_MAX_TIMERS;
    uint64_t hz = spec->opts[HPET_OPT_FREQUENCY].u;
    if (hz < 10000000 || hz > 1000000000)
        hz = 14318180;
    h->period_fs = (FS_PER_S + hz / 2) / hz;
    h->cap = CAP_REV_ID | (uint64_t)(h->ntimers - 1) << 8 | CAP_COUNT_SIZE | CAP_VENDOR_INTEL |
             h->period_fs << 32;
    if (!spec->opts[HPET_OPT_LEGACY_FREE].b)
        h->cap |= CAP_LEG_RT;
    for (unsigned k = 0; k < h->ntimers; k++) {
        struct hpet_timer *t = &h->t[k];
        t->fire_at = TIMER_NEVER;
        t->cmp = ~0ull; /* reset value of the comparators */
        if (k < spec->nintr && spec->intr[k].has_line && spec->intr[k].line < 32) {
            t->route_cap = 1u << spec->intr[k].line;
            t->conf = (uint64_t)spec->intr[k].line << TN_ROUTE_SHIFT;
        }
    }
    return h;
}

static const struct vdev_model hpet_model = {
    .create = hpet_create,
    .destroy = hpet_destroy,
    .read = hpet_read,
    .write = hpet_write,
};

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
    .model = &hpet_model,
};
