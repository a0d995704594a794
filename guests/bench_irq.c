/* bench_irq: interrupt delivery for `make bench`, from the PIT's counter 0
 * through I/O APIC pin 0 (from the MADT) to a handler that reads the TSC.
 *
 * Rate: counter 0 in mode 2 at rate=HZ for count=N interrupts. The guest
 * compares the interrupts it took with the ticks the PIT made in that time
 * (the TSC span over the period): ticks the VMM merged or dropped are lost.
 *
 *   bench_irq: rate N programmed R Hz delivered D Hz lost L
 *
 * Latency: shots=M one-shots (mode 0) of delay_us=US each; each handler's
 * TSC against the moment the count's last byte was written plus the delay.
 * This is "the guest asked for an interrupt at T, its handler ran at T+x":
 * it includes the VMM's timer, the delivery and the wake from HLT.
 *
 *   bench_irq: oneshot M delay D us late_us p50 A p99 B max C
 *
 * tsc_khz=K gives the TSC frequency (the baseline reads it from KVM); without
 * it the kit calibrates. Runs the same under kqvm and bench/rawkvm.c. */
#include "cmdline.h"
#include "io.h"
#include "irqtest.h"
#include "kit.h"
#include "pit.h"
#include "test.h"
#include "tsc.h"

#include "latency.h"

#define MAX_SAMPLES 8192

static struct irqt t;
static volatile unsigned n;
static uint64_t stamp[MAX_SAMPLES];
static uint64_t limit; /* the handler stops the PIT at this many interrupts */

static void handler(void *arg, struct idt_frame *f)
{
    (void)arg;
    (void)f;
    unsigned k = n;
    if (k < MAX_SAMPLES)
        stamp[k] = rdtsc();
    n = k + 1;
    if (k + 1 == limit)
        irqt_stop(&t);
}

static uint64_t arg(const struct kqvm_boot_info *bi, const char *key, uint64_t dflt, uint64_t lo,
                    uint64_t hi)
{
    uint64_t v = dflt;
    cmdline_u64(bi, key, &v);
    if (v < lo || v > hi) {
        TEST_FAIL("bench_irq.setup", "%s=%lu is out of range (%lu-%lu)", key, v, lo, hi);
        TEST_DONE();
    }
    return v;
}

static void fail(const char *what, unsigned got, uint64_t want)
{
    irqt_mask(&t);
    irqt_stop(&t);
    TEST_FAIL("bench_irq.count", "%s: %u of %lu interrupts before the deadline", what, got, want);
    TEST_DONE();
}

static void bench_rate(uint64_t khz, uint64_t count)
{
    n = 0;
    limit = count;
    if (irqt_start(&t) != 0)
        TEST_DONE();
    if (!irqt_wait_count(&t, &n, (unsigned)count, tsc_deadline_us(count * 3000000 / t.rate + 5000000)))
        fail("rate", n, count);
    uint64_t span = stamp[count - 1] - stamp[0];
    uint64_t period = khz * 1000000 / t.rate_mhz; /* TSC ticks (rate_mhz: milli-Hz) */
    uint64_t ticks = (span + period / 2) / period;
    uint64_t delivered = (uint64_t)((unsigned __int128)(count - 1) * khz * 1000000 / span);
    char prog[32], got[32];
    kprintf("bench_irq: rate %lu programmed %s Hz delivered %s Hz lost %lu\n", count,
            irqt_fmt_mhz(prog, sizeof(prog), t.rate_mhz),
            irqt_fmt_mhz(got, sizeof(got), delivered), ticks > count - 1 ? ticks - (count - 1) : 0);
}

static void bench_oneshot(uint64_t khz, uint64_t shots, uint64_t delay_us)
{
    static uint64_t late[MAX_SAMPLES];
    uint32_t clocks = (uint32_t)(delay_us * PIT_HZ / 1000000);
    uint64_t delay_tsc = (uint64_t)clocks * khz * 1000 / PIT_HZ;
    n = 0;
    limit = 0; /* mode 0 stops by itself */
    for (unsigned k = 0; k < shots; k++) {
        cli();
        outb(PIT_CMD, 0x30); /* counter 0, lobyte/hibyte, mode 0 */
        outb(PIT_CH0, (uint8_t)clocks);
        uint64_t start = rdtsc(); /* the count starts with its high byte */
        outb(PIT_CH0, (uint8_t)(clocks >> 8));
        if (!irqt_wait_count(&t, &n, k + 1, tsc_deadline_us(delay_us + 2000000)))
            fail("oneshot", n, shots);
        uint64_t due = start + delay_tsc;
        late[k] = stamp[k] > due ? stamp[k] - due : 0;
    }
    sort_u64(late, (unsigned)shots);
    kprintf("bench_irq: oneshot %lu delay %lu us late_us p50 %lu p99 %lu max %lu\n", shots,
            delay_us, late[shots / 2] * 1000 / khz, late[shots * 99 / 100] * 1000 / khz,
            late[shots - 1] * 1000 / khz);
}

void kmain(const struct kqvm_boot_info *bi)
{
    uint64_t count = arg(bi, "count", 2000, 2, MAX_SAMPLES);
    uint64_t shots = arg(bi, "shots", 500, 1, MAX_SAMPLES);
    uint64_t delay_us = arg(bi, "delay_us", 500, 10, 50000);
    if (irqt_init(&t, bi, "bench_irq", IRQT_PIT, IRQT_IOAPIC) != 0)
        TEST_DONE();
    uint64_t khz = 0;
    if (cmdline_u64(bi, "tsc_khz", &khz) && khz)
        tsc_set_khz(khz);
    else
        khz = irqt_calibrate(&t, bi);
    if (!khz) {
        TEST_FAIL("bench_irq.setup", "no TSC frequency");
        TEST_DONE();
    }
    cli();
    if (irqt_route(&t, handler, NULL) != 0)
        TEST_DONE();
    irqt_unmask(&t);
    bench_rate(khz, count);
    /* edges already on their way, and the one-shot KVM's PIT makes of a stop
     * (kit/pit.h), arrive now rather than during the one-shots */
    irqt_sleep_us(&t, 100000);
    cli();
    bench_oneshot(khz, shots, delay_us);
    irqt_mask(&t);
    cli();
    TEST_DONE();
}
