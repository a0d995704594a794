/* The hpet model, driven through its MMIO handlers with a real event loop and
 * a fake interrupt controller: capabilities from the configuration, the main
 * counter (running, halted, written), 32- and 64-bit accesses, one-shot and
 * periodic comparators, edge and level interrupts with the status register,
 * 32-bit mode, routing that only the configuration decides, Linux's periodic
 * programming sequence, the 100 kHz cap, and hostile accesses. */
#include "vdev_rig.h"

#include "irq/chip.h"
#include "vdev/vdev_ctx.h"

#include <time.h>

#define MS 1000000ull
#define MAX_TIMERS 32
#define MAX_RISES 8192

#define GCAP 0x000
#define GCONF 0x010
#define GSTA 0x020
#define CNT 0x0f0
#define TCONF(k) (0x100 + 0x20 * (k))
#define TCMP(k) (0x108 + 0x20 * (k))
#define TFSB(k) (0x110 + 0x20 * (k))

#define LEVEL (1u << 1)
#define ENB (1u << 2)
#define PERIODIC (1u << 3)
#define VAL_SET (1u << 6)
#define MODE32 (1u << 8)

struct rig {
    struct run *cfg;
    struct event_loop loop;
    struct irq_chip chip;
    struct irq_line line[MAX_TIMERS];
    struct irq_line *lines[MAX_TIMERS];
    struct vdev_ctx ctx;
    const struct vdev_model *m;
    void *dev;
    bool level[MAX_TIMERS];
    unsigned rises[MAX_TIMERS];
    uint64_t rise_ns[MAX_TIMERS][16];
    struct event_timer stop;
    bool stopped;
    int want_pin;
    unsigned want_rises;
};

static void set_pin(void *dev, unsigned pin, bool level)
{
    struct rig *r = dev;
    if (level && !r->level[pin]) {
        if (r->rises[pin] < 16)
            r->rise_ns[pin][r->rises[pin]] = event_now();
        r->rises[pin]++;
        if (r->want_pin == (int)pin && r->rises[pin] >= r->want_rises)
            event_wake(&r->loop);
    }
    r->level[pin] = level;
}

static const struct irq_chip_ops chip_ops = { .set_pin = set_pin };

static struct rig *rig(const char *config)
{
    struct rig *r = calloc(1, sizeof(*r));
    r->cfg = run_text(config);
    if (!r->cfg->ok)
        fail_msg("configuration refused:\n%s", r->cfg->msgs);
    assert_true(event_init(&r->loop));
    assert_true(irq_chip_init(&r->chip, "test", MAX_TIMERS, &chip_ops, r));
    const struct vdev_spec *spec = rig_find_vdev(r->cfg, "hpet");
    /* timer k's line on the fake chip's pin k */
    for (unsigned k = 0; k < spec->nintr; k++) {
        assert_true(irq_line_connect(&r->line[k], &r->chip, k));
        r->lines[k] = &r->line[k];
    }
    r->want_pin = -1;
    r->dev = rig_create_vdev(&r->ctx, r->cfg, spec, "vdev hpet", &r->loop, r->lines, &r->m);
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

static uint32_t rd32(struct rig *r, unsigned off)
{
    return (uint32_t)r->m->read(r->dev, 0, off, 4);
}

static uint64_t rd64(struct rig *r, unsigned off)
{
    return r->m->read(r->dev, 0, off, 8);
}

static void wr32(struct rig *r, unsigned off, uint32_t v)
{
    r->m->write(r->dev, 0, off, 4, v);
}

static void wr64(struct rig *r, unsigned off, uint64_t v)
{
    r->m->write(r->dev, 0, off, 8, v);
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
    return r->stopped || (r->want_pin >= 0 && r->rises[r->want_pin] >= r->want_rises);
}

/* Run the loop for ns, or until pin has risen `until` times (pin -1: no limit). */
static void run_for(struct rig *r, uint64_t ns, int pin, unsigned until)
{
    r->stopped = false;
    r->want_pin = pin;
    r->want_rises = until;
    event_timer_init(&r->stop, on_stop, r);
    event_timer_arm(&r->loop, &r->stop, event_now() + ns);
    event_run(&r->loop, done, r);
    event_timer_cancel(&r->loop, &r->stop);
    r->want_pin = -1;
}

static void sleep_ns(uint64_t ns)
{
    struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000), .tv_nsec = (long)(ns % 1000000000) };
    nanosleep(&ts, NULL);
}

/* Main counter ticks per ms at the default 14.31818 MHz */
#define TICKS_PER_MS 14318ull

static void test_capabilities(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2 intr ioapic:8 intr ioapic:11");
    uint32_t lo = rd32(r, GCAP), hi = rd32(r, GCAP + 4);
    assert_int_equal(lo & 0xff, 1);             /* REV_ID */
    assert_int_equal((lo >> 8) & 0x1f, 2);      /* three timers */
    assert_int_equal(lo & (1u << 13), 1u << 13); /* 64-bit counter */
    assert_int_equal(lo & (1u << 15), 1u << 15); /* legacy replacement capable */
    assert_int_equal(lo >> 16, 0x8086);
    assert_int_equal(hi, 69841279);             /* fs per tick at 14.31818 MHz */
    assert_int_equal(rd64(r, GCAP), (uint64_t)hi << 32 | lo);
    /* per timer: periodic and 64-bit capable, routable only to its own line */
    for (unsigned k = 0; k < 3; k++) {
        uint64_t c = rd64(r, TCONF(k));
        assert_int_equal(c & 0x30, 0x30);
        assert_int_equal(c & (1u << 15), 0); /* no FSB delivery */
    }
    assert_int_equal(rd32(r, TCONF(0) + 4), 1u << 2);
    assert_int_equal(rd32(r, TCONF(1) + 4), 1u << 8);
    assert_int_equal(rd32(r, TCONF(2) + 4), 1u << 11);
    assert_int_equal((rd32(r, TCONF(2)) >> 9) & 0x1f, 11);
    /* another route is refused; the given one is kept */
    wr32(r, TCONF(2), 5u << 9);
    assert_int_equal((rd32(r, TCONF(2)) >> 9) & 0x1f, 11);
    /* FSB and the capability half are read-only */
    wr32(r, TCONF(2), 1u << 14);
    assert_int_equal(rd32(r, TCONF(2)) & (1u << 14), 0);
    wr32(r, TCONF(2) + 4, 0xffffffff);
    assert_int_equal(rd32(r, TCONF(2) + 4), 1u << 11);
    wr32(r, TFSB(2), 0x1234);
    assert_int_equal(rd64(r, TFSB(2)), 0);
    /* legacy replacement: writable here */
    wr32(r, GCONF, 0x2);
    assert_int_equal(rd32(r, GCONF), 0x2);
    wr32(r, GCAP, 0);
    assert_int_equal(rd32(r, GCAP), lo); /* read-only */
    /* registers beyond the timers read 0 */
    assert_int_equal(rd64(r, TCONF(3)), 0);
    rig_free(r);

    r = rig("vdev ioapic vdev hpet intr ioapic:2 legacy-free frequency 100000000");
    lo = rd32(r, GCAP);
    assert_int_equal((lo >> 8) & 0x1f, 0);
    assert_int_equal(lo & (1u << 15), 0);
    assert_int_equal(rd32(r, GCAP + 4), 10000000); /* 10 ns */
    wr32(r, GCONF, 0x2);
    assert_int_equal(rd32(r, GCONF), 0); /* no legacy replacement without the capability */
    rig_free(r);
}

static void test_main_counter(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2");
    assert_int_equal(rd64(r, CNT), 0);
    sleep_ns(2 * MS);
    assert_int_equal(rd64(r, CNT), 0); /* halted */
    wr64(r, CNT, 0x123456789ull);
    assert_int_equal(rd64(r, CNT), 0x123456789ull);
    wr32(r, CNT + 4, 0);
    assert_int_equal(rd64(r, CNT), 0x23456789ull);
    wr32(r, CNT, 0);
    assert_int_equal(rd64(r, CNT), 0);

    uint64_t t0 = event_now();
    wr32(r, GCONF, 1);
    sleep_ns(10 * MS);
    uint64_t c = rd64(r, CNT);
    uint64_t t1 = event_now();
    uint64_t hi_bound = (t1 - t0) * 14318180 / 1000000000 + 2;
    assert_true(c >= 10 * TICKS_PER_MS && c <= hi_bound);
    /* written while running: ignored */
    wr64(r, CNT, 5);
    assert_true(rd64(r, CNT) >= c);
    /* halting keeps the value */
    wr32(r, GCONF, 0);
    uint64_t h = rd64(r, CNT);
    sleep_ns(2 * MS);
    assert_int_equal(rd64(r, CNT), h);
    /* sub-register reads give the bytes */
    wr64(r, CNT, 0x1122334455667788ull);
    assert_int_equal(r->m->read(r->dev, 0, CNT + 2, 2), 0x5566);
    assert_int_equal(r->m->read(r->dev, 0, CNT + 7, 1), 0x11);
    rig_free(r);
}

static void test_one_shot_edge(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2 intr ioapic:8");
    wr32(r, GCONF, 1);
    uint64_t t0 = event_now();
    uint64_t now = rd64(r, CNT);
    wr64(r, TCMP(1), now + 5 * TICKS_PER_MS);
    wr32(r, TCONF(1), ENB);
    run_for(r, 60 * MS, -1, 0);
    assert_int_equal(r->rises[1], 1);
    assert_int_equal(r->rises[0], 0);
    uint64_t at = r->rise_ns[1][0] - t0;
    if (at < 5 * MS - 100000 || at > 50 * MS)
        fail_msg("one-shot fired after %llu ns, expected about 5 ms", (unsigned long long)at);
    assert_false(r->level[1]);
    assert_int_equal(rd32(r, GSTA), 0); /* edge: no status */
    /* a comparator behind the counter never matches (64-bit) */
    wr64(r, TCMP(1), rd64(r, CNT) - 1);
    run_for(r, 20 * MS, -1, 0);
    assert_int_equal(r->rises[1], 1);
    rig_free(r);
}

static void test_periodic_edge(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2");
    wr32(r, TCONF(0), ENB | PERIODIC | VAL_SET);
    wr64(r, TCMP(0), 10 * TICKS_PER_MS); /* first match, and the period */
    assert_int_equal(rd32(r, TCONF(0)) & VAL_SET, 0); /* cleared by the write */
    uint64_t t0 = event_now();
    wr32(r, GCONF, 1);
    run_for(r, 105 * MS, -1, 0);
    if (r->rises[0] < 7 || r->rises[0] > 11)
        fail_msg("%u periodic interrupts in 105 ms, expected about 10", r->rises[0]);
    assert_true(r->rise_ns[0][0] - t0 >= 10 * MS - 100000);
    /* the comparator advanced by the period: it holds the next match */
    uint64_t cmp = rd64(r, TCMP(0)), cnt = rd64(r, CNT);
    assert_true(cmp > cnt && cmp - cnt <= 10 * TICKS_PER_MS + 1);
    assert_int_equal(cmp % (10 * TICKS_PER_MS), 0);
    /* a write without VAL_SET sets only the period */
    wr64(r, TCMP(0), 2 * TICKS_PER_MS);
    assert_int_equal(rd64(r, TCMP(0)), cmp);
    unsigned before = r->rises[0];
    run_for(r, 50 * MS, -1, 0);
    assert_true(r->rises[0] - before >= 12); /* now every 2 ms after the next match */
    rig_free(r);
}

static void test_level_and_status(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2 intr ioapic:8");
    wr32(r, GCONF, 1);
    wr64(r, TCMP(1), rd64(r, CNT) + 2 * TICKS_PER_MS);
    wr32(r, TCONF(1), ENB | LEVEL);
    run_for(r, 500 * MS, 1, 1);
    assert_int_equal(r->rises[1], 1);
    assert_true(r->level[1]); /* held high */
    assert_int_equal(rd32(r, GSTA), 2);
    wr32(r, GSTA, 1); /* another bit: nothing changes */
    assert_true(r->level[1]);
    wr32(r, GSTA, 2); /* write 1 to clear: the line drops */
    assert_false(r->level[1]);
    assert_int_equal(rd32(r, GSTA), 0);
    /* with the interrupt disabled the status is still set, the line stays low */
    wr32(r, TCONF(1), LEVEL);
    wr64(r, TCMP(1), rd64(r, CNT) + TICKS_PER_MS);
    sleep_ns(3 * MS);
    assert_int_equal(rd32(r, GSTA), 2);
    assert_false(r->level[1]);
    /* enabling it then raises the line; disabling lowers it */
    wr32(r, TCONF(1), LEVEL | ENB);
    assert_true(r->level[1]);
    wr32(r, TCONF(1), LEVEL);
    assert_false(r->level[1]);
    /* switching to edge ends the level and the status */
    wr32(r, TCONF(1), LEVEL | ENB);
    assert_true(r->level[1]);
    wr32(r, TCONF(1), ENB);
    assert_false(r->level[1]);
    assert_int_equal(rd32(r, GSTA), 0);
    rig_free(r);
}

static void test_32bit_mode(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2");
    wr64(r, TCMP(0), 0xaabbccdd11223344ull);
    wr32(r, TCONF(0), MODE32);
    assert_int_equal(rd64(r, TCMP(0)), 0x11223344); /* upper half cleared */
    wr32(r, TCMP(0) + 4, 0x55);
    assert_int_equal(rd64(r, TCMP(0)), 0x11223344); /* and stays 0 */
    /* 1 ms before the low half wraps; a 32-bit comparator of 0x100 matches
     * just after the wrap */
    wr64(r, CNT, 0x1ffffffffull - TICKS_PER_MS);
    wr32(r, TCMP(0), 0x100);
    wr32(r, TCONF(0), MODE32 | ENB);
    uint64_t t0 = event_now();
    wr32(r, GCONF, 1);
    run_for(r, 500 * MS, 0, 1);
    assert_int_equal(r->rises[0], 1);
    assert_true(r->rise_ns[0][0] - t0 >= MS - 100000);
    assert_true(rd64(r, CNT) >= 0x200000100ull);
    /* the same comparator in 64-bit mode is behind the counter: no match */
    wr32(r, GCONF, 0);
    wr64(r, CNT, 0x1ffffffffull - TICKS_PER_MS);
    wr32(r, TCONF(0), ENB);
    wr64(r, TCMP(0), 0x100);
    wr32(r, GCONF, 1);
    run_for(r, 20 * MS, -1, 0);
    assert_int_equal(r->rises[0], 1);
    rig_free(r);
}

/* Linux's hpet_set_periodic: halted counter, VAL_SET, 32-bit writes of the
 * first match and then of the period. */
static void test_linux_periodic_sequence(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2");
    wr32(r, GCONF, 0x3); /* enabled, legacy replacement */
    wr32(r, GCONF, 0x2); /* hpet_stop_counter */
    uint32_t now = rd32(r, CNT);
    uint32_t delta = (uint32_t)(4 * TICKS_PER_MS);
    wr32(r, TCONF(0), ENB | PERIODIC | VAL_SET | MODE32);
    wr32(r, TCMP(0), now + delta);
    wr32(r, TCMP(0), delta);
    wr32(r, GCONF, 0x3); /* hpet_start_counter */
    run_for(r, 42 * MS, -1, 0);
    if (r->rises[0] < 7 || r->rises[0] > 11)
        fail_msg("%u interrupts in 42 ms at 4 ms, expected about 10", r->rises[0]);
    rig_free(r);
}

static void test_fast_period_is_capped(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2 frequency 1000000000");
    wr32(r, TCONF(0), ENB | PERIODIC | VAL_SET);
    wr64(r, TCMP(0), 1); /* 1 GHz asked */
    uint64_t t0 = event_now();
    wr32(r, GCONF, 1);
    run_for(r, 50 * MS, -1, 0);
    uint64_t took = event_now() - t0;
    uint64_t cap = took / 10000 + 2;
    if (r->rises[0] > cap || r->rises[0] < 10)
        fail_msg("%u interrupts in %llu ns (cap %llu)", r->rises[0], (unsigned long long)took,
                 (unsigned long long)cap);
    /* the comparator still follows the guest's period */
    uint64_t cmp = rd64(r, TCMP(0)), cnt = rd64(r, CNT);
    if (!(cmp + 100000000 > cnt && cmp <= cnt + 1))
        fail_msg("comparator %llu, counter %llu", (unsigned long long)cmp, (unsigned long long)cnt);
    rig_free(r);
}

static void test_hostile_accesses(void **state)
{
    (void)state;
    struct rig *r = rig("vdev ioapic vdev hpet intr ioapic:2 intr ioapic:8");
    srand(1);
    static const unsigned sizes[] = { 1, 2, 4, 8, 3 };
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t off = (uint64_t)rand() % 0x420;
        uint64_t v = (uint64_t)rand() << 33 ^ (uint64_t)rand();
        unsigned size = sizes[rand() % 5];
        if (rand() & 1)
            r->m->write(r->dev, 0, off, size, v);
        else
            (void)r->m->read(r->dev, 0, off, size);
    }
    /* odd writes are ignored */
    r->m->write(r->dev, 0, GCONF, 1, 1);
    r->m->write(r->dev, 0, GCONF + 2, 4, 1);
    (void)rd64(r, CNT);
    uint64_t t0 = event_now();
    run_for(r, 20 * MS, -1, 0);
    assert_true(event_now() - t0 < 500 * MS);
    /* a counter near 2^64 with periodic timers: nothing overflows into a storm */
    wr32(r, GCONF, 0);
    wr64(r, CNT, ~0ull - 1000);
    wr32(r, TCONF(0), ENB | PERIODIC | VAL_SET);
    wr64(r, TCMP(0), ~0ull - 10);
    wr32(r, GCONF, 1);
    run_for(r, 10 * MS, -1, 0);
    assert_true(r->rises[0] < 1100);
    rig_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capabilities),
        cmocka_unit_test(test_main_counter),
        cmocka_unit_test(test_one_shot_edge),
        cmocka_unit_test(test_periodic_edge),
        cmocka_unit_test(test_level_and_status),
        cmocka_unit_test(test_32bit_mode),
        cmocka_unit_test(test_linux_periodic_sequence),
        cmocka_unit_test(test_fast_period_is_capped),
        cmocka_unit_test(test_hostile_accesses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
