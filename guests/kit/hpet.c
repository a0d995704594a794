#include "hpet.h"

#include "io.h"
#include "tsc.h"

uint32_t hpet_read32(const struct hpet *h, unsigned reg)
{
    return mmio_read32(h->base + reg);
}

void hpet_write32(const struct hpet *h, unsigned reg, uint32_t v)
{
    mmio_write32(h->base + reg, v);
}

int hpet_init(struct hpet *h, uint64_t base)
{
    h->base = base;
    uint32_t lo = mmio_read32(base + HPET_GCAP_ID);
    uint32_t hi = mmio_read32(base + HPET_GCAP_ID + 4);
    h->cap_lo = lo;
    h->period_fs = hi;
    h->ntimers = ((lo >> 8) & 0x1f) + 1;
    if (lo == 0xffffffffu || hi == 0 || hi > 100000000u)
        return -1;
    return 0;
}

uint64_t hpet_freq_hz(const struct hpet *h)
{
    return 1000000000000000ull / h->period_fs;
}

void hpet_enable(const struct hpet *h)
{
    uint32_t c = hpet_read32(h, HPET_GEN_CONF);
    hpet_write32(h, HPET_GEN_CONF, (c & ~HPET_CONF_LEGACY) | HPET_CONF_ENABLE);
}

void hpet_disable(const struct hpet *h)
{
    uint32_t c = hpet_read32(h, HPET_GEN_CONF);
    hpet_write32(h, HPET_GEN_CONF, c & ~HPET_CONF_ENABLE);
}

uint64_t hpet_counter(const struct hpet *h)
{
    uint32_t hi, lo, hi2;
    do {
        hi = hpet_read32(h, HPET_COUNTER + 4);
        lo = hpet_read32(h, HPET_COUNTER);
        hi2 = hpet_read32(h, HPET_COUNTER + 4);
    } while (hi != hi2);
    return (uint64_t)hi << 32 | lo;
}

void hpet_set_counter(const struct hpet *h, uint64_t v)
{
    hpet_write32(h, HPET_COUNTER, (uint32_t)v);
    hpet_write32(h, HPET_COUNTER + 4, (uint32_t)(v >> 32));
}

uint32_t hpet_route_cap(const struct hpet *h, unsigned n)
{
    return hpet_read32(h, HPET_TN_CONF(n) + 4);
}

uint32_t hpet_timer_conf(const struct hpet *h, unsigned n)
{
    return hpet_read32(h, HPET_TN_CONF(n));
}

/* High half first: with a low half written first, the comparator would
 * briefly hold (new low, old high). */
static void write_cmp(const struct hpet *h, unsigned n, uint64_t v)
{
    hpet_write32(h, HPET_TN_CMP(n) + 4, (uint32_t)(v >> 32));
    hpet_write32(h, HPET_TN_CMP(n), (uint32_t)v);
}

int hpet_timer_start(const struct hpet *h, unsigned n, unsigned route, int level, uint64_t first,
                     uint64_t period)
{
    uint32_t conf = hpet_timer_conf(h, n);
    if (period && !(conf & HPET_TN_PER_CAP))
        return -1;
    if (route > 31 || !(hpet_route_cap(h, n) & (1u << route)))
        return -1;
    conf &= ~(HPET_TN_LEVEL | HPET_TN_INT_ENB | HPET_TN_PERIODIC | HPET_TN_VAL_SET |
              HPET_TN_32BIT | HPET_TN_ROUTE_MASK | HPET_TN_FSB_EN);
    conf |= route << HPET_TN_ROUTE_SHIFT | (level ? HPET_TN_LEVEL : 0);
    if (period) {
        /* 32-bit accesses: a comparator write with VAL_SET sets that half
         * of the comparator (and of the period); VAL_SET then clears, and
         * later writes set the period only. So: high half of the first
         * comparator value, VAL_SET again, its low half, then the period's
         * two halves. */
        hpet_write32(h, HPET_TN_CONF(n), conf | HPET_TN_PERIODIC | HPET_TN_VAL_SET);
        hpet_write32(h, HPET_TN_CMP(n) + 4, (uint32_t)(first >> 32));
        hpet_write32(h, HPET_TN_CONF(n), conf | HPET_TN_PERIODIC | HPET_TN_VAL_SET);
        hpet_write32(h, HPET_TN_CMP(n), (uint32_t)first);
        hpet_write32(h, HPET_TN_CMP(n), (uint32_t)period);
        hpet_write32(h, HPET_TN_CMP(n) + 4, (uint32_t)(period >> 32));
        conf |= HPET_TN_PERIODIC;
    } else {
        hpet_write32(h, HPET_TN_CONF(n), conf);
        write_cmp(h, n, first);
    }
    if (level)
        hpet_clear_status(h, n); /* nothing stale before the interrupt is enabled */
    hpet_write32(h, HPET_TN_CONF(n), conf | HPET_TN_INT_ENB);
    return 0;
}

void hpet_timer_set_cmp(const struct hpet *h, unsigned n, uint64_t cmp)
{
    write_cmp(h, n, cmp);
}

void hpet_timer_stop(const struct hpet *h, unsigned n)
{
    uint32_t conf = hpet_timer_conf(h, n);
    hpet_write32(h, HPET_TN_CONF(n), conf & ~(HPET_TN_INT_ENB | HPET_TN_PERIODIC | HPET_TN_VAL_SET));
}

uint32_t hpet_status(const struct hpet *h)
{
    return hpet_read32(h, HPET_GINTR_STA);
}

void hpet_clear_status(const struct hpet *h, unsigned n)
{
    hpet_write32(h, HPET_GINTR_STA, 1u << n);
}

uint64_t hpet_calibrate_tsc_khz(const struct hpet *h, unsigned ms)
{
    if (ms < 5)
        ms = 5;
    uint64_t freq = hpet_freq_hz(h);
    uint64_t want = freq * ms / 1000;
    uint64_t t0 = rdtsc();
    uint64_t c0 = hpet_counter(h);
    uint64_t c = c0, t1 = t0;
    unsigned idle = 0;
    while (c - c0 < want) {
        uint64_t d = rdtsc() + tsc_khz(); /* >= 1 ms between reads */
        while ((int64_t)(rdtsc() - d) < 0)
            pause();
        t1 = rdtsc();
        uint64_t n = hpet_counter(h);
        if (n == c && ++idle > 8)
            return 0;
        c = n;
    }
    if (t1 <= t0 || c <= c0)
        return 0;
    /* khz = (t1 - t0) / ((c - c0) / freq * 1000) */
    return (uint64_t)((unsigned __int128)(t1 - t0) * freq / ((unsigned __int128)(c - c0) * 1000));
}
