/* test_pass: a guest driver for tests/pass/passmodel.c, a host-side device
 * model that kqvm passes through: its registers are a file mapped into the
 * guest (`pass loc mem:0xd0000000,0x1800,rw=file:...`: the first page is a
 * memory slot, the half page after it is trapped and forwarded by kqvm), and
 * its interrupt is an eventfd (`pass intr ioa0:PIN=eventfd:10`).
 *
 * Command line: test=basic|storm|crash, pin=N (I/O APIC pin, default 10),
 * trigger=level|edge (how the guest programs the pin, default level),
 * rounds=N (basic, default 50), storm_ms=N (storm, default 1500).
 *
 *   basic   rounds commands, each answered by the model's interrupt; the
 *           slot page and the trapped half page (tests/pass/passdriver.h).
 *           PASS pass.id, pass.basic, pass.trap; KQVM-PASS traps <n>.
 *   storm   asks the model to raise interrupts without pause for storm_ms
 *           while the guest computes; the computation must finish and the
 *           handler run. KQVM-PASS storm irqs <n> work <units>.
 *           PASS pass.storm.progress, pass.storm.irqs.
 *   crash   a reset while a forwarded interrupt is in flight
 *           (passdriver.h). PASS pass.crash.clean, pass.crash.fires.
 *   edu     QEMU's edu PCI device (its BAR0 passed through at the same
 *           address, its INTx through UIO): identification and liveness
 *           registers, then rounds factorials, each ending with the device's
 *           interrupt, which the handler acknowledges at the device before
 *           the EOI. PASS pass.edu.id, pass.edu.live, pass.edu.irq.
 *   io      the host's CMOS NVRAM through passed-through ports 0x70-0x71:
 *           byte 0x38 written and read back twice, last 0x5a (the test's
 *           wrapper reads it on the host afterwards). PASS pass.io.
 *   latency for `make bench` (passdriver.h), timed with the TSC; tsc_khz=K
 *           gives its frequency. bench_pass: rounds N late_us p50 A p99 B max C
 *
 * The shared half of the driver is tests/pass/passdriver.h (the arm64 one is
 * guests/arm64/test_pass.c). */
#include "acpi.h"
#include "cmdline.h"
#include "io.h"
#include "ioapic.h"
#include "irq.h"
#include "kit.h"
#include "kstring.h"
#include "lapic.h"
#include "power.h"
#include "test.h"
#include "tsc.h"

#include "../tests/pass/passmodel.h"

#define VECTOR 0x50
#define TICK_VECTOR 0xef
#define SPURIOUS_VECTOR 0xff

static volatile uint32_t *const regs = (volatile uint32_t *)(uintptr_t)PASSMODEL_BASE;
static struct ioapic io;
static unsigned pin = 10;
static volatile int edu_mode;

/* QEMU's edu device (docs/specs/edu.rst in QEMU) */
#define EDU_ID 0x00
#define EDU_LIVE 0x04
#define EDU_FACT 0x08
#define EDU_STATUS 0x20
#define EDU_STATUS_IRQ_FACT 0x80
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_ACK 0x64
#define EDU_ID_VALUE 0x010000ed /* version 1.0 */

static uint32_t reg(unsigned off)
{
    return regs[off / 4];
}

static void set_reg(unsigned off, uint32_t v)
{
    regs[off / 4] = v;
}

#define pd_read reg
#define pd_write set_reg
#define pd_now rdtsc
#define pd_deadline_us tsc_deadline_us
#include "../tests/pass/passdriver.h"

static void handler(void *arg, struct idt_frame *f)
{
    (void)arg;
    (void)f;
    if (edu_mode) { /* level-triggered: quiet the device before the EOI */
        pd_irqs++;
        set_reg(EDU_IRQ_ACK, reg(EDU_IRQ_STATUS));
        return;
    }
    pd_on_interrupt();
}

static void pd_reset(void)
{
    power_reset();
}

/* Sleep (interrupts on) until cond() or the deadline; returns cond(). */
static int wait_for(int (*cond)(void), uint64_t deadline)
{
    while (!cond() && rdtsc() < deadline) {
        __asm__ volatile("sti; hlt; cli"); /* the tick wakes us */
    }
    return cond();
}

static uint32_t wanted_seq;
static unsigned wanted_irqs;

static int command_done(void)
{
    return pd_irqs >= wanted_irqs && pd_seen_done == wanted_seq;
}

static int irqs_reached(void)
{
    return pd_irqs >= wanted_irqs;
}

static bool pd_wait(unsigned irqs, uint32_t seq, uint64_t timeout_us)
{
    wanted_irqs = irqs;
    wanted_seq = seq;
    return wait_for(seq ? command_done : irqs_reached, tsc_deadline_us(timeout_us));
}

static void setup(const struct kqvm_boot_info *bi, int level)
{
    struct acpi_madt_info madt;
    if (acpi_init(bi) != 0 || acpi_parse_madt(&madt) != 0 || !madt.nioapics) {
        TEST_FAIL("pass.setup", "no MADT with an I/O APIC: %s", acpi_error());
        TEST_DONE();
    }
    if (madt.lapic_address)
        lapic_set_base(madt.lapic_address);
    lapic_enable(SPURIOUS_VECTOR, 0);
    irq_install_spurious(SPURIOUS_VECTOR);
    irq_install_lapic(TICK_VECTOR, NULL, NULL);
    lapic_timer_start(TICK_VECTOR, 200000, 1); /* wakes the waits */
    ioapic_init(&io, madt.ioapics[0].address, madt.ioapics[0].gsi_base);
    irq_install_lapic(VECTOR, handler, NULL);
    ioapic_set_rte(&io, pin, ioapic_rte(VECTOR, level, 0, 0, lapic_id()));
}

static volatile uint64_t work_sink;

static void test_storm(uint64_t storm_ms)
{
    wanted_irqs = pd_irqs + 1;
    wanted_seq = pd_command(PM_OP_STORM, (uint32_t)storm_ms);
    /* compute while the storm lasts: the guest must make progress */
    uint64_t units = 0, x = 1;
    uint64_t deadline = tsc_deadline_us((storm_ms + 10000) * 1000);
    __asm__ volatile("sti");
    while (pd_seen_done != wanted_seq && rdtsc() < deadline) {
        for (unsigned i = 0; i < 10000; i++)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
        units++;
    }
    __asm__ volatile("cli");
    work_sink = x;
    kprintf("KQVM-PASS storm irqs %u work %lu\n", pd_irqs, units);
    TEST_CHECK("pass.storm.progress", pd_seen_done == wanted_seq && units > 0,
               "the storm did not end within %lu ms of its %lu ms (work %lu)", storm_ms + 10000,
               storm_ms, units);
    TEST_CHECK("pass.storm.irqs", pd_irqs > 0, "no interrupt in the storm");
}

static void test_edu(uint64_t rounds)
{
    TEST_CHECK("pass.edu.id", (reg(EDU_ID) & 0xffff00ff) == EDU_ID_VALUE,
               "identification 0x%x", reg(EDU_ID));
    set_reg(EDU_LIVE, 0x12345678);
    TEST_CHECK("pass.edu.live", reg(EDU_LIVE) == ~0x12345678u, "liveness 0x%x", reg(EDU_LIVE));
    static const uint32_t fact[] = { 1, 1, 2, 6, 24, 120, 720, 5040, 40320, 362880 };
    unsigned good = 0;
    for (uint64_t i = 0; i < rounds; i++) {
        uint32_t n = (uint32_t)(i % 10);
        unsigned want = pd_irqs + 1;
        set_reg(EDU_STATUS, EDU_STATUS_IRQ_FACT);
        set_reg(EDU_FACT, n);
        if (!pd_wait(want, 0, 5000000)) {
            TEST_FAIL("pass.edu.irq", "round %lu: no interrupt in 5 s", i);
            return;
        }
        good += reg(EDU_FACT) == fact[n];
    }
    TEST_CHECK("pass.edu.irq", good == rounds, "%u of %lu factorials right", good, rounds);
}

static void test_io(void)
{
    static const uint8_t values[] = { 0xa5, 0x5a };
    unsigned good = 0;
    for (unsigned i = 0; i < 2; i++) {
        outb(0x70, 0x38);
        outb(0x71, values[i]);
        outb(0x70, 0x38);
        good += inb(0x71) == values[i];
    }
    TEST_CHECK("pass.io", good == 2, "%u of 2 values read back from the host's CMOS byte 0x38",
               good);
}

void kmain(const struct kqvm_boot_info *bi)
{
    static const char *const tests[] = { "basic", "storm", "crash", "edu", "io", "latency" };
    size_t len;
    const char *which = cmdline_get(bi, "test", &len);
    int t = -1;
    for (int i = 0; which && i < 6; i++)
        if (strlen(tests[i]) == len && !strncmp(which, tests[i], len))
            t = i;
    if (t < 0) {
        TEST_FAIL("pass.setup", "test=basic|storm|crash|edu|io|latency");
        TEST_DONE();
    }
    uint64_t x;
    if (cmdline_u64(bi, "pin", &x))
        pin = (unsigned)x;
    const char *trig = cmdline_get(bi, "trigger", &len);
    int level = !(trig && len == 4 && !strncmp(trig, "edge", 4));
    uint64_t rounds = 50;
    cmdline_u64(bi, "rounds", &rounds);
    if (t == 4) {
        test_io();
        TEST_DONE();
    }
    if (t == 3) {
        edu_mode = 1;
        setup(bi, level);
        test_edu(rounds);
        ioapic_mask(&io, pin);
        kprintf("KQVM-IRQ pass %u\n", pd_irqs);
        TEST_DONE();
    }
    if (reg(PM_ID) != PASSMODEL_ID) {
        TEST_FAIL("pass.id", "ID register 0x%x, expected 0x%x", reg(PM_ID), PASSMODEL_ID);
        TEST_DONE();
    }
    TEST_PASS("pass.id");
    setup(bi, level);
    if (t == 0) {
        pd_test_basic((unsigned)rounds);
    } else if (t == 5) {
        uint64_t khz = 0;
        cmdline_u64(bi, "tsc_khz", &khz);
        pd_bench_latency((unsigned)rounds, khz);
    } else if (t == 1) {
        uint64_t ms = 1500;
        cmdline_u64(bi, "storm_ms", &ms);
        test_storm(ms);
    } else {
        pd_test_crash();
    }
    ioapic_mask(&io, pin);
    kprintf("KQVM-IRQ pass %u\n", pd_irqs);
    TEST_DONE();
}
