/* The mc146818 model, driven through its index/data ports with a real event
 * loop and a fake interrupt controller: the host's time in BCD and binary, 24-
 * and 12-hour modes, the century byte, setting the time with SET, UIP before
 * each update, periodic (all rates), update-ended and alarm interrupts with
 * register C's read-to-clear, flags without a line, NVRAM, `reg` presets, and
 * hostile accesses. Some tests wait for second boundaries (a few seconds). */
#include "vdev_rig.h"

#include "irq/chip.h"
#include "vdev/vdev_ctx.h"

#include <time.h>

#define MS 1000000ull
#define S 1000000000ull

enum { SEC = 0, SEC_ALARM = 1, MIN = 2, MIN_ALARM = 3, HOUR = 4, HOUR_ALARM = 5, DOW = 6,
       DAY = 7, MONTH = 8, YEAR = 9, A = 0x0a, B = 0x0b, C = 0x0c, D = 0x0d, CENTURY = 0x32 };

#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_DM 0x04
#define B_24H 0x02
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10

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
    uint64_t rise_ns;
    struct event_timer stop;
    bool stopped;
    bool until_high;
};

static void set_pin(void *dev, unsigned pin, bool level)
{
    (void)pin;
    struct rig *r = dev;
    if (level && !r->level) {
        r->rises++;
        r->rise_ns = event_now();
        if (r->until_high)
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
    const struct vdev_spec *spec = rig_find_vdev(r->cfg, "mc146818");
    r->dev = rig_create_vdev(&r->ctx, r->cfg, spec, "vdev mc146818", &r->loop, r->lines, &r->m);
    return r;
}

static void rig_free(struct rig *r)
{
    r->m->destroy(r->dev);
    assert_int_equal(r->loop.nheap, 0); /* destroy cancelled its timer */
    event_free(&r->loop);
    irq_chip_destroy(&r->chip);
    run_free(r->cfg);
    free(r);
}

static uint8_t rd(struct rig *r, unsigned idx)
{
    r->m->write(r->dev, 0, 0, 1, idx);
    return (uint8_t)r->m->read(r->dev, 0, 1, 1);
}

static void wr(struct rig *r, unsigned idx, uint8_t v)
{
    r->m->write(r->dev, 0, 0, 1, idx);
    r->m->write(r->dev, 0, 1, 1, v);
}

static void on_stop(void *arg)
{
    struct rig *r = arg;
    r->stopped = true;
    event_wake(&r->loop);
}

static bool done(void *arg)
{
    struct rig *r = arg;
    return r->stopped || (r->until_high && r->level);
}

/* Run the loop for ns, or (until_high) until the line is high. */
static void run_for(struct rig *r, uint64_t ns, bool until_high)
{
    r->stopped = false;
    r->until_high = until_high;
    event_timer_init(&r->stop, on_stop, r);
    event_timer_arm(&r->loop, &r->stop, event_now() + ns);
    event_run(&r->loop, done, r);
    event_timer_cancel(&r->loop, &r->stop);
    r->until_high = false;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = { .tv_sec = (time_t)(ns / S), .tv_nsec = (long)(ns % S) };
    nanosleep(&ts, NULL);
}

static unsigned bcd(unsigned v)
{
    return (v / 10) << 4 | v % 10;
}

/* The guest's clock as encoded bytes, read twice until stable. */
static void read_clock(struct rig *r, uint8_t f[10], uint8_t *century)
{
    uint8_t g[10];
    for (int tries = 0; tries < 10; tries++) {
        for (unsigned i = 0; i < 10; i++)
            f[i] = rd(r, i);
        *century = rd(r, CENTURY);
        for (unsigned i = 0; i < 10; i++)
            g[i] = rd(r, i);
        if (!memcmp(f, g, 10))
            return;
    }
    fail_msg("the clock never held still");
}

static void test_host_time_bcd_24h(void **state)
{
    (void)state;
    struct rig *r = rig("vdev mc146818 reg 0x0b,0x02");
    assert_int_equal(rd(r, B), B_24H);
    assert_int_equal(rd(r, A), 0x26);
    assert_int_equal(rd(r, D), 0x80);
    for (int tries = 0; tries < 3; tries++) {
        time_t before = time(NULL);
        uint8_t f[10], century;
        read_clock(r, f, &century);
        time_t after = time(NULL);
        if (before != after)
            continue;
        struct tm tm;
        gmtime_r(&before, &tm);
        assert_int_equal(f[SEC], bcd((unsigned)tm.tm_sec));
        assert_int_equal(f[MIN], bcd((unsigned)tm.tm_min));
        assert_int_equal(f[HOUR], bcd((unsigned)tm.tm_hour));
        assert_int_equal(f[DOW], (unsigned)tm.tm_wday + 1);
        assert_int_equal(f[DAY], bcd((unsigned)tm.tm_mday));
        assert_int_equal(f[MONTH], bcd((unsigned)tm.tm_mon + 1));
        assert_int_equal(f[YEAR], bcd((unsigned)(tm.tm_year + 1900) % 100));
        assert_int_equal(century, bcd((unsigned)(tm.tm_year + 1900) / 100));
        rig_free(r);
        return;
    }
    fail_msg("the host's second kept changing");
}

static void test_binary_and_12_hour(void **state)
{
    (void)state;
    struct rig *r = rig("vdev mc146818");
    /* set 23:59:30 on 2099-12-31 in BCD, 24-hour */
    wr(r, B, B_SET | B_24H);
    wr(r, SEC, 0x30);
    wr(r, MIN, 0x59);
    wr(r, HOUR, 0x23);
    wr(r, DAY, 0x31);
    wr(r, MONTH, 0x12);
    wr(r, YEAR, 0x99);
    wr(r, CENTURY, 0x20);
    wr(r, DOW, 5);
    wr(r, B, B_24H);
    /* binary */
    wr(r, B, B_24H | B_DM);
    assert_int_equal(rd(r, HOUR), 23);
    assert_int_equal(rd(r, MIN), 59);
    assert_int_equal(rd(r, DAY), 31);
    assert_int_equal(rd(r, YEAR), 99);
    assert_int_equal(rd(r, CENTURY), 20); /* follows the data mode */
    assert_int_equal(rd(r, DOW), 5);      /* kept as the guest set it */
    /* 12-hour: 11 PM */
    wr(r, B, B_DM);
    assert_int_equal(rd(r, HOUR), 0x80 | 11);
    wr(r, B, 0);
    assert_int_equal(rd(r, HOUR), 0x80 | 0x11);
    /* set 00:30 (12 AM) in 12-hour BCD, and 12:30 (12 PM) */
    wr(r, B, B_SET);
    wr(r, HOUR, 0x12);
    wr(r, B, 0);
    wr(r, B, B_24H);
    assert_int_equal(rd(r, HOUR), 0x00);
    wr(r, B, B_SET);
    wr(r, HOUR, 0x80 | 0x12);
    wr(r, B, 0); /* released in the mode the fields were written in */
    wr(r, B, B_24H);
    assert_int_equal(rd(r, HOUR), 0x12);
    rig_free(r);
}

static void test_set_time_and_rollover(void **state)
{
    (void)state;
    struct rig *r = rig("vdev mc146818 reg 0x0b,0x02");
    wr(r, B, B_SET | B_24H | B_UIE);
    assert_int_equal(rd(r, B) & B_UIE, 0); /* SET clears UIE */
    wr(r, SEC, 0x58);
    wr(r, MIN, 0x59);
    wr(r, HOUR, 0x23);
    wr(r, DAY, 0x31);
    wr(r, MONTH, 0x12);
    wr(r, YEAR, 0x99);
    wr(r, CENTURY, 0x19);
    wr(r, DOW, 6);
    /* frozen while SET holds it */
    sleep_ns(1100 * MS);
    assert_int_equal(rd(r, SEC), 0x58);
    assert_int_equal(rd(r, A) & 0x80, 0); /* no update in progress while SET */
    wr(r, B, B_24H);
    uint8_t f[10], century;
    read_clock(r, f, &century);
    assert_true(f[SEC] == 0x58 || f[SEC] == 0x59);
    assert_int_equal(f[YEAR], 0x99);
    assert_int_equal(century, 0x19);
    /* the clock runs into 2000-01-01 00:00 */
    sleep_ns(2500 * MS);
    read_clock(r, f, &century);
    assert_int_equal(f[MIN], 0x00);
    assert_int_equal(f[HOUR], 0x00);
    assert_int_equal(f[DAY], 0x01);
    assert_int_equal(f[MONTH], 0x01);
    assert_int_equal(f[YEAR], 0x00);
    assert_int_equal(century, 0x20);
    assert_int_equal(f[DOW], 7); /* the day of week counts on from the guest's */
    /* a field written while the clock runs moves the clock */
    wr(r, YEAR, 0x42);
    assert_int_equal(rd(r, YEAR), 0x42);
    assert_int_equal(rd(r, MIN), 0x00);
    rig_free(r);
}

static void test_uip_before_update(void **state)
{
    (void)state;
    struct rig *r = rig("vdev mc146818 reg 0x0b,0x02");
    /* UIP shows for 244 us before each second: a polling loop on a busy host
     * can miss a window, so look over several seconds */
    uint64_t t0 = event_now();
    bool seen = false;
    uint8_t sec_before = 0;
    while (!seen && event_now() - t0 < 5000 * MS) {
        uint8_t sec = rd(r, SEC); /* read first: the update is after the UIP seen next */
        if (rd(r, A) & 0x80) {
            seen = true;
            sec_before = sec;
        }
    }
    assert_true(seen);
    /* UIP falls with the update: the seconds have moved on once it is clear */
    while (rd(r, A) & 0x80)
        ;
    assert_int_not_equal(rd(r, SEC), sec_before);
    rig_free(r);
}

/* Periodic interrupts at rate rs for ms: count them, acknowledging each. */
static unsigned count_periodic(struct rig *r, unsigned rs, uint64_t ns)
{
    wr(r, A, (uint8_t)(0x20 | rs));
    (void)rd(r, C);
    r->rises = 0;
    wr(r, B, (uint8_t)(rd(r, B) | B_PIE));
    uint64_t t0 = event_now();
    unsigned n = 0;
    while (event_now() - t0 < ns) {
        run_for(r, t0 + ns - event_now() + 1, true);
        if (r->level) {
            uint8_t c = rd(r, C);
            assert_int_equal(c & (C_IRQF | C_PF), C_IRQF | C_PF);
            assert_false(r->level); /* reading C dropped the line */
            n++;
        }
    }
    wr(r, B, (uint8_t)(rd(r, B) & ~B_PIE));
    (void)rd(r, C);
    return n;
}

static void test_periodic_rates(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev mc146818 intr ioapic:8 reg 0x0b,0x02");
    static const struct {
        unsigned rs, hz;
    } rates[] = { { 15, 2 }, { 13, 8 }, { 9, 128 }, { 1, 256 }, { 2, 128 } };
    for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
        uint64_t ns = rates[i].hz <= 8 ? 1 * S : 200 * MS;
        unsigned expect = (unsigned)(rates[i].hz * ns / S);
        unsigned n = count_periodic(r, rates[i].rs, ns);
        if (n + 2 < expect * 7 / 10 || n > expect + 2)
            fail_msg("rate %u: %u interrupts, expected about %u", rates[i].rs, n, expect);
    }
    /* 8192 Hz (rate 3) without acknowledging: the line stays high, one rise */
    wr(r, A, 0x23);
    (void)rd(r, C);
    r->rises = 0;
    wr(r, B, B_24H | B_PIE);
    run_for(r, 50 * MS, false);
    assert_int_equal(r->rises, 1);
    assert_true(r->level);
    assert_int_equal(rd(r, C) & 0xf0, C_IRQF | C_PF);
    /* rate 0: no periodic flag */
    wr(r, A, 0x20);
    (void)rd(r, C);
    run_for(r, 20 * MS, false);
    assert_int_equal(rd(r, C) & C_PF, 0);
    rig_free(r);
}

static void test_flags_without_enables_or_line(void **state)
{
    (void)state;
    struct rig *r = rig("vdev mc146818 reg 0x0b,0x02 reg 0x0a,0x2b");
    (void)rd(r, C);
    sleep_ns(40 * MS); /* 32 Hz */
    uint8_t c = rd(r, C);
    assert_int_equal(c & C_PF, C_PF);
    assert_int_equal(c & C_IRQF, 0); /* PIE clear */
    assert_int_equal(rd(r, C) & C_PF, 0); /* read-to-clear */
    /* no intr: enabled flags still show, nothing is raised */
    wr(r, B, B_24H | B_PIE);
    sleep_ns(40 * MS);
    assert_int_equal(rd(r, C) & (C_IRQF | C_PF), C_IRQF | C_PF);
    run_for(r, 20 * MS, false);
    assert_int_equal(r->rises, 0);
    assert_int_equal(r->loop.nheap, 0); /* and no host timer for it */
    rig_free(r);
}

static void test_update_interrupt(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev mc146818 intr ioapic:8 reg 0x0b,0x02");
    (void)rd(r, C);
    wr(r, B, B_24H | B_UIE);
    uint8_t sec = rd(r, SEC);
    run_for(r, 1500 * MS, true);
    assert_true(r->level);
    assert_int_not_equal(rd(r, SEC), sec);
    assert_int_equal(rd(r, C) & (C_IRQF | C_UF), C_IRQF | C_UF);
    assert_false(r->level);
    /* and once a second: the next one about a second later */
    uint64_t t0 = event_now();
    run_for(r, 1500 * MS, true);
    assert_true(r->level);
    uint64_t gap = event_now() - t0;
    assert_true(gap > 800 * MS && gap < 1300 * MS);
    rig_free(r);
}

static void test_alarm(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev mc146818 intr ioapic:8 reg 0x0b,0x02");
    /* 10:20:29, alarm at 10:20:31 */
    wr(r, B, B_SET | B_24H);
    wr(r, HOUR, 0x10);
    wr(r, MIN, 0x20);
    wr(r, SEC, 0x29);
    wr(r, HOUR_ALARM, 0x10);
    wr(r, MIN_ALARM, 0x20);
    wr(r, SEC_ALARM, 0x31);
    wr(r, B, B_24H | B_AIE);
    (void)rd(r, C);
    run_for(r, 4 * S, true);
    assert_true(r->level);
    uint8_t sec = rd(r, SEC);
    assert_true(sec == 0x31 || sec == 0x32);
    uint8_t c = rd(r, C);
    assert_int_equal(c & (C_IRQF | C_AF), C_IRQF | C_AF);
    /* don't care in every field: an alarm each second */
    wr(r, HOUR_ALARM, 0xc0);
    wr(r, MIN_ALARM, 0xff);
    wr(r, SEC_ALARM, 0xc5);
    (void)rd(r, C);
    r->rises = 0;
    run_for(r, 1500 * MS, true);
    assert_int_equal(r->rises, 1);
    assert_int_equal(rd(r, C) & C_AF, C_AF);
    /* an alarm polled with AIE clear still sets AF */
    wr(r, B, B_24H);
    sleep_ns(1100 * MS);
    c = rd(r, C);
    assert_int_equal(c & (C_AF | C_IRQF), C_AF);
    /* an impossible alarm never matches */
    wr(r, SEC_ALARM, 0x7a);
    (void)rd(r, C);
    sleep_ns(1100 * MS);
    assert_int_equal(rd(r, C) & C_AF, 0);
    rig_free(r);
}

static void test_nvram_presets_and_hostile(void **state)
{
    (void)state;
    struct rig *r = rig("vdev mc146818 reg 0x40,0x5a reg 0x7f,0x01 reg 0x0c,0xff");
    assert_int_equal(rd(r, 0x40), 0x5a);
    assert_int_equal(rd(r, 0x7f), 0x01);
    assert_int_equal(rd(r, B), 0x00); /* default: BCD, 12-hour */
    assert_int_equal(rd(r, C) & (C_IRQF | C_AF | 0x0f), 0); /* the preset of C was ignored */
    for (unsigned i = 0x0e; i < 0x80; i++)
        if (i != CENTURY)
            wr(r, i, (uint8_t)(i ^ 0xa5));
    for (unsigned i = 0x0e; i < 0x80; i++)
        if (i != CENTURY)
            assert_int_equal(rd(r, i), (uint8_t)(i ^ 0xa5));
    /* the index's bit 7 (NMI disable) is not part of it */
    r->m->write(r->dev, 0, 0, 1, 0x80 | 0x40);
    assert_int_equal(r->m->read(r->dev, 0, 1, 1), 0x40 ^ 0xa5);
    assert_int_equal(r->m->read(r->dev, 0, 0, 1), 0xff); /* the index port is write-only */
    /* a 16-bit write: index then data */
    r->m->write(r->dev, 0, 0, 2, 0x3341);
    assert_int_equal(rd(r, 0x41), 0x33);
    wr(r, D, 0);
    assert_int_equal(rd(r, D), 0x80);
    /* garbage everywhere: no crash, no storm, the clock still reads */
    srand(146818);
    for (unsigned i = 0; i < 100000; i++) {
        if (rand() & 1)
            r->m->write(r->dev, 0, (uint64_t)rand() % 2, 1, (uint64_t)rand());
        else
            (void)r->m->read(r->dev, 0, (uint64_t)rand() % 2, 1);
    }
    wr(r, B, B_SET);
    for (unsigned i = 0; i < 10; i++)
        wr(r, i, 0xff);
    wr(r, CENTURY, 0xff);
    wr(r, B, 0);
    (void)rd(r, SEC);
    uint64_t t0 = event_now();
    run_for(r, 20 * MS, false);
    assert_true(event_now() - t0 < 500 * MS);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_host_time_bcd_24h),
        cmocka_unit_test(test_binary_and_12_hour),
        cmocka_unit_test(test_set_time_and_rollover),
        cmocka_unit_test(test_uip_before_update),
        cmocka_unit_test(test_periodic_rates),
        cmocka_unit_test(test_flags_without_enables_or_line),
        cmocka_unit_test(test_update_interrupt),
        cmocka_unit_test(test_alarm),
        cmocka_unit_test(test_nvram_presets_and_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
