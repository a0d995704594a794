/* test_irq_mask: a masked pin delivers nothing. A periodic source (the
 * words of kit/irqtest.h: src=pit|hpet|rtc, default pit, pin=, rate=, ...)
 * runs while its I/O APIC redirection entry (via=ioapic) or its 8259 mask
 * bit (via=pic, OCW1) is masked, then unmasked, then masked again:
 *
 *   via=ioapic|pic|both   which paths, one after the other (default ioapic;
 *                         both: the I/O APIC, then the 8259, which is how a
 *                         PC's ISA IRQ reaches both controllers)
 *   masked_ms=MS          how long a masked pin is watched (default the
 *                         longer of 10 ms and 5 periods)
 *   want=N                interrupts that must arrive once unmasked
 *                         (default 5)
 *
 * For each path P:
 *   KQVM-IRQ <src>_<P> <n>        handler runs on that path
 *   irq_mask.P.masked             none while masked (source running)
 *   irq_mask.P.unmasked           `want` arrive after the unmask
 *   irq_mask.P.remasked           none once masked again (after two
 *                                 periods for one already on its way)
 * Before the unmask the source is acknowledged (RTC register C, HPET
 * status), as a driver does: an RTC whose flag was never read holds its
 * line high and makes no new edge. */
#include "cmdline.h"
#include "io.h"
#include "irqtest.h"
#include "kit.h"
#include "kstring.h"
#include "test.h"
#include "tsc.h"

static struct irqt t;
static volatile unsigned n;

static void handler(void *arg, struct idt_frame *f)
{
    (void)arg;
    (void)f;
    n++;
    irqt_ack(&t);
}

static void phase(const struct kqvm_boot_info *bi, enum irqt_via via)
{
    if (irqt_init(&t, bi, "irq_mask", IRQT_PIT, via) != 0)
        return;
    irqt_calibrate(&t, bi);
    irqt_describe(&t, "test_irq_mask");
    char name[48];
    const char *p = t.via_name;
    uint64_t period_us = 1000000 / t.rate;
    uint64_t masked_us = 5 * period_us > 10000 ? 5 * period_us : 10000;
    uint64_t x, want = 5;
    if (cmdline_u64(bi, "masked_ms", &x))
        masked_us = x * 1000;
    cmdline_u64(bi, "want", &want);
    uint64_t inflight_us = 2 * period_us > 2000 ? 2 * period_us : 2000;

    n = 0;
    cli();
    if (irqt_route(&t, handler, NULL) != 0)
        return;
    if (irqt_start(&t) != 0) {
        ksnprintf(name, sizeof(name), "irq_mask.%s.setup", p);
        TEST_FAIL(name, "the source did not start");
        return;
    }
    sti();
    irqt_sleep_us(&t, masked_us);
    unsigned c0 = n;

    cli();
    irqt_ack(&t);
    irqt_unmask(&t);
    sti();
    uint64_t timeout_us = (want + 50) * period_us + 200000;
    int arrived = irqt_wait_count(&t, &n, c0 + (unsigned)want, tsc_deadline_us(timeout_us));
    unsigned c_unmasked = n - c0;

    irqt_mask(&t);
    irqt_sleep_us(&t, inflight_us);
    unsigned c1 = n;
    irqt_sleep_us(&t, masked_us);
    unsigned c2 = n;

    cli();
    irqt_stop(&t);
    sti();
    irqt_sleep_us(&t, 1000);
    cli();

    kprintf("KQVM-IRQ %s_%s %u\n", t.src_name, p, n);
    ksnprintf(name, sizeof(name), "irq_mask.%s.masked", p);
    TEST_CHECK(name, c0 == 0, "%u interrupts in %lu us with the pin masked", c0, masked_us);
    ksnprintf(name, sizeof(name), "irq_mask.%s.unmasked", p);
    TEST_CHECK(name, arrived, "%u of %lu interrupts in %lu us after the unmask", c_unmasked, want,
               timeout_us);
    ksnprintf(name, sizeof(name), "irq_mask.%s.remasked", p);
    TEST_CHECK(name, c2 == c1, "%u interrupts in %lu us after masking again", c2 - c1, masked_us);
}

void kmain(const struct kqvm_boot_info *bi)
{
    kprintf("test_irq_mask: cmdline '%s'\n", kqvm_cmdline(bi));
    size_t len;
    const char *v = cmdline_get(bi, "via", &len);
    int both = v && len == 4 && strncmp(v, "both", 4) == 0;
    if (both) {
        phase(bi, IRQT_IOAPIC);
        phase(bi, IRQT_PIC);
    } else {
        phase(bi, -1);
    }
    TEST_DONE();
}
