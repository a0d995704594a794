/* test_irq_level: a level-triggered line stays asserted until the device is
 * acknowledged. An HPET timer in level mode (Tn_INT_TYPE_CNF), one-shot,
 * through an I/O APIC pin programmed level-triggered (the words of
 * kit/irqtest.h choose the timer, the pin, the polarity; src=hpet and
 * trigger=level are implied; via=pic does the same through the 8259 with
 * its ELCR bit set, without the Remote IRR check), plus:
 *
 *   delay_us=US        the one-shot's delay (default 1000)
 *   redeliver_us=US    how soon the second interrupt must follow the first
 *                      handler's EOI (default 2000)
 *   quiet_ms=MS        how long nothing may arrive at the end (default 20)
 *
 * 1. The first interrupt's handler leaves the HPET's status bit set and
 *    sends the EOI: the I/O APIC clears Remote IRR, sees the line still
 *    high, and delivers again at once.
 * 2. The second handler clears the status bit (the line drops) and sends
 *    the EOI: nothing more may arrive (the timer is one-shot, then stopped).
 *
 *   KQVM-IRQ hpet <n>            handler runs (2 when all is well)
 *   irq_level.remote_irr   the RTE shows Remote IRR set in the first handler
 *                          (a level interrupt accepted, no EOI yet) and clear
 *                          at the end
 *   irq_level.redeliver    a second interrupt within redeliver_us of the EOI
 *   irq_level.quiet        no third one within quiet_ms after the status bit
 *                          was cleared and the EOI sent */
#include "cmdline.h"
#include "hpet.h"
#include "io.h"
#include "irqtest.h"
#include "kit.h"
#include "test.h"
#include "tsc.h"

#define STORM_LIMIT 50

static struct irqt t;
static volatile unsigned n;
static volatile uint64_t tsc_at[4], eoi_at[4];
static volatile uint64_t rte_first, rte_second;
static volatile uint32_t status_first;
static volatile int storm;

static void handler(void *arg, struct idt_frame *f)
{
    (void)arg;
    (void)f;
    uint64_t now = rdtsc();
    unsigned k = ++n;
    if (k < 4)
        tsc_at[k] = now;
    if (k == 1) {
        if (t.via == IRQT_IOAPIC)
            rte_first = ioapic_get_rte(&t.io, t.pin);
        status_first = hpet_status(&t.hpet);
        /* no acknowledgement: the EOI that follows leaves the line high */
    } else {
        hpet_clear_status(&t.hpet, t.hpet_timer);
        if (k == 2 && t.via == IRQT_IOAPIC)
            rte_second = ioapic_get_rte(&t.io, t.pin);
        if (k >= STORM_LIMIT) { /* the line does not drop: stop the storm */
            irqt_mask(&t);
            storm = 1;
        }
    }
    if (k < 4)
        eoi_at[k] = rdtsc(); /* the EOI follows right after this handler */
}

void kmain(const struct kqvm_boot_info *bi)
{
    kprintf("test_irq_level: cmdline '%s'\n", kqvm_cmdline(bi));
    if (irqt_init(&t, bi, "irq_level", IRQT_HPET, -1) != 0)
        TEST_DONE();
    if (t.src != IRQT_HPET) {
        TEST_FAIL("irq_level.setup", "src=%s: this test needs the HPET (src=hpet)", t.src_name);
        TEST_DONE();
    }
    t.level = 1;
    t.hpet_periodic = 0;
    uint64_t delay = 1000, redeliver_us = 2000, quiet_ms = 20;
    cmdline_u64(bi, "delay_us", &delay);
    cmdline_u64(bi, "redeliver_us", &redeliver_us);
    cmdline_u64(bi, "quiet_ms", &quiet_ms);
    uint64_t khz = irqt_calibrate(&t, bi);
    kprintf("test_irq_level: TSC %lu kHz (%s)\n", khz ? khz : tsc_khz(),
            khz ? t.calib : "unknown: CPUID/fallback estimate");
    irqt_describe(&t, "test_irq_level");

    cli();
    if (irqt_route(&t, handler, NULL) != 0)
        TEST_DONE();
    irqt_unmask(&t);
    if (irqt_start_oneshot(&t, delay) != 0) {
        irqt_mask(&t);
        TEST_FAIL("irq_level.setup", "the HPET timer did not start");
        TEST_DONE();
    }
    sti();
    int first = irqt_wait_count(&t, &n, 1, tsc_deadline_us(delay + 1000000));
    if (!first) {
        irqt_stop(&t);
        irqt_mask(&t);
        cli();
        kprintf("KQVM-IRQ hpet %u\n", n);
        TEST_FAIL("irq_level.redeliver", "no first interrupt within 1 s (status 0x%x, RTE 0x%lx)",
                  hpet_status(&t.hpet), t.via == IRQT_IOAPIC ? ioapic_get_rte(&t.io, t.pin) : 0);
        TEST_SKIP("irq_level.quiet", "no first interrupt");
        TEST_DONE();
    }
    /* the second one comes at once; wait well past the limit to tell "late"
     * from "never" */
    int second = irqt_wait_count(&t, &n, 2, tsc_deadline_us(redeliver_us + 100000));
    uint64_t after_us = second ? (tsc_at[2] - eoi_at[1]) * 1000 / tsc_khz() : 0;
    if (!second) {
        /* then acknowledge by hand, as the second handler would have */
        cli();
        hpet_clear_status(&t.hpet, t.hpet_timer);
        sti();
    }
    uint64_t quiet_from = rdtsc();
    irqt_sleep_until(&t, quiet_from + quiet_ms * tsc_khz());
    unsigned at_quiet_end = n;
    irqt_stop(&t);
    irqt_sleep_us(&t, 1000);
    uint64_t rte_end = t.via == IRQT_IOAPIC ? ioapic_get_rte(&t.io, t.pin) : 0;
    uint32_t status_end = hpet_status(&t.hpet);
    irqt_mask(&t);
    irqt_sleep_us(&t, 1000);
    cli();

    kprintf("KQVM-IRQ hpet %u\n", n);
    kprintf("test_irq_level: first handler: status 0x%x, RTE 0x%lx; second: %s %lu us after the "
            "first EOI, RTE 0x%lx; at the end: status 0x%x, RTE 0x%lx\n",
            status_first, rte_first, second ? "arrived" : "missing", after_us, rte_second,
            status_end, rte_end);
    if (t.via == IRQT_IOAPIC)
        TEST_CHECK("irq_level.remote_irr",
                   (rte_first & IOAPIC_RTE_REMOTE_IRR) && !(rte_end & IOAPIC_RTE_REMOTE_IRR),
                   "Remote IRR in the first handler %d (expected 1), at the end %d (expected 0)",
                   !!(rte_first & IOAPIC_RTE_REMOTE_IRR), !!(rte_end & IOAPIC_RTE_REMOTE_IRR));
    if (!(status_first & (1u << t.hpet_timer)))
        kprintf("test_irq_level: note: the HPET's status bit %u was clear in the first handler\n",
                t.hpet_timer);
    if (!second)
        TEST_FAIL("irq_level.redeliver",
                  "no second interrupt within %lu us of the EOI with the status bit still set",
                  redeliver_us + 100000);
    else
        TEST_CHECK("irq_level.redeliver", after_us <= redeliver_us,
                   "the second interrupt came %lu us after the EOI (limit %lu us)", after_us,
                   redeliver_us);
    unsigned expect = second ? 2 : 1;
    if (storm)
        TEST_FAIL("irq_level.quiet", "%u interrupts: clearing the status bit did not drop the line",
                  n);
    else
        TEST_CHECK("irq_level.quiet", at_quiet_end == expect && n == expect,
                   "%u interrupts after the status bit was cleared and the EOI sent (%lu ms), "
                   "%u in all",
                   at_quiet_end - expect, quiet_ms, n);
    TEST_DONE();
}
