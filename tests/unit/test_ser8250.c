/* The ser8250 register model, driven through its bus handlers without KVM:
 * reset values, divisor latch, scratch, loopback, FIFO and overrun, modem
 * status, interrupts (gated by OUT2), host output and input without loss. */
#include "unit.h"

#include "irq/chip.h"
#include "vdev/vdev_ctx.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <unistd.h>

enum { THR = 0, RBR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5,
       MSR = 6, SCR = 7 };

struct uart_rig {
    struct run *cfg;
    struct event_loop loop;
    struct hostdev host;
    int out[2], in[2]; /* pipes: guest output, guest input */
    struct irq_chip chip; /* one pin, standing for a controller */
    struct irq_line line;
    struct irq_line *lines[1];
    bool pin;
    struct vdev_ctx ctx;
    const struct vdev_model *m;
    void *dev;
};

static void pin_set(void *dev, unsigned pin, bool level)
{
    (void)pin;
    struct uart_rig *u = dev;
    u->pin = level;
}

static const struct irq_chip_ops pin_ops = { .set_pin = pin_set };

static struct uart_rig *rig(const char *config)
{
    struct uart_rig *u = calloc(1, sizeof(*u));
    u->cfg = run_text(config);
    assert_true(u->cfg->ok);
    assert_true(event_init(&u->loop));
    assert_int_equal(pipe(u->out), 0);
    assert_int_equal(pipe(u->in), 0);
    fcntl(u->in[0], F_SETFL, O_NONBLOCK);
    u->host = (struct hostdev){ .out_fd = { u->out[1] }, .nout = 1, .in_fd = u->in[0],
                                .owner = "test" };
    assert_true(irq_chip_init(&u->chip, "test", 1, &pin_ops, u));
    assert_true(irq_line_connect(&u->line, &u->chip, 0));
    u->lines[0] = &u->line;
    const struct vdev_spec *spec = NULL;
    for (unsigned i = 0; i < u->cfg->f.vm.nvdevs && !spec; i++)
        if (!strcmp(u->cfg->f.vm.vdevs[i].type->name, "ser8250"))
            spec = &u->cfg->f.vm.vdevs[i];
    assert_non_null(spec);
    u->ctx = (struct vdev_ctx){ .spec = spec, .vm_spec = &u->cfg->f.vm, .loop = &u->loop,
                                .irq = u->lines, .host = &u->host };
    u->m = spec->type->model;
    u->dev = u->m->create(&u->ctx);
    assert_non_null(u->dev);
    return u;
}

static void rig_free(struct uart_rig *u)
{
    u->m->destroy(u->dev);
    event_free(&u->loop);
    irq_chip_destroy(&u->chip);
    close(u->out[0]);
    close(u->out[1]);
    close(u->in[0]);
    close(u->in[1]);
    run_free(u->cfg);
    free(u);
}

static uint8_t rd(struct uart_rig *u, unsigned reg)
{
    return (uint8_t)u->m->read(u->dev, 0, reg, 1);
}

static void wr(struct uart_rig *u, unsigned reg, uint8_t v)
{
    u->m->write(u->dev, 0, reg, 1, v);
}

/* Run the event loop until the guest sees received data (or give up). */
static unsigned tries;
static bool data_ready_or_tired(void *arg)
{
    struct uart_rig *u = arg;
    return (rd(u, LSR) & 0x01) || ++tries > 50;
}

static void pump(struct uart_rig *u)
{
    tries = 0;
    event_wake(&u->loop);
    event_run(&u->loop, data_ready_or_tired, u);
}

static void test_reset_values(void **state)
{
    (void)state;
    struct uart_rig *u = rig("vdev ser8250");
    assert_int_equal(rd(u, LSR), 0x60); /* THRE, TEMT */
    assert_int_equal(rd(u, IIR), 0x01); /* nothing pending, no FIFO */
    assert_int_equal(rd(u, IER), 0);
    assert_int_equal(rd(u, MCR), 0);
    assert_int_equal(rd(u, MSR), 0xb0); /* CTS, DSR, DCD: a connected modem */
    rig_free(u);
}

static void test_scratch_and_divisor_latch(void **state)
{
    (void)state;
    struct uart_rig *u = rig("vdev ser8250");
    wr(u, SCR, 0x5a);
    assert_int_equal(rd(u, SCR), 0x5a);
    wr(u, IER, 0x05);
    wr(u, LCR, 0x83); /* DLAB, 8 bits */
    wr(u, DLL, 0x01);
    wr(u, DLM, 0x02);
    assert_int_equal(rd(u, DLL), 0x01);
    assert_int_equal(rd(u, DLM), 0x02);
    wr(u, LCR, 0x03);
    assert_int_equal(rd(u, LCR), 0x03);
    assert_int_equal(rd(u, IER), 0x05); /* untouched by the divisor writes */
    rig_free(u);
}

static void test_transmit_goes_to_the_host(void **state)
{
    (void)state;
    struct uart_rig *u = rig("vdev ser8250");
    wr(u, THR, 'h');
    wr(u, THR, 'i');
    assert_int_equal(rd(u, LSR) & 0x60, 0x60); /* empty again at once */
    char buf[4] = { 0 };
    assert_int_equal(read(u->out[0], buf, sizeof(buf)), 2);
    assert_string_equal(buf, "hi");
    rig_free(u);
}

static void test_loopback(void **state)
{
    (void)state;
    struct uart_rig *u = rig("vdev ser8250");
    wr(u, MCR, 0x10);
    wr(u, THR, 'A');
    assert_int_equal(rd(u, LSR) & 0x01, 0x01);
    assert_int_equal(rd(u, RBR), 'A');
    assert_int_equal(rd(u, LSR) & 0x01, 0);
    /* nothing left for the host */
    fcntl(u->out[0], F_SETFL, O_NONBLOCK);
    char c;
    assert_int_equal(read(u->out[0], &c, 1), -1);
    /* modem outputs come back as inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD */
    wr(u, MCR, 0x1f);
    assert_int_equal(rd(u, MSR) & 0xf0, 0xf0);
    wr(u, MCR, 0x10 | 0x02);
    uint8_t msr = rd(u, MSR);
    assert_int_equal(msr & 0xf0, 0x10);
    assert_int_equal(msr & 0x0f, 0x0e); /* delta DSR, trailing-edge RI, delta DCD */
    assert_int_equal(rd(u, MSR) & 0x0f, 0); /* reading cleared the deltas */
    rig_free(u);
}

static void test_fifo_and_overrun(void **state)
{
    (void)state;
    struct uart_rig *u = rig("vdev ser8250");
    wr(u, FCR, 0x01);
    assert_int_equal(rd(u, IIR) & 0xc0, 0xc0);
    wr(u, MCR, 0x10);
    for (int i = 0; i < 17; i++)
        wr(u, THR, (uint8_t)('a' + i));
    uint8_t lsr = rd(u, LSR);
    assert_int_equal(lsr & 0x03, 0x03); /* data ready, overrun */
    assert_int_equal(rd(u, LSR) & 0x02, 0); /* reading LSR clears the overrun */
    for (int i = 0; i < 16; i++)
        assert_int_equal(rd(u, RBR), 'a' + i);
    assert_int_equal(rd(u, LSR) & 0x01, 0);
    assert_int_equal(rd(u, RBR), 'p'); /* empty: the last byte again */
    /* without the FIFO there is one holding register */
    wr(u, FCR, 0x00);
    wr(u, THR, 'x');
    wr(u, THR, 'y');
    assert_int_equal(rd(u, LSR) & 0x03, 0x03);
    assert_int_equal(rd(u, RBR), 'x');
    rig_free(u);
}

static void test_interrupts_and_out2(void **state)
{
    (void)state;
    struct uart_rig *u = rig("vdev ioapic vdev ser8250 intr ioapic:4");
    wr(u, IER, 0x02); /* THR empty */
    assert_false(u->pin); /* OUT2 low: the interrupt does not reach the line */
    assert_int_equal(rd(u, IIR) & 0x0f, 0x02);
    wr(u, THR, 'z');
    wr(u, MCR, 0x08);
    assert_true(u->pin);
    assert_int_equal(rd(u, IIR) & 0x0f, 0x02); /* reading IIR acknowledges THR empty */
    assert_false(u->pin);
    assert_int_equal(rd(u, IIR) & 0x0f, 0x01);
    /* received data, in loopback with OUT2 */
    wr(u, IER, 0x01);
    wr(u, MCR, 0x18);
    wr(u, THR, 'q');
    assert_true(u->pin);
    assert_int_equal(rd(u, IIR) & 0x0f, 0x04);
    assert_int_equal(rd(u, RBR), 'q');
    assert_false(u->pin);
    /* FIFO below its trigger level reports a character timeout */
    wr(u, FCR, 0xc1); /* trigger at 14 */
    wr(u, THR, 'r');
    assert_int_equal(rd(u, IIR) & 0x0f, 0x0c);
    /* overrun is a line status interrupt, first in priority */
    wr(u, IER, 0x05);
    for (int i = 0; i < 20; i++)
        wr(u, THR, 's');
    assert_int_equal(rd(u, IIR) & 0x0f, 0x06);
    rig_free(u);
}

static void test_host_input_without_loss(void **state)
{
    (void)state;
    struct uart_rig *u = rig("vdev ser8250");
    wr(u, FCR, 0x01);
    char msg[41];
    for (int i = 0; i < 40; i++)
        msg[i] = (char)('0' + i % 40);
    msg[40] = 0;
    assert_int_equal(write(u->in[1], msg, 40), 40);
    char got[41] = { 0 };
    int n = 0;
    while (n < 40) {
        pump(u);
        if (!(rd(u, LSR) & 0x01))
            break;
        while (rd(u, LSR) & 0x01)
            got[n++] = (char)rd(u, RBR);
    }
    assert_int_equal(n, 40); /* the FIFO holds 16; the rest waited in the host */
    assert_string_equal(got, msg);
    rig_free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reset_values),
        cmocka_unit_test(test_scratch_and_divisor_latch),
        cmocka_unit_test(test_transmit_goes_to_the_host),
        cmocka_unit_test(test_loopback),
        cmocka_unit_test(test_fifo_and_overrun),
        cmocka_unit_test(test_interrupts_and_out2),
        cmocka_unit_test(test_host_input_without_loss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
