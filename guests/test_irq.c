/* test_irq: interrupt delivery from a periodic source, configured from the
 * command line (kit/irqtest.h lists the words: src=pit|hpet|rtc,
 * via=ioapic|pic, pin=N, ioapic=K, rate=HZ, trigger=edge|level, timer=K,
 * polarity=, hpet_mode=, hpet=, calib=, slave=), plus:
 *
 *   count=N        interrupts to take (default 200)
 *   timeout_ms=MS  how long to wait for them (default 3 x the expected
 *                  time + 2 s)
 *   settle_ms=MS   wait after the source is stopped (default the longer of
 *                  5 ms and 5 periods)
 *
 * The handler acknowledges the source (RTC register C; HPET status bit in
 * level mode, before the EOI), counts, timestamps with the TSC, and stops
 * the source itself on the count-th interrupt, so exactly `count` arrive
 * before the stop. The guest then waits settle_ms for interrupts in flight,
 * masks the pin (so that nothing is delivered after it reports) and prints
 *
 *   KQVM-IRQ <src> <n>            every run of the handler (for kqvm's
 *                                 irq-stats: delivered on that pin)
 *   test_irq: rate <measured> Hz (programmed <rate>)
 *   KQVM-TEST: PASS|FAIL irq.count   count before the stop, at most 2 after
 *   KQVM-TEST: PASS|FAIL|SKIP irq.rate  the median interval between
 *                                 interrupts (of the first 4096) gives a rate
 *                                 within 15% of the one the device was set to;
 *                                 SKIP without a TSC frequency. The median,
 *                                 not the mean: a host too busy to run a timer
 *                                 within a period merges two ticks (counted as
 *                                 coalesced), which is a double interval, not
 *                                 a slower device
 *   KQVM-TEST: DONE */
#include "io.h"
#include "irqtest.h"
#include "cmdline.h"
#include "kit.h"
#include "test.h"
#include "tsc.h"

#include "latency.h"

#define MAX_EXTRA 2
#define MAX_STAMPS 4096

static struct irqt t;
static uint64_t count;
static volatile unsigned n, n_at_stop;
static volatile uint64_t t_first, t_last, t_stop;
static uint64_t stamp[MAX_STAMPS];

static void handler(void *arg, struct idt_frame *f)
{
    (void)arg;
    (void)f;
    uint64_t now = rdtsc();
    unsigned k = ++n;
    if (k <= MAX_STAMPS && k <= count)
        stamp[k - 1] = now;
    irqt_ack(&t);
    if (k == 1)
        t_first = now;
    if (k == count) {
        t_last = now;
        irqt_stop(&t);
        t_stop = rdtsc();
        n_at_stop = k;
    }
}

/* The median of the n - 1 intervals between the first n stamps (sorted in place). */
static uint64_t median_gap(unsigned n)
{
    for (unsigned i = 0; i + 1 < n; i++)
        stamp[i] = stamp[i + 1] - stamp[i];
    n--;
    sort_u64(stamp, n);
    return n ? stamp[n / 2] : 0;
}

void kmain(const struct kqvm_boot_info *bi)
{
    kprintf("test_irq: cmdline '%s'\n", kqvm_cmdline(bi));
    count = 200;
    if (cmdline_u64(bi, "count", &count) && (count < 1 || count > 1000000)) {
        TEST_FAIL("irq.setup", "count=%lu is out of range (1-1000000)", count);
        TEST_DONE();
    }
    if (irqt_init(&t, bi, "irq", IRQT_PIT, -1) != 0)
        TEST_DONE();
    uint64_t khz = irqt_calibrate(&t, bi);
    if (khz)
        kprintf("test_irq: TSC %lu kHz (%s)\n", khz, t.calib);
    else
        kprintf("test_irq: TSC frequency unknown (no CPUID leaf, HPET or PIT to measure it)\n");
    irqt_describe(&t, "test_irq");

    uint64_t expect_us = count * 1000000 / t.rate;
    uint64_t timeout_ms = 3 * expect_us / 1000 + 2000;
    cmdline_u64(bi, "timeout_ms", &timeout_ms);
    uint64_t period_us = 1000000 / t.rate;
    uint64_t settle_us = 5 * period_us > 5000 ? 5 * period_us : 5000;
    uint64_t x;
    if (cmdline_u64(bi, "settle_ms", &x))
        settle_us = x * 1000;

    cli();
    if (irqt_route(&t, handler, NULL) != 0)
        TEST_DONE();
    irqt_unmask(&t);
    if (irqt_start(&t) != 0) {
        irqt_mask(&t);
        TEST_FAIL("irq.setup", "the source did not start");
        TEST_DONE();
    }
    uint64_t t_start = rdtsc();
    sti();
    uint64_t deadline = tsc_deadline_us(timeout_ms * 1000);
    int timed_out = !irqt_wait_count(&t, &n_at_stop, 1, deadline);
    unsigned before = n;
    if (timed_out) {
        cli();
        irqt_stop(&t);
        t_stop = rdtsc();
        sti();
    }
    /* interrupts in flight */
    irqt_sleep_until(&t, t_stop + settle_us * tsc_khz() / 1000);
    irqt_mask(&t);
    irqt_sleep_us(&t, 1000); /* anything delivered before the mask took effect */
    cli();
    unsigned total = n;

    kprintf("KQVM-IRQ %s %u\n", t.src_name, total);
    if (irq_spurious_lapic || irq_spurious_pic)
        kprintf("test_irq: spurious interrupts: %u local APIC, %u 8259\n", irq_spurious_lapic,
                irq_spurious_pic);
    char buf[32], buf2[32], buf3[32];
    int have_rate = !timed_out && count >= 2 && khz && t_last > t_first;
    uint64_t mhz = 0;
    if (have_rate) {
        uint64_t mean = (uint64_t)((unsigned __int128)(count - 1) * khz * 1000000 /
                                   (t_last - t_first));
        uint64_t gap = median_gap(count < MAX_STAMPS ? (unsigned)count : MAX_STAMPS);
        mhz = gap ? khz * 1000000 / gap : 0; /* milli-Hz */
        kprintf("test_irq: rate %s Hz from the median interval, %s Hz on average "
                "(programmed %u)\n", irqt_fmt_mhz(buf, sizeof(buf), mhz),
                irqt_fmt_mhz(buf3, sizeof(buf3), mean), t.rate);
    } else {
        kprintf("test_irq: rate unknown Hz (programmed %u)\n", t.rate);
    }
    if ((uint64_t)t.rate * 1000 != t.rate_mhz)
        kprintf("test_irq: the device's nearest rate is %s Hz\n",
                irqt_fmt_mhz(buf2, sizeof(buf2), t.rate_mhz));
    if (khz && total)
        kprintf("test_irq: first interrupt %lu us after the start, stop after %lu us\n",
                (t_first - t_start) * 1000 / khz, (t_stop - t_start) * 1000 / khz);

    if (timed_out)
        TEST_FAIL("irq.count", "%u of %lu interrupts in %lu ms (%u in all)", before, count,
                  timeout_ms, total);
    else
        TEST_CHECK("irq.count", total - count <= MAX_EXTRA,
                   "%lu before the stop, then %lu more in %lu us (at most %u expected)", count,
                   total - count, settle_us, MAX_EXTRA);
    if (!khz)
        TEST_SKIP("irq.rate", "no TSC frequency (CPUID has none and no HPET or PIT answered)");
    else if (count < 2)
        TEST_SKIP("irq.rate", "count=%lu: a rate needs two interrupts", count);
    else if (timed_out || !have_rate)
        TEST_FAIL("irq.rate", "no rate: the interrupts did not all arrive");
    else {
        uint64_t p = t.rate_mhz;
        uint64_t diff = mhz > p ? mhz - p : p - mhz;
        TEST_CHECK("irq.rate", diff * 100 <= p * 15, "%s Hz measured, %s Hz programmed (+-15%%)",
                   buf, irqt_fmt_mhz(buf2, sizeof(buf2), p));
    }
    TEST_DONE();
}
