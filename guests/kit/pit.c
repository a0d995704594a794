#include "pit.h"

#include "io.h"
#include "tsc.h"

uint32_t pit_divisor(uint32_t hz)
{
    if (hz == 0)
        return 65536;
    uint32_t d = (PIT_HZ + hz / 2) / hz;
    if (d < 1)
        d = 1;
    if (d > 65536)
        d = 65536;
    return d;
}

uint32_t pit_start_periodic(uint32_t hz)
{
    uint32_t d = pit_divisor(hz);
    outb(PIT_CMD, 0x34); /* counter 0, lobyte/hibyte, mode 2, binary */
    outb(PIT_CH0, (uint8_t)d);
    outb(PIT_CH0, (uint8_t)(d >> 8)); /* 65536 is written as 0 */
    return d;
}

void pit_start_oneshot(uint32_t ticks)
{
    outb(PIT_CMD, 0x30); /* counter 0, lobyte/hibyte, mode 0, binary */
    outb(PIT_CH0, (uint8_t)ticks);
    outb(PIT_CH0, (uint8_t)(ticks >> 8));
}

void pit_stop(void)
{
    outb(PIT_CMD, 0x30); /* an 8254 stops here: mode 0, OUT low, no count */
    outb(PIT_CH0, 0);    /* KVM's in-kernel PIT ignores a bare mode change: */
    outb(PIT_CH0, 0);    /* a count turns it into a one-shot (65536 clocks) */
    outb(PIT_CMD, 0x30); /* and an 8254 stops again before counting it */
}

uint16_t pit_read_counter(unsigned counter)
{
    outb(PIT_CMD, (uint8_t)((counter & 3) << 6)); /* counter latch command */
    uint8_t lo = inb((uint16_t)(PIT_CH0 + (counter & 3)));
    uint8_t hi = inb((uint16_t)(PIT_CH0 + (counter & 3)));
    return (uint16_t)(lo | hi << 8);
}

static void ch2_free_run(void)
{
    outb(PIT_PORT_B, (uint8_t)((inb(PIT_PORT_B) & ~0x02) | 0x01)); /* gate on, speaker off */
    outb(PIT_CMD, 0xb4); /* counter 2, lobyte/hibyte, mode 2, binary */
    outb(PIT_CH2, 0);
    outb(PIT_CH2, 0); /* 65536 */
}

int pit_probe(void)
{
    ch2_free_run();
    uint16_t a = pit_read_counter(2);
    delay_us(200);
    uint16_t b = pit_read_counter(2);
    delay_us(200);
    uint16_t c = pit_read_counter(2);
    return !(a == b && b == c);
}

uint64_t pit_calibrate_tsc_khz(unsigned ms)
{
    if (ms < 5)
        ms = 5;
    ch2_free_run();
    uint64_t want = (uint64_t)PIT_HZ * ms / 1000; /* PIT ticks to measure over */
    uint64_t t0 = rdtsc();
    uint16_t c0 = pit_read_counter(2);
    uint16_t prev = c0;
    uint64_t ticks = 0, t1 = t0;
    unsigned idle = 0;
    /* steps of >= 1 ms (TSC assumed no faster than the kit's fallback
     * 4 GHz) stay well under the 54.9 ms wrap unless the TSC runs below
     * about 75 MHz */
    while (ticks < want) {
        uint64_t d = rdtsc() + tsc_khz();
        while ((int64_t)(rdtsc() - d) < 0)
            pause();
        t1 = rdtsc();
        uint16_t c = pit_read_counter(2);
        uint16_t step = (uint16_t)(prev - c); /* counts down, mod 65536 */
        prev = c;
        ticks += step;
        if (step == 0 && ++idle > 8)
            return 0; /* not counting */
    }
    if (t1 <= t0)
        return 0;
    /* khz = TSC ticks / ms = (t1 - t0) * PIT_HZ / (ticks * 1000) */
    return (t1 - t0) * PIT_HZ / (ticks * 1000);
}
