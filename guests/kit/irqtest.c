#include "irqtest.h"

#include "cmdline.h"
#include "io.h"
#include "kstring.h"
#include "lapic.h"
#include "pic.h"
#include "pit.h"
#include "rtc.h"
#include "serial.h"
#include "test.h"
#include "tsc.h"

#include "../latency.h" /* after serial.h: it needs kprintf */

#define SPURIOUS_VECTOR 0xff
#define PIC_MASTER_BASE 0x20
#define PIC_SLAVE_BASE  0x28
#define IOAPIC_VECTOR_BASE 0x40
#define TICK_VECTOR 0xef
/* the wait tick: 10^6 local APIC timer counts at divide 1, 1 ms with the
 * 1 GHz APIC timer clock of KVM (and qemu); any other clock only changes
 * how late a wait notices its deadline */
#define TICK_COUNT 1000000u

struct acpi_madt_info irqt_madt;
static const char *test_name;
static char setup_name[48];

static int word_is(const struct kqvm_boot_info *bi, const char *key, const char *val, int *found)
{
    size_t len;
    const char *v = cmdline_get(bi, key, &len);
    if (!v)
        return 0;
    *found = 1;
    return len == strlen(val) && strncmp(v, val, len) == 0;
}

/* key=one|two|...: index of the value, dflt if absent, -1 if unknown */
static int choice(const struct kqvm_boot_info *bi, const char *key, const char *const *vals, int dflt)
{
    int found = 0;
    for (int i = 0; vals[i]; i++)
        if (word_is(bi, key, vals[i], &found))
            return i;
    return found ? -1 : dflt;
}

__attribute__((format(printf, 1, 2))) static int setup_fail(const char *fmt, ...)
{
    char buf[192];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    TEST_FAIL(setup_name, "%s", buf);
    return -1;
}

static int lowest_bit(uint32_t v)
{
    for (int i = 0; i < 32; i++)
        if (v & (1u << i))
            return i;
    return -1;
}

/* the I/O APIC (index into the MADT) holding gsi; fills t->io */
static int find_ioapic(struct irqt *t, uint32_t gsi)
{
    for (unsigned i = 0; i < irqt_madt.nioapics; i++) {
        struct ioapic io;
        ioapic_init(&io, irqt_madt.ioapics[i].address, irqt_madt.ioapics[i].gsi_base);
        if (gsi >= io.gsi_base && gsi - io.gsi_base < io.npins) {
            t->io = io;
            t->ioapic_index = i;
            return 0;
        }
    }
    return -1;
}

int irqt_init(struct irqt *t, const struct kqvm_boot_info *bi, const char *test,
              enum irqt_src default_src, int via)
{
    static const char *const srcs[] = { "pit", "hpet", "rtc", NULL };
    static const char *const vias[] = { "ioapic", "pic", NULL };
    static const char *const trig[] = { "edge", "level", NULL };
    static const char *const pol[] = { "high", "low", NULL };
    static const char *const modes[] = { "periodic", "oneshot", NULL };
    memset(t, 0, sizeof(*t));
    test_name = test;
    ksnprintf(setup_name, sizeof(setup_name), "%s.setup", test);

    int s = choice(bi, "src", srcs, (int)default_src);
    int v = via >= 0 ? via : choice(bi, "via", vias, IRQT_IOAPIC);
    int l = choice(bi, "trigger", trig, 0);
    int p = choice(bi, "polarity", pol, 0);
    int m = choice(bi, "hpet_mode", modes, -2);
    if (s < 0 || v < 0 || l < 0 || p < 0 || m == -1)
        return setup_fail("bad src=, via=, trigger=, polarity= or hpet_mode= on the command line");
    t->src = (enum irqt_src)s;
    t->via = (enum irqt_via)v;
    t->src_name = srcs[s];
    t->via_name = vias[v];
    t->level = l;
    t->active_low = p;
    if (t->level && t->src != IRQT_HPET)
        return setup_fail("trigger=level needs src=hpet (the PIT and the RTC drive edges)");

    uint64_t x = 0;
    t->rate = t->src == IRQT_RTC ? 512 : 500;
    if (cmdline_u64(bi, "rate", &x)) {
        if (x == 0 || x > 100000)
            return setup_fail("rate=%lu is out of range (1-100000)", x);
        t->rate = (uint32_t)x;
    }
    t->pic_slave = 1;
    if (cmdline_u64(bi, "slave", &x))
        t->pic_slave = x != 0;

    /* ACPI: needed for the I/O APIC; the local APIC's address comes from it */
    if (acpi_init(bi) == 0 && acpi_parse_madt(&irqt_madt) == 0) {
        t->have_madt = 1;
        if (irqt_madt.lapic_address)
            lapic_set_base(irqt_madt.lapic_address);
    } else if (t->via == IRQT_IOAPIC) {
        return setup_fail("no usable MADT, so no I/O APIC: %s", acpi_error());
    }
    lapic_enable(SPURIOUS_VECTOR, 0);
    irq_install_spurious(SPURIOUS_VECTOR);
    irq_install_lapic(TICK_VECTOR, NULL, NULL);
    static const char *const waits[] = { "hlt", "spin", NULL };
    t->spin = choice(bi, "wait", waits, 0) == 1;

    /* the HPET, for src=hpet or as a clock */
    uint64_t hbase = 0;
    if (!cmdline_u64(bi, "hpet", &hbase) && t->have_madt)
        hbase = acpi_hpet_base(NULL);
    if (hbase && hpet_init(&t->hpet, hbase) != 0) {
        if (t->src == IRQT_HPET)
            return setup_fail("no HPET answers at 0x%lx (GCAP_ID 0x%x)", hbase, t->hpet.cap_lo);
        t->hpet.base = 0;
    }
    if (!hbase)
        t->hpet.base = 0;

    uint64_t pin = 0;
    int have_pin = cmdline_u64(bi, "pin", &pin);
    uint64_t ioidx = 0;
    cmdline_u64(bi, "ioapic", &ioidx);
    int hpet_route = -1;
    if (t->src == IRQT_HPET) {
        if (!t->hpet.base)
            return setup_fail("src=hpet, but no HPET table (and no hpet=ADDR)");
        uint64_t k = 0;
        cmdline_u64(bi, "timer", &k);
        if (k >= t->hpet.ntimers)
            return setup_fail("timer=%lu, but the HPET has %u timers", k, t->hpet.ntimers);
        t->hpet_timer = (unsigned)k;
        uint32_t conf = hpet_timer_conf(&t->hpet, t->hpet_timer);
        t->hpet_periodic = m == -2 ? !!(conf & HPET_TN_PER_CAP) : m == 0;
        if (t->hpet_periodic && !(conf & HPET_TN_PER_CAP))
            return setup_fail("hpet_mode=periodic, but timer %lu has no periodic capability", k);
        hpet_route = lowest_bit(hpet_route_cap(&t->hpet, t->hpet_timer));
    }

    /* where the interrupt arrives */
    if (t->via == IRQT_IOAPIC) {
        uint32_t gsi;
        if (have_pin) {
            if (ioidx >= irqt_madt.nioapics)
                return setup_fail("ioapic=%lu, but the MADT lists %u I/O APICs", ioidx,
                                  irqt_madt.nioapics);
            gsi = irqt_madt.ioapics[ioidx].gsi_base + (uint32_t)pin;
        } else if (t->src == IRQT_HPET) {
            if (hpet_route < 0)
                return setup_fail("HPET timer %u has an empty INT_ROUTE_CAP", t->hpet_timer);
            gsi = (uint32_t)hpet_route;
        } else {
            gsi = acpi_isa_irq_gsi(&irqt_madt, t->src == IRQT_PIT ? 0 : 8);
        }
        if (find_ioapic(t, gsi) != 0)
            return setup_fail("no I/O APIC of the MADT (or its version register) covers GSI %u",
                              gsi);
        t->gsi = gsi;
        t->pin = gsi - t->io.gsi_base;
        t->vector = (uint8_t)(gsi < 0xa0 ? IOAPIC_VECTOR_BASE + gsi : 0xdf);
    } else {
        unsigned irq;
        if (have_pin)
            irq = (unsigned)pin;
        else if (t->src == IRQT_HPET)
            irq = (unsigned)hpet_route;
        else
            irq = t->src == IRQT_PIT ? 0 : 8;
        if (irq >= 16 || irq == PIC_CASCADE_IRQ || (irq >= 8 && !t->pic_slave))
            return setup_fail("8259 IRQ %u cannot be used (0-15 but 2; 8-15 need slave=1)", irq);
        t->pin = irq;
        t->gsi = irq; /* the first I/O APIC's ISA inputs are wired to the 8259 too */
        if (t->have_madt && irqt_madt.nioapics && find_ioapic(t, irq) != 0)
            t->io.base = 0;
    }
    if (t->src == IRQT_HPET &&
        !(hpet_route_cap(&t->hpet, t->hpet_timer) & (t->gsi < 32 ? 1u << t->gsi : 0)))
        return setup_fail("HPET timer %u cannot route to input %u (INT_ROUTE_CAP 0x%x)",
                          t->hpet_timer, t->gsi, hpet_route_cap(&t->hpet, t->hpet_timer));

    /* the 8259 pair: initialised and masked whenever it exists */
    if (t->via == IRQT_PIC || (t->have_madt && (irqt_madt.flags & ACPI_MADT_PCAT_COMPAT))) {
        pic_init(PIC_MASTER_BASE, PIC_SLAVE_BASE, t->pic_slave);
        pic_set_mask(0xffff);
        t->pic_ready = 1;
    }
    if (t->via == IRQT_PIC)
        t->vector = pic_vector(t->pin);
    return 0;
}

/* The median of five 10 ms calibrations against the HPET's counter or PIT
 * counter 2: on a busy (nested) host one port read can stall for
 * milliseconds, which skews the one window it falls in (once by 40%),
 * not the median. */
#define CALIB_WINDOWS 5
static uint64_t calibrate_median(const struct irqt *t, int hpet)
{
    uint64_t khz[CALIB_WINDOWS];
    for (unsigned i = 0; i < CALIB_WINDOWS; i++)
        khz[i] = hpet ? hpet_calibrate_tsc_khz(&t->hpet, 10) : pit_calibrate_tsc_khz(10);
    sort_u64(khz, CALIB_WINDOWS);
    return khz[CALIB_WINDOWS / 2];
}

uint64_t irqt_calibrate(struct irqt *t, const struct kqvm_boot_info *bi)
{
    static const char *const how[] = { "auto", "cpuid", "hpet", "pit", "none", NULL };
    int c = choice(bi, "calib", how, 0);
    uint64_t khz = 0;
    t->calib = "none";
    if (c < 0) {
        kprintf("%s: unknown calib= value, using auto\n", test_name);
        c = 0;
    }
    /* auto: CPUID, then a device other than the source, then the source's */
    int order[3];
    if (c == 0) {
        order[0] = 1;
        order[1] = t->src == IRQT_HPET ? 3 : 2;
        order[2] = t->src == IRQT_HPET ? 2 : 3;
    } else {
        order[0] = c;
        order[1] = order[2] = 4;
    }
    for (int i = 0; i < 3 && !khz; i++) {
        switch (order[i]) {
        case 1:
            if (tsc_khz_known()) {
                khz = tsc_khz();
                t->calib = "cpuid";
            }
            break;
        case 2:
            if (t->hpet.base) {
                if (!(hpet_read32(&t->hpet, HPET_GEN_CONF) & HPET_CONF_ENABLE))
                    hpet_enable(&t->hpet);
                khz = calibrate_median(t, 1);
                t->calib = "hpet counter";
            }
            break;
        case 3:
            if (pit_probe()) {
                khz = calibrate_median(t, 0);
                t->calib = "pit counter 2";
            }
            break;
        default:
            break;
        }
    }
    if (!khz)
        t->calib = "none";
    tsc_set_khz(khz);
    t->tsc_khz = khz;
    return khz;
}

int irqt_route(struct irqt *t, irq_fn fn, void *arg)
{
    if (t->via == IRQT_IOAPIC) {
        irq_install_lapic(t->vector, fn, arg);
        ioapic_set_rte(&t->io, t->pin,
                       ioapic_rte(t->vector, t->level, t->active_low, 1, lapic_id()));
        lapic_lint0_extint(0);
        return 0;
    }
    /* kqvm wires ISA IRQs of the first I/O APIC to the 8259 as well: keep
     * that pin masked */
    if (t->io.base && t->io.npins > t->pin)
        ioapic_mask(&t->io, t->pin);
    pic_mask(t->pin);
    pic_set_trigger(t->pin, t->level);
    uint16_t elcr = pic_get_elcr();
    if (!!(elcr & (1u << t->pin)) != !!t->level)
        return setup_fail("the ELCR (0x%04x) does not take IRQ %u as %s-triggered (a PC's IRQs "
                          "0, 1, 2, 8 and 13 are edge only)",
                          elcr, t->pin, t->level ? "level" : "edge");
    irq_install_pic(t->pin, fn, arg);
    lapic_lint0_extint(1);
    return 0;
}

void irqt_mask(struct irqt *t)
{
    if (t->via == IRQT_IOAPIC)
        ioapic_mask(&t->io, t->pin);
    else
        pic_mask(t->pin);
}

void irqt_unmask(struct irqt *t)
{
    if (t->via == IRQT_IOAPIC)
        ioapic_unmask(&t->io, t->pin);
    else
        pic_unmask(t->pin);
}

static int hpet_go(struct irqt *t, uint64_t first, uint64_t period)
{
    struct hpet *h = &t->hpet;
    hpet_disable(h);
    hpet_set_counter(h, 0);
    t->hpet_next = first;
    int r = hpet_timer_start(h, t->hpet_timer, t->gsi, t->level, first, period);
    if (r != 0) {
        kprintf("%s: HPET timer %u refused (route %u, periodic %d)\n", test_name, t->hpet_timer,
                t->gsi, period != 0);
        return -1;
    }
    t->running = 1;
    hpet_enable(h);
    return 0;
}

int irqt_start(struct irqt *t)
{
    switch (t->src) {
    case IRQT_PIT: {
        t->running = 1;
        uint32_t d = pit_start_periodic(t->rate);
        t->rate_mhz = (uint64_t)PIT_HZ * 1000 / d;
        return 0;
    }
    case IRQT_HPET: {
        uint64_t f = hpet_freq_hz(&t->hpet);
        uint64_t period = (f + t->rate / 2) / t->rate;
        if (period < 1)
            period = 1;
        t->hpet_period = period;
        t->rate_mhz = f * 1000 / period;
        return hpet_go(t, period, t->hpet_periodic ? period : 0);
    }
    case IRQT_RTC: {
        unsigned rs = rtc_rate_select(t->rate);
        if (!rs) {
            kprintf("%s: rate=%u: the RTC's periodic rates are powers of two, 2-8192 Hz\n",
                    test_name, t->rate);
            return -1;
        }
        t->rate_mhz = (uint64_t)rtc_rate_hz(rs) * 1000;
        rtc_disable_irqs(RTC_B_PIE | RTC_B_AIE | RTC_B_UIE);
        rtc_ack();
        rtc_set_rate(rs);
        t->running = 1;
        rtc_enable_irqs(RTC_B_PIE);
        return 0;
    }
    }
    return -1;
}

int irqt_start_oneshot(struct irqt *t, uint64_t us)
{
    switch (t->src) {
    case IRQT_HPET: {
        uint64_t ticks = hpet_freq_hz(&t->hpet) * us / 1000000;
        t->hpet_period = 0;
        return hpet_go(t, ticks ? ticks : 1, 0);
    }
    case IRQT_PIT: {
        uint64_t ticks = (uint64_t)PIT_HZ * us / 1000000;
        t->running = 1;
        pit_start_oneshot(ticks > 0xffff ? 0xffff : ticks ? (uint32_t)ticks : 1);
        return 0;
    }
    default:
        kprintf("%s: no one-shot mode for src=%s\n", test_name, t->src_name);
        return -1;
    }
}

void irqt_ack(struct irqt *t)
{
    switch (t->src) {
    case IRQT_RTC:
        rtc_ack();
        break;
    case IRQT_HPET:
        if (t->level)
            hpet_clear_status(&t->hpet, t->hpet_timer);
        if (!t->hpet_periodic && t->hpet_period && t->running) {
            t->hpet_next += t->hpet_period;
            uint64_t now = hpet_counter(&t->hpet);
            if ((int64_t)(t->hpet_next - now) < (int64_t)(t->hpet_period / 4))
                t->hpet_next = now + t->hpet_period; /* late: skip ahead */
            hpet_timer_set_cmp(&t->hpet, t->hpet_timer, t->hpet_next);
        }
        break;
    case IRQT_PIT:
        break;
    }
}

void irqt_stop(struct irqt *t)
{
    t->running = 0;
    switch (t->src) {
    case IRQT_PIT:
        pit_stop();
        break;
    case IRQT_HPET:
        hpet_timer_stop(&t->hpet, t->hpet_timer);
        break;
    case IRQT_RTC:
        rtc_disable_irqs(RTC_B_PIE);
        rtc_ack();
        break;
    }
}

static void wait_step(struct irqt *t)
{
    if (t->spin) {
        sti();
        pause();
    } else {
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
}

int irqt_wait_count(struct irqt *t, const volatile unsigned *counter, unsigned target,
                    uint64_t deadline)
{
    int ok;
    if (!t->spin) {
        cli();
        lapic_timer_start(TICK_VECTOR, TICK_COUNT, 1);
    }
    while (!(ok = *counter >= target) && !tsc_expired(deadline))
        wait_step(t);
    if (!t->spin)
        lapic_timer_stop();
    sti();
    return ok;
}

void irqt_sleep_until(struct irqt *t, uint64_t deadline)
{
    static const volatile unsigned never = 0;
    irqt_wait_count(t, &never, 1, deadline);
}

void irqt_sleep_us(struct irqt *t, uint64_t us)
{
    irqt_sleep_until(t, tsc_deadline_us(us));
}

const char *irqt_fmt_mhz(char *buf, unsigned size, uint64_t mhz)
{
    ksnprintf(buf, size, "%lu.%03lu", mhz / 1000, mhz % 1000);
    return buf;
}

void irqt_describe(const struct irqt *t, const char *prefix)
{
    if (t->via == IRQT_IOAPIC)
        kprintf("%s: src %s via ioapic %u (id %u at 0x%lx, GSI base %u) pin %u, GSI %u, vector "
                "0x%x, %s, active %s, rate %u Hz\n",
                prefix, t->src_name, t->ioapic_index, irqt_madt.ioapics[t->ioapic_index].id,
                t->io.base, t->io.gsi_base, t->pin, t->gsi, t->vector,
                t->level ? "level" : "edge", t->active_low ? "low" : "high", t->rate);
    else
        kprintf("%s: src %s via 8259 IRQ %u (LINT0 ExtINT), vector 0x%x, %s, rate %u Hz\n",
                prefix, t->src_name, t->pin, t->vector, t->level ? "level" : "edge", t->rate);
    if (t->src == IRQT_HPET)
        kprintf("%s: HPET at 0x%lx: %u timers, %lu Hz, timer %u %s, INT_ROUTE_CAP 0x%x\n", prefix,
                t->hpet.base, t->hpet.ntimers, hpet_freq_hz(&t->hpet), t->hpet_timer,
                t->hpet_periodic ? "periodic" : "one-shot (re-armed by the handler)",
                hpet_route_cap(&t->hpet, t->hpet_timer));
}
