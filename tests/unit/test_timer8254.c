/* The timer8254 model, driven through its bus handlers with a real event loop
 * and a fake interrupt controller: counting from elapsed time, read/write
 * modes, latches and read-back, modes 0-5, new counts taking effect as on the
 * 8254, counter 0's interrupts (once in mode 0, once per period in 2 and 3,
 * capped at 100 kHz), counter 2's gate and output through port 0x61, and
 * hostile writes. Timing checks use generous tolerances. */
#include "vdev_rig.h"

#include "irq/chip.h"
#include "vdev/vdev_ctx.h"

#include <time.h>

#define PIT_HZ 1193182ull
#define MS 1000000ull
#define MAX_RISES 8192

enum { CH0 = 0, CH1 = 1, CH2 = 2, CMD = 3 };
enum { COUNTERS = 0, PORT_B = 1 };

struct rig {
    struct run *cfg;
    struct event_loop loop;
    struct irq_chip chip;
    struct irq_line line;
    struct irq_line *lines[1];
    struct vdev_ctx ctx;
    const struct vdev_model *m;
    void *dev;
    bool level;
    unsigned rises;
    uint64_t rise_ns[MAX_RISES];
    struct event_timer stop;
    bool stopped;
    unsigned want_rises;
};

static void set_pin(void *dev, unsigned pin, bool level)
{
    (void)pin;
    struct rig *r = dev;
    if (level && !r->level) {
        if (r->rises < MAX_RISES)
            r->rise_ns[r->rises] = event_now();
        r->rises++;
        if (r->want_rises && r->rises >= r->want_rises)
            event_wake(&r->loop);
    }
    r->level = level;
}

static const struct irq_chip_ops chip_ops = { .set_pin = set_pin };

static struct rig *rig(const char *config)
{
    struct rig *r = calloc(1, sizeof(*r));
    r->cfg = run_text(config);
    if (!r->cfg->ok)
        fail_msg("configuration refused:\n%s", r->cfg->msgs);
    assert_true(event_init(&r->loop));
    assert_true(irq_chip_init(&r->chip, "test", 1, &chip_ops, r));
    assert_true(irq_line_connect(&r->line, &r->chip, 0));
    r->lines[0] = &r->line;
    const struct vdev_spec *spec = rig_find_vdev(r->cfg, "timer8254");
    r->dev = rig_create_vdev(&r->ctx, r->cfg, spec, "vdev timer8254", &r->loop, r->lines, &r->m);
    return r;
}

static void rig_free(struct rig *r)
{
    r->m->destroy(r->dev);
    event_free(&r->loop);
    irq_chip_destroy(&r->chip);
    run_free(r->cfg);
    free(r);
}

static uint8_t rd(struct rig *r, unsigned port)
{
    return (uint8_t)r->m->read(r->dev, COUNTERS, port, 1);
}

static void wr(struct rig *r, unsigned port, uint8_t v)
{
    r->m->write(r->dev, COUNTERS, port, 1, v);
}

static uint8_t rd_b(struct rig *r)
{
    return (uint8_t)r->m->read(r->dev, PORT_B, 0, 1);
}

static void wr_b(struct rig *r, uint8_t v)
{
    r->m->write(r->dev, PORT_B, 0, 1, v);
}

/* Control word: counter, rw (1 LSB, 2 MSB, 3 both), mode, then the count. */
static void program(struct rig *r, unsigned ch, unsigned mode, uint32_t count)
{
    wr(r, CMD, (uint8_t)(ch << 6 | 3 << 4 | mode << 1));
    wr(r, ch, (uint8_t)count);
    wr(r, ch, (uint8_t)(count >> 8));
}

static uint16_t latch_read(struct rig *r, unsigned ch)
{
    wr(r, CMD, (uint8_t)(ch << 6));
    uint8_t lo = rd(r, ch);
    return (uint16_t)(lo | rd(r, ch) << 8);
}

static uint8_t status(struct rig *r, unsigned ch)
{
    wr(r, CMD, (uint8_t)(0xe0 | 2u << ch)); /* read-back: status only */
    return rd(r, ch);
}

static void on_stop(void *arg)
{
    struct rig *r = arg;
    r->stopped = true;
    event_wake(&r->loop); /* event_run looks at done() only after a wake-up */
}

static bool done(void *arg)
{
    struct rig *r = arg;
    return r->stopped || (r->want_rises && r->rises >= r->want_rises);
}

/* Run the event loop for ns, or until `until` rises have been seen (0: no limit). */
static void run_for(struct rig *r, uint64_t ns, unsigned until)
{
    r->stopped = false;
    r->want_rises = until;
    event_timer_init(&r->stop, on_stop, r);
    event_timer_arm(&r->loop, &r->stop, event_now() + ns);
    event_run(&r->loop, done, r);
    event_timer_cancel(&r->loop, &r->stop);
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000) };
    nanosleep(&ts, NULL);
}

static uint64_t ticks(uint64_t ns)
{
    return ns * PIT_HZ / 1000000000;
}

static void test_counts_from_elapsed_time(void **state)
{
    (void)state;
    struct rig *r = rig("vdev timer8254");
    program(r, CH1, 2, 60000); /* ~50 ms period */
    uint64_t t1a = event_now();
    uint16_t v1 = latch_read(r, CH1);
    uint64_t t1b = event_now();
    sleep_ns(5 * MS);
    uint64_t t2a = event_now();
    uint16_t v2 = latch_read(r, CH1);
    uint64_t t2b = event_now();
    assert_true(v1 <= 60000 && v1 > 0);
    uint64_t diff = (v1 - v2 + 60000u) % 60000u; /* counts down, reloading at 60000 */
    uint64_t lo = ticks(t2a - t1b), hi = ticks(t2b - t1a) + 2;
    if (diff + 1 < lo || diff > hi)
        fail_msg("counted %llu ticks, expected %llu to %llu", (unsigned long long)diff,
                 (unsigned long long)lo, (unsigned long long)hi);
    rig_free(r);
}

static void test_read_write_modes(void **state)
{
    (void)state;
    /* counter 2 with its gate low (port 0x61 bit 0 clear) holds its count */
    struct rig *r = rig("vdev timer8254");
    wr(r, CMD, 0x90); /* counter 2, LSB only, mode 0 */
    wr(r, CH2, 0x34);
    assert_int_equal(rd(r, CH2), 0x34);
    assert_int_equal(rd(r, CH2), 0x34); /* no flip-flop */
    wr(r, CMD, 0xa0); /* MSB only */
    wr(r, CH2, 0x12);
    assert_int_equal(rd(r, CH2), 0x12);
    assert_int_equal(rd(r, CH2), 0x12);
    wr(r, CMD, 0xb0); /* LSB then MSB */
    wr(r, CH2, 0x78);
    wr(r, CH2, 0x56);
    assert_int_equal(rd(r, CH2), 0x78);
    assert_int_equal(rd(r, CH2), 0x56);
    assert_int_equal(rd(r, CH2), 0x78);
    assert_int_equal(rd(r, CH2), 0x56);
    /* a latch in LSB-only mode gives one byte, then live reads resume */
    wr(r, CMD, 0x90);
    wr(r, CH2, 0x99);
    wr(r, CMD, 0x80);
    wr(r, CH2, 0x11); /* the latch keeps the old count */
    assert_int_equal(rd(r, CH2), 0x99);
    assert_int_equal(rd(r, CH2), 0x11);
    /* a running counter counts down from what was written */
    program(r, CH1, 0, 0xf000);
    uint8_t lo = rd(r, CH1), hi = rd(r, CH1);
    uint16_t v = (uint16_t)(lo | hi << 8);
    assert_true(v <= 0xf000 && v > 0xe000);
    /* the control port is write-only */
    assert_int_equal(rd(r, CMD), 0xff);
    rig_free(r);
}

static void test_latch_and_read_back(void **state)
{
    (void)state;
    struct rig *r = rig("vdev timer8254");
    program(r, CH1, 2, 50000);
    wr(r, CMD, 0x40); /* latch counter 1 */
    sleep_ns(3 * MS);
    wr(r, CMD, 0x40); /* a second latch before the read is ignored */
    uint8_t lo = rd(r, CH1), hi = rd(r, CH1);
    uint16_t latched = (uint16_t)(lo | hi << 8);
    assert_true(latched > 50000 - 1200); /* the value from before the sleep (~3600 ticks) */
    uint16_t live = latch_read(r, CH1);
    assert_true(latched - live > 3000 || live > latched);

    /* status: OUT, NULL COUNT, RW, mode, BCD */
    wr(r, CMD, 0x76); /* counter 1, both, mode 3 */
    assert_int_equal(status(r, CH1), 0x80 | 0x40 | 0x36); /* output high, no count yet */
    wr(r, CH1, 0x10);
    assert_int_equal(status(r, CH1) & 0x40, 0x40); /* half a count is not loaded */
    wr(r, CH1, 0x27);
    assert_int_equal(status(r, CH1), 0x80 | 0x36); /* loaded: null count clear */
    wr(r, CMD, 0x70); /* mode 0: output low until terminal count */
    assert_int_equal(status(r, CH1) & 0x80, 0);

    /* read-back of count and status together: status first, then the count */
    program(r, CH2, 0, 0x8000);
    wr(r, CMD, 0xc8); /* count and status of counter 2 */
    assert_int_equal(rd(r, CH2), 0x30); /* gate 2 is low: not counting; output low */
    lo = rd(r, CH2);
    hi = rd(r, CH2);
    assert_int_equal(lo | hi << 8, 0x8000);
    rig_free(r);
}

static void test_mode0_interrupts_once(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev timer8254 intr ioapic:2");
    uint64_t t0 = event_now();
    program(r, CH0, 0, 2386); /* 2 ms */
    assert_int_equal(status(r, CH0) & 0x80, 0);
    run_for(r, 60 * MS, 0);
    assert_int_equal(r->rises, 1);
    uint64_t at = r->rise_ns[0] - t0;
    if (at < 2 * MS - 10000 || at > 40 * MS)
        fail_msg("mode 0 interrupt after %llu ns, expected about 2 ms", (unsigned long long)at);
    assert_int_equal(status(r, CH0) & 0x80, 0x80);
    assert_false(r->level); /* a pulse */
    rig_free(r);
}

static void test_mode0_rewrite_restarts(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev timer8254 intr ioapic:2");
    program(r, CH0, 0, 23864); /* 20 ms */
    sleep_ns(10 * MS);
    uint64_t t1 = event_now();
    wr(r, CH0, (uint8_t)23864);
    wr(r, CH0, (uint8_t)(23864 >> 8)); /* restarts the count */
    run_for(r, 80 * MS, 1);
    assert_int_equal(r->rises, 1);
    uint64_t at = r->rise_ns[0] - t1;
    if (at < 20 * MS - 10000)
        fail_msg("interrupt %llu ns after the rewrite: the count did not restart",
                 (unsigned long long)at);
    rig_free(r);
}

static void periodic_rate(unsigned mode)
{
    struct rig *r = rig("vdev ioapic vdev timer8254 intr ioapic:2");
    uint64_t t0 = event_now();
    program(r, CH0, mode, 11932); /* 10 ms */
    run_for(r, 105 * MS, 0);
    if (r->rises < 7 || r->rises > 11)
        fail_msg("mode %u: %u interrupts in 105 ms, expected about 10", mode, r->rises);
    assert_true(r->rise_ns[0] - t0 >= 10 * MS - 10000); /* the first at the end of a period */
    for (unsigned i = 1; i < r->rises; i++)
        assert_true(r->rise_ns[i] - r->rise_ns[i - 1] > 2 * MS);
    rig_free(r);
}

static void test_mode2_periodic(void **state)
{
    (void)state;
    periodic_rate(2);
}

static void test_mode3_square_wave(void **state)
{
    (void)state;
    periodic_rate(3);
    /* the output: high for the first half of the period, low for the second */
    struct rig *r = rig("vdev timer8254");
    program(r, CH1, 3, 59659); /* 50 ms */
    assert_int_equal(status(r, CH1) & 0x80, 0x80);
    sleep_ns(30 * MS);
    assert_int_equal(status(r, CH1) & 0x80, 0);
    uint16_t v = latch_read(r, CH1);
    assert_int_equal(v & 1, 0); /* counts by two */
    rig_free(r);
}

static void test_mode2_new_count_at_period_end(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev timer8254 intr ioapic:2");
    uint64_t t0 = event_now();
    program(r, CH0, 2, 35796); /* 30 ms */
    sleep_ns(5 * MS);
    wr(r, CH0, (uint8_t)2386); /* 2 ms: only after the current period */
    wr(r, CH0, (uint8_t)(2386 >> 8));
    assert_int_equal(status(r, CH0) & 0x40, 0x40); /* waiting: null count */
    run_for(r, 200 * MS, 4);
    assert_true(r->rises >= 4);
    uint64_t first = r->rise_ns[0] - t0;
    if (first < 30 * MS - 10000)
        fail_msg("first interrupt after %llu ns: the new count cut the period short",
                 (unsigned long long)first);
    /* then the new period */
    uint64_t span = r->rise_ns[3] - r->rise_ns[1];
    if (span > 20 * MS)
        fail_msg("two periods took %llu ns, expected about 4 ms", (unsigned long long)span);
    assert_int_equal(status(r, CH0) & 0x40, 0);
    rig_free(r);
}

static void test_fast_rate_is_capped(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev timer8254 intr ioapic:2");
    program(r, CH0, 2, 2); /* 600 kHz asked */
    uint64_t t0 = event_now();
    run_for(r, 50 * MS, 0);
    uint64_t took = event_now() - t0;
    /* at most one host expiry per 10 us, each raising once */
    uint64_t cap = took / 10000 + 2;
    if (r->rises > cap || r->rises < 10)
        fail_msg("%u interrupts in %llu ns (cap %llu)", r->rises, (unsigned long long)took,
                 (unsigned long long)cap);
    /* the count still follows the 600 kHz rate */
    assert_true(latch_read(r, CH0) <= 2);
    rig_free(r);
}

static void test_gate_modes_without_trigger(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev timer8254 intr ioapic:2");
    /* modes 1 and 5 wait for a gate trigger counter 0 never gets */
    program(r, CH0, 1, 1193);
    run_for(r, 10 * MS, 0);
    assert_int_equal(r->rises, 0);
    assert_int_equal(status(r, CH0) & 0xc0, 0xc0); /* output high, count never loaded */
    program(r, CH0, 5, 1193);
    run_for(r, 10 * MS, 0);
    assert_int_equal(r->rises, 0);
    /* mode 4 counts like mode 0: one strobe, one interrupt */
    program(r, CH0, 4, 1193);
    assert_int_equal(status(r, CH0) & 0x80, 0x80);
    run_for(r, 20 * MS, 0);
    assert_int_equal(r->rises, 1);
    /* modes 6 and 7 are 2 and 3 */
    wr(r, CMD, 0x3c); /* counter 0, both, mode 6 */
    assert_int_equal(status(r, CH0) & 0x3e, 0x3c);
    wr(r, CH0, 0);
    wr(r, CH0, 0);
    assert_int_equal(status(r, CH0) & 0x80, 0x80); /* mode 2: output high */
    rig_free(r);
}

static void test_counter2_port_b(void **state)
{
    (void)state;
    struct rig *r = rig("vdev timer8254");
    /* bits 0-1 read back; bit 5 is counter 2's output */
    assert_int_equal(rd_b(r) & 0x23, 0x00);
    wr_b(r, 0x02);
    assert_int_equal(rd_b(r) & 0x03, 0x02);
    /* Linux's calibration: gate on, speaker off, mode 0, poll bit 5 */
    wr_b(r, (uint8_t)((rd_b(r) & ~0x02) | 0x01));
    assert_int_equal(rd_b(r) & 0x03, 0x01);
    uint64_t t0 = event_now();
    wr(r, CMD, 0xb0);
    wr(r, CH2, (uint8_t)5966);
    wr(r, CH2, (uint8_t)(5966 >> 8)); /* 5 ms */
    assert_int_equal(rd_b(r) & 0x20, 0);
    unsigned polls = 0;
    while (!(rd_b(r) & 0x20) && event_now() - t0 < 1000 * MS)
        polls++;
    uint64_t took = event_now() - t0;
    assert_true(polls > 0);
    if (took < 5 * MS - 10000 || took > 100 * MS)
        fail_msg("bit 5 rose after %llu ns, expected about 5 ms", (unsigned long long)took);
    /* bit 4 toggles with the refresh (~15 us) */
    bool seen[2] = { false, false };
    t0 = event_now();
    while (event_now() - t0 < 2 * MS && !(seen[0] && seen[1]))
        seen[(rd_b(r) >> 4) & 1] = true;
    assert_true(seen[0] && seen[1]);
    /* a low gate holds the count */
    program(r, CH2, 2, 50000);
    wr_b(r, 0x00);
    uint16_t a = latch_read(r, CH2);
    sleep_ns(2 * MS);
    assert_int_equal(latch_read(r, CH2), a);
    assert_int_equal(rd_b(r) & 0x20, 0x20); /* mode 2 with a low gate: output high */
    /* mode 1: the gate's rising edge triggers a one-shot (output low until the count ends) */
    program(r, CH2, 1, 2386);
    assert_int_equal(rd_b(r) & 0x20, 0x20);
    wr_b(r, 0x01);
    assert_int_equal(rd_b(r) & 0x20, 0);
    sleep_ns(4 * MS);
    assert_int_equal(rd_b(r) & 0x20, 0x20);
    rig_free(r);
}

static void test_bcd_counts_in_binary(void **state)
{
    (void)state;
    struct rig *r = rig("vdev timer8254");
    wr(r, CMD, 0x71); /* counter 1, both, mode 0, BCD */
    wr(r, CH1, 0x00);
    wr(r, CH1, 0x90);
    assert_int_equal(status(r, CH1) & 0x3f, 0x31); /* BCD shown in the status */
    uint16_t v = latch_read(r, CH1);
    assert_true(v <= 0x9000 && v > 0x8000); /* binary */
    rig_free(r);
}

static void test_no_line_and_hostile_writes(void **state)
{
    (void)state;
    struct rig *r = rig("vdev timer8254"); /* no intr: nothing to raise */
    program(r, CH0, 2, 1);
    run_for(r, 5 * MS, 0);
    assert_int_equal(r->rises, 0);
    srand(8254);
    for (unsigned i = 0; i < 200000; i++) {
        unsigned port = (unsigned)rand() % 6;
        uint8_t v = (uint8_t)rand();
        if (port == 4)
            wr_b(r, v);
        else if (port == 5)
            (void)rd(r, (unsigned)rand() % 4);
        else
            wr(r, port, v);
    }
    /* wide accesses are split into ports */
    r->m->write(r->dev, COUNTERS, 0, 4, 0xffffffff);
    (void)r->m->read(r->dev, COUNTERS, 0, 8);
    uint64_t t0 = event_now();
    run_for(r, 20 * MS, 0);
    assert_true(event_now() - t0 < 500 * MS); /* the loop did not spin or stall */
    rig_free(r);
}

static void test_destroy_cancels_timer(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev timer8254 intr ioapic:2");
    program(r, CH0, 2, 1193);
    r->m->destroy(r->dev);
    r->dev = NULL;
    assert_int_equal(r->loop.nheap, 0);
    event_free(&r->loop);
    irq_chip_destroy(&r->chip);
    run_free(r->cfg);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_from_elapsed_time),
        cmocka_unit_test(test_read_write_modes),
        cmocka_unit_test(test_latch_and_read_back),
        cmocka_unit_test(test_mode0_interrupts_once),
        cmocka_unit_test(test_mode0_rewrite_restarts),
        cmocka_unit_test(test_mode2_periodic),
        cmocka_unit_test(test_mode3_square_wave),
        cmocka_unit_test(test_mode2_new_count_at_period_end),
        cmocka_unit_test(test_fast_rate_is_capped),
        cmocka_unit_test(test_gate_modes_without_trigger),
        cmocka_unit_test(test_counter2_port_b),
        cmocka_unit_test(test_bcd_counts_in_binary),
        cmocka_unit_test(test_no_line_and_hostile_writes),
        cmocka_unit_test(test_destroy_cancels_timer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
