/* kqvm's own GICv2 (src/vdev/gic.c, set gic-hwassist off) as the interrupt
 * core sees it: whether a line's interrupt will end with an EOI kqvm hears
 * (a level-triggered SPI: yes; edge: no, the GIC latches the edge), and
 * that the EOI handler runs when the guest deactivates the interrupt. A
 * device that waits for an EOI (pass-through) asks the first. */
#include "unit.h"

#include "irq/chip.h"
#include "vdev/gic.h"
#include "vdev/vdev_ctx.h"

#define GICD_CTLR      0x000
#define GICD_ISENABLER 0x100
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR     0xc00
#define GICC_CTLR      0x00
#define GICC_PMR       0x04
#define GICC_IAR       0x0c
#define GICC_EOIR      0x10
#define SPURIOUS       1023
#define SPI            40

extern const struct vdev_type vdev_gic;

struct fixture {
    struct run *r;
    struct vdev_ctx ctx;
    void *gic;
    struct irq_line line;
    unsigned eois;
};

static void on_eoi(void *arg)
{
    ((struct fixture *)arg)->eois++;
}

static void dist(struct fixture *f, uint64_t off, unsigned size, uint32_t v)
{
    vdev_gic.model->write(f->gic, 0, off, size, v);
}

static void cpu(struct fixture *f, uint64_t off, uint32_t v)
{
    vdev_gic.model->write(f->gic, 1, off, 4, v);
}

static uint32_t iar(struct fixture *f)
{
    return (uint32_t)vdev_gic.model->read(f->gic, 1, GICC_IAR, 4) & 0x3ff;
}

/* A GIC with SPI 40 enabled for vCPU 0, and a line on it with an EOI handler. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->r = run_text("set arch arm64\nset gic-hwassist off\nram 0x40000000,64m\n");
    assert_true(f->r->ok);
    f->ctx.vm_spec = &f->r->f.vm;
    f->ctx.spec = gic_spec(&f->r->f.vm);
    assert_non_null(f->ctx.spec);
    f->gic = vdev_gic.model->create(&f->ctx);
    assert_non_null(f->gic);
    assert_true(irq_line_connect(&f->line, f->ctx.chip, SPI));
    irq_set_eoi_handler(&f->line, on_eoi, f);
    dist(f, GICD_CTLR, 4, 1);
    dist(f, GICD_ISENABLER + SPI / 32 * 4, 4, 1u << (SPI % 32));
    dist(f, GICD_ITARGETSR + SPI, 1, 1);
    cpu(f, GICC_PMR, 0xff);
    cpu(f, GICC_CTLR, 1);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    vdev_gic.model->destroy(f->gic);
    run_free(f->r);
    free(f);
    return 0;
}

/* Level (the reset state): the EOI comes, and a line still high is taken
 * again after it. */
static void test_level_eoi(void **state)
{
    struct fixture *f = *state;
    assert_true(irq_line_expects_eoi(&f->line));
    irq_set_level(&f->line, true);
    assert_int_equal(iar(f), SPI);
    assert_int_equal(f->eois, 0);
    cpu(f, GICC_EOIR, SPI);
    assert_int_equal(f->eois, 1);
    assert_int_equal(iar(f), SPI); /* still asserted */
    irq_set_level(&f->line, false);
    cpu(f, GICC_EOIR, SPI);
    assert_int_equal(f->eois, 2);
    assert_int_equal(iar(f), SPURIOUS);
}

/* A level SPI that goes low before the guest looks is gone: why a device
 * waiting for the EOI must hold its line, not pulse it. */
static void test_level_pulse_lost(void **state)
{
    struct fixture *f = *state;
    irq_pulse(&f->line);
    assert_int_equal(iar(f), SPURIOUS);
}

/* Edge: no EOI to wait for, and a pulse is latched. */
static void test_edge(void **state)
{
    struct fixture *f = *state;
    dist(f, GICD_ICFGR + SPI / 16 * 4, 4, 2u << (SPI % 16 * 2));
    assert_false(irq_line_expects_eoi(&f->line));
    irq_pulse(&f->line);
    assert_int_equal(iar(f), SPI);
    cpu(f, GICC_EOIR, SPI);
    assert_int_equal(iar(f), SPURIOUS);
    dist(f, GICD_ICFGR + SPI / 16 * 4, 4, 0);
    assert_true(irq_line_expects_eoi(&f->line));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_level_eoi, setup, teardown),
        cmocka_unit_test_setup_teardown(test_level_pulse_lost, setup, teardown),
        cmocka_unit_test_setup_teardown(test_edge, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
