/* test_timer: the virtual timer (PPI 27) through the GIC, `count=` (50)
 * interrupts at `rate=` Hz (200), each re-armed in the handler:
 * `KQVM-IRQ timer <n>`, timer.count, timer.intid. */
#include "kit.h"

static volatile unsigned ticks, bad_intid;
static unsigned want;
static uint64_t period;

static void on_timer(unsigned intid)
{
    if (intid != VTIMER_INTID)
        bad_intid = intid;
    if (++ticks < want)
        vtimer_arm(period);
    else
        vtimer_stop();
}

void kmain(void)
{
    want = (unsigned)arg_u64("count", 50);
    uint64_t rate = arg_u64("rate", 200);
    if (!gic_init()) {
        TEST_FAIL("timer.gic", "no GIC in the device tree");
        return;
    }
    kprintf("test_timer: GICv%u, timer %lu Hz, %u interrupts at %lu Hz\n", gic_version,
            timer_freq(), want, rate);
    period = timer_freq() / rate;
    irq_install(VTIMER_INTID, on_timer);
    gic_enable(VTIMER_INTID, true);
    irq_enable();
    vtimer_arm(period);
    uint64_t end = timer_now() + (want / rate + 20) * timer_freq();
    while (ticks < want && timer_now() < end)
        ;
    delay_us(20000); /* stragglers */
    irq_disable();
    kprintf("KQVM-IRQ timer %u\n", ticks);
    TEST_CHECK("timer.count", ticks == want, "%u interrupts, expected %u", ticks, want);
    TEST_CHECK("timer.intid", !bad_intid && irq_last == VTIMER_INTID, "INTID %u", bad_intid);
}
