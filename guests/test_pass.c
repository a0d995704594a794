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
 *   basic   rounds commands: each makes the model compute and interrupt;
 *           the handler sees the result. Then 512 words through the slot
 *           page (the model checks them at the end) and a value through the
 *           trapped half page (the model echoes it, inverted).
 *           PASS pass.id, pass.basic, pass.trap; KQVM-PASS traps <n> (the
 *           trapped accesses the guest made, to compare with exit-stats).
 *   storm   asks the model to raise interrupts without pause for storm_ms
 *           while the guest computes; the computation must finish and the
 *           handler run. KQVM-PASS storm irqs <n> work <units>.
 *           PASS pass.storm.progress, pass.storm.irqs.
 *   crash   boot 1 takes an interrupt and, in its handler, before the EOI,
 *           asks the model for another and resets the machine: a source
 *           masked in flight with one more pending. Boot 2 (kqvm restarted
 *           the VM) must see nothing stale in 200 ms, then exactly the
 *           interrupt it asks for. PASS pass.crash.clean, pass.crash.fires.
 *   edu     QEMU's edu PCI device (its BAR0 passed through at the same
 *           address, its INTx through UIO): identification and liveness
 *           registers, then rounds factorials, each ending with the device's
 *           interrupt, which the handler acknowledges at the device before
 *           the EOI. PASS pass.edu.id, pass.edu.live, pass.edu.irq.
 *   io      the host's CMOS NVRAM through passed-through ports 0x70-0x71:
 *           byte 0x38 written and read back twice, last 0x5a (the test's
 *           wrapper reads it on the host afterwards). PASS pass.io.
 *   latency for `make bench`: rounds times, the guest asks the model for one
 *           interrupt (a register write, no exit) and sleeps; the handler
 *           reads the TSC. tsc_khz=K gives the TSC's frequency.
 *           bench_pass: rounds N late_us p50 A p99 B max C */
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
static volatile unsigned irqs;
static volatile uint32_t seen_done;
static volatile int reset_in_handler;
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

/* Ask the model for op(arg); returns the command's sequence number. */
static uint32_t command(uint32_t op, uint32_t arg)
{
    uint32_t seq = reg(PM_CMD_SEQ) + 1;
    set_reg(PM_OP, op);
    set_reg(PM_ARG, arg);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    set_reg(PM_CMD_SEQ, seq); /* the model polls this */
    return seq;
}

static volatile uint64_t handled_at;

static void handler(void *arg, struct idt_frame *f)
{
    (void)arg;
    (void)f;
    handled_at = rdtsc();
    irqs++;
    if (edu_mode) { /* level-triggered: quiet the device before the EOI */
        set_reg(EDU_IRQ_ACK, reg(EDU_IRQ_STATUS));
        return;
    }
    seen_done = reg(PM_DONE_SEQ);
    if (reset_in_handler) {
        command(PM_OP_FIRE, 0); /* one more, while this one is not ended */
        while (reg(PM_DONE_SEQ) != reg(PM_CMD_SEQ))
            ; /* the model took it */
        power_reset();
    }
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
    return irqs >= wanted_irqs && seen_done == wanted_seq;
}

static int irqs_reached(void)
{
    return irqs >= wanted_irqs;
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

static void test_basic(uint64_t rounds)
{
    unsigned good = 0;
    for (uint64_t i = 0; i < rounds; i++) {
        uint32_t arg = (uint32_t)(i * 7919 + 13);
        wanted_irqs = irqs + 1;
        wanted_seq = command(PM_OP_COMPUTE, arg);
        if (!wait_for(command_done, tsc_deadline_us(5000000))) {
            TEST_FAIL("pass.basic", "round %lu: no interrupt for command %u in 5 s (irqs %u, "
                      "done %u)", i, wanted_seq, irqs, reg(PM_DONE_SEQ));
            return;
        }
        good += reg(PM_RESULT) == arg * 3 + 1;
    }
    TEST_CHECK("pass.basic", good == rounds, "%u of %lu results right", good, rounds);

    /* the slot page: plain memory, no exits */
    for (unsigned i = 0; i < PM_SLOT_WORDS; i++)
        set_reg(PM_SLOT + 4 * i, PM_SLOT_PATTERN(i));
    /* the trapped half page: each access exits; the model echoes */
    unsigned traps = 0;
    uint32_t v = 0x5a5aa5a5;
    set_reg(PM_TRAP_IN, v);
    traps++;
    uint64_t deadline = tsc_deadline_us(5000000);
    uint32_t out;
    do {
        out = reg(PM_TRAP_OUT);
        traps++;
    } while (out != ~v && rdtsc() < deadline);
    TEST_CHECK("pass.trap", out == ~v, "wrote 0x%x through the trapped page, read back 0x%x "
               "(expected 0x%x)", v, out, ~v);
    kprintf("KQVM-PASS traps %u\n", traps);
}

static volatile uint64_t work_sink;

static void test_storm(uint64_t storm_ms)
{
    wanted_irqs = irqs + 1;
    wanted_seq = command(PM_OP_STORM, (uint32_t)storm_ms);
    /* compute while the storm lasts: the guest must make progress */
    uint64_t units = 0, x = 1;
    uint64_t deadline = tsc_deadline_us((storm_ms + 10000) * 1000);
    __asm__ volatile("sti");
    while (seen_done != wanted_seq && rdtsc() < deadline) {
        for (unsigned i = 0; i < 10000; i++)
            x = x * 6364136223846793005ull + 1442695040888963407ull;
        units++;
    }
    __asm__ volatile("cli");
    work_sink = x;
    kprintf("KQVM-PASS storm irqs %u work %lu\n", irqs, units);
    TEST_CHECK("pass.storm.progress", seen_done == wanted_seq && units > 0,
               "the storm did not end within %lu ms of its %lu ms (work %lu)", storm_ms + 10000,
               storm_ms, units);
    TEST_CHECK("pass.storm.irqs", irqs > 0, "no interrupt in the storm");
}

static void test_crash(void)
{
    uint32_t boots = reg(PM_BOOTS) + 1;
    set_reg(PM_BOOTS, boots);
    kprintf("test_pass: boot %u\n", boots);
    if (boots == 1) {
        reset_in_handler = 1;
        wanted_irqs = 1;
        command(PM_OP_FIRE, 0);
        wait_for(irqs_reached, tsc_deadline_us(5000000));
        TEST_FAIL("pass.crash", "boot 1: no interrupt in 5 s, or the reset did nothing");
        TEST_DONE();
    }
    /* boot 2: nothing from before the reset */
    wanted_irqs = 1;
    wait_for(irqs_reached, tsc_deadline_us(200000));
    TEST_CHECK("pass.crash.clean", irqs == 0, "%u stale interrupt(s) after the restart", irqs);
    wanted_irqs = irqs + 1;
    wanted_seq = command(PM_OP_FIRE, 0);
    int ok = wait_for(command_done, tsc_deadline_us(5000000));
    TEST_CHECK("pass.crash.fires", ok, "the source stayed masked after the restart (irqs %u)",
               irqs);
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
        wanted_irqs = irqs + 1;
        set_reg(EDU_STATUS, EDU_STATUS_IRQ_FACT);
        set_reg(EDU_FACT, n);
        if (!wait_for(irqs_reached, tsc_deadline_us(5000000))) {
            TEST_FAIL("pass.edu.irq", "round %lu: no interrupt in 5 s", i);
            return;
        }
        good += reg(EDU_FACT) == fact[n];
    }
    TEST_CHECK("pass.edu.irq", good == rounds, "%u of %lu factorials right", good, rounds);
}

static void sort_u64(uint64_t *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) {
        uint64_t x = v[i];
        unsigned j = i;
        for (; j && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static void bench_latency(uint64_t rounds, uint64_t khz)
{
    static uint64_t late[4096];
    if (rounds > 4096 || !khz) {
        TEST_FAIL("pass.latency", "rounds=%lu (at most 4096) and tsc_khz= are needed", rounds);
        return;
    }
    for (uint64_t i = 0; i < rounds; i++) {
        wanted_irqs = irqs + 1;
        uint64_t t0 = rdtsc();
        command(PM_OP_FIRE, 0);
        if (!wait_for(irqs_reached, tsc_deadline_us(5000000))) {
            TEST_FAIL("pass.latency", "round %lu: no interrupt in 5 s", i);
            return;
        }
        late[i] = handled_at - t0;
    }
    sort_u64(late, (unsigned)rounds);
    kprintf("bench_pass: rounds %lu late_us p50 %lu p99 %lu max %lu\n", rounds,
            late[rounds / 2] * 1000 / khz, late[rounds * 99 / 100] * 1000 / khz,
            late[rounds - 1] * 1000 / khz);
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
        kprintf("KQVM-IRQ pass %u\n", irqs);
        TEST_DONE();
    }
    if (reg(PM_ID) != PASSMODEL_ID) {
        TEST_FAIL("pass.id", "ID register 0x%x, expected 0x%x", reg(PM_ID), PASSMODEL_ID);
        TEST_DONE();
    }
    TEST_PASS("pass.id");
    setup(bi, level);
    if (t == 0) {
        test_basic(rounds);
    } else if (t == 5) {
        uint64_t khz = 0;
        cmdline_u64(bi, "tsc_khz", &khz);
        bench_latency(rounds, khz);
    } else if (t == 1) {
        uint64_t ms = 1500;
        cmdline_u64(bi, "storm_ms", &ms);
        test_storm(ms);
    } else {
        test_crash();
    }
    ioapic_mask(&io, pin);
    kprintf("KQVM-IRQ pass %u\n", irqs);
    TEST_DONE();
}
