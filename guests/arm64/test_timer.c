/* test_timer: the virtual timer (PPI 27) through the GIC, `count=` (50)
 * interrupts at `rate=` Hz (200), each re-armed in the handler:
 * `KQVM-IRQ timer <n>`, timer.count, timer.intid.
 *
 * With `shots=N` (for `make bench`), N one-shots instead: the timer armed
 * `delay_us=` (500) ahead, the guest waiting in WFI; the handler reads the
 * counter. How late it ran after the compare value is the interrupt's
 * delivery through the GIC (and the wake from WFI):
 * bench_timer: shots N late_us p50 A p99 B max C. */
#include "kit.h"

#include "../latency.h"

#define MAX_SHOTS 4096

static volatile unsigned ticks, bad_intid;
static unsigned want;
static uint64_t period;
static volatile bool oneshot;
static volatile uint64_t late_ticks;

static void on_timer(unsigned intid)
{
    if (intid != VTIMER_INTID)
        bad_intid = intid;
    if (oneshot) {
        late_ticks = timer_now() - read_sysreg(cntv_cval_el0);
        vtimer_stop();
        ticks++;
        return;
    }
    if (++ticks < want)
        vtimer_arm(period);
    else
        vtimer_stop();
}

static void bench(unsigned shots, uint64_t delay_us)
{
    static uint64_t late[MAX_SHOTS];
    if (shots > MAX_SHOTS) {
        TEST_FAIL("timer.bench", "shots=%u: at most %u", shots, MAX_SHOTS);
        return;
    }
    oneshot = true;
    uint64_t delay = delay_us * timer_freq() / 1000000;
    for (unsigned i = 0; i < shots; i++) {
        unsigned want_ticks = ticks + 1;
        vtimer_arm(delay);
        uint64_t end = timer_now() + 5 * timer_freq();
        while (ticks < want_ticks && timer_now() < end) {
            wfi(); /* IRQs masked: wakes with the interrupt pending */
            irq_enable();
            irq_disable();
        }
        if (ticks < want_ticks) {
            TEST_FAIL("timer.bench", "shot %u: no interrupt in 5 s", i);
            return;
        }
        late[i] = late_ticks;
    }
    latency_report("bench_timer", "shots", late, shots, timer_freq() / 1000);
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
    unsigned shots = (unsigned)arg_u64("shots", 0);
    if (shots) {
        bench(shots, arg_u64("delay_us", 500));
        return;
    }
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
