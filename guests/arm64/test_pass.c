/* test_pass (arm64): a guest driver for tests/pass/passmodel.c, the host-side
 * device model kqvm passes through: its registers are a file mapped into the
 * guest (`pass loc mem:0xd0000000,0x1800,rw=file:...`: the first page a
 * memory slot, the half page after it trapped and forwarded by kqvm), its
 * interrupt an eventfd (`pass intr gic:N=eventfd:10`). The protocol's shared
 * half is tests/pass/passdriver.h (the x86 driver is guests/test_pass.c).
 *
 * The device comes from the device tree: the "kqvm,pass" node's reg and its
 * SPI, whose trigger type the guest programs into the GIC, as a driver would.
 * Command line (numbers): test=0 basic, 1 latency, 2 crash; rounds=N (50); intid=N
 * and flags=F (what the node must say: the INTID, and 4 level-high or 1
 * edge-rising); edge=1 programs the SPI edge-triggered whatever the node
 * says (kqvm must then not wait for an EOI, which kqvm's GIC reports for
 * level SPIs only).
 *
 *   basic    pass.fdt, pass.id, then tests/pass/passdriver.h's basic:
 *            pass.basic, pass.trap, KQVM-PASS traps <n>.
 *   crash    passdriver.h's: a reset while a forwarded interrupt is in
 *            flight. pass.crash.clean, pass.crash.fires.
 *   latency  for `make bench` (passdriver.h), timed with the virtual
 *            counter: bench_pass: rounds N late_us p50 A p99 B max C.
 * After each: KQVM-IRQ pass <n>, the interrupts the handler took.
 *
 * Waits are WFI with IRQs masked (WFI wakes on a pending interrupt; the
 * handler runs when they are unmasked after it), with the virtual timer
 * armed at the deadline so that a lost interrupt ends in a failure, not a
 * hang. */
#include "kit.h"

#include "../../tests/pass/passmodel.h"

static inline uint32_t pd_read(unsigned off)
{
    return mmio_read32(PASSMODEL_BASE + off);
}

static inline void pd_write(unsigned off, uint32_t v)
{
    mmio_write32(PASSMODEL_BASE + off, v);
}

static inline uint64_t pd_now(void)
{
    return timer_now();
}

static inline uint64_t pd_deadline_us(uint64_t us)
{
    return timer_now() + us * timer_freq() / 1000000;
}

#include "../../tests/pass/passdriver.h"

#define IRQ_TYPE_LEVEL_HIGH 4 /* the device tree's; edge-rising is 1 */

static volatile unsigned timeouts;

static void on_pass(unsigned intid)
{
    (void)intid;
    pd_on_interrupt();
}

static void pd_reset(void)
{
    psci_system_reset();
}

static void on_deadline(unsigned intid)
{
    (void)intid;
    timeouts++;
    vtimer_stop(); /* lowers the timer's output */
}

static bool pd_wait(unsigned irqs, uint32_t seq, uint64_t timeout_us)
{
    uint64_t end = pd_deadline_us(timeout_us);
    vtimer_arm(end - timer_now());
    bool ok;
    for (;;) {
        ok = pd_irqs >= irqs && (!seq || pd_seen_done == seq);
        if (ok || timer_now() >= end)
            break;
        wfi();
        irq_enable(); /* the pending interrupt is taken here */
        irq_disable();
    }
    vtimer_stop();
    return ok;
}

static uint32_t be32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The model's node: its INTID and trigger flags; false when the node or
 * its SPI is missing or not where the model is. */
static bool find_device(unsigned *intid, unsigned *flags)
{
    int n = fdt_find_compatible("kqvm,pass", 0);
    uint32_t len = 0;
    const uint8_t *irq = n >= 0 ? fdt_prop(n, "interrupts", &len) : NULL;
    if (n < 0 || fdt_reg(n, 0) != PASSMODEL_BASE || !irq || len != 12 || be32(irq) != 0) {
        TEST_FAIL("pass.fdt", "no kqvm,pass node at 0x%x with an SPI (node %d, reg 0x%lx)",
                  PASSMODEL_BASE, n, n >= 0 ? fdt_reg(n, 0) : 0);
        return false;
    }
    *intid = 32 + be32(irq + 4);
    *flags = be32(irq + 8);
    return true;
}

void kmain(void)
{
    unsigned test = (unsigned)arg_u64("test", 0), rounds = (unsigned)arg_u64("rounds", 50);
    unsigned want_intid = (unsigned)arg_u64("intid", 0);
    unsigned want_flags = (unsigned)arg_u64("flags", IRQ_TYPE_LEVEL_HIGH);
    unsigned intid, flags;
    if (!find_device(&intid, &flags))
        return;
    TEST_CHECK("pass.fdt", intid == want_intid && flags == want_flags,
               "the node says INTID %u flags %u; expected %u and %u", intid, flags, want_intid,
               want_flags);
    if (pd_read(PM_ID) != PASSMODEL_ID) {
        TEST_FAIL("pass.id", "ID register 0x%x, expected 0x%x", pd_read(PM_ID), PASSMODEL_ID);
        return;
    }
    TEST_PASS("pass.id");
    if (!gic_init()) {
        TEST_FAIL("pass.gic", "no GIC in the device tree");
        return;
    }
    bool level = flags == IRQ_TYPE_LEVEL_HIGH && !arg_u64("edge", 0);
    kprintf("test_pass: GICv%u, INTID %u %s-triggered\n", gic_version, intid,
            level ? "level" : "edge");
    irq_install(intid, on_pass);
    irq_install(VTIMER_INTID, on_deadline);
    gic_enable(intid, level);
    gic_enable(VTIMER_INTID, true);
    if (test == 1)
        pd_bench_latency(rounds, timer_freq() / 1000);
    else if (test == 2)
        pd_test_crash();
    else
        pd_test_basic(rounds);
    gic_disable(intid);
    kprintf("KQVM-IRQ pass %u\n", pd_irqs);
    if (timeouts)
        kprintf("test_pass: %u wait(s) ended by the deadline timer\n", timeouts);
}
