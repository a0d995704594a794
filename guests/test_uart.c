/* test_uart: the 16550A register model at io:0x3f8, polled, no interrupts.
 *
 * Order matters: the line of host input ("hello-uart\n", from `hostdev <FILE`)
 * is read right after the checks that leave the receiver alone, and before
 * the FIFO and loopback checks. Disabling the FIFOs or setting FCR bit 1
 * discards whatever the receiver holds, and in loopback mode a real 16550
 * disconnects its serial input; a VMM that queued the host's bytes at start
 * could legitimately lose them there. Nothing is printed while DLAB is set or
 * loopback is on (the bytes would land in DLL, or come back as input);
 * results are printed afterwards.
 *
 * Command line (optional): expect=TEXT (default "hello-uart"), the line to
 * read; input_timeout=MS (default 10000). */
#include "cmdline.h"
#include "io.h"
#include "kit.h"
#include "kstring.h"
#include "serial.h"
#include "test.h"
#include "tsc.h"

#define U(reg) (COM1 + (reg))

static uint8_t rd(unsigned reg)
{
    return inb((uint16_t)U(reg));
}

static void wr(unsigned reg, uint8_t v)
{
    outb((uint16_t)U(reg), v);
}

/* Waits up to us for (LSR & mask) == want; returns the last LSR. */
static uint8_t wait_lsr(uint8_t mask, uint8_t want, uint64_t us)
{
    uint64_t d = tsc_deadline_us(us);
    uint8_t lsr;
    while (((lsr = rd(UART_LSR)) & mask) != want && !tsc_expired(d))
        pause();
    return lsr;
}

static void drain_tx(void)
{
    wait_lsr(UART_LSR_THRE | UART_LSR_TEMT, UART_LSR_THRE | UART_LSR_TEMT, 100000);
}

static void test_scratch(void)
{
    static const uint8_t vals[] = { 0x5a, 0xa5, 0xff, 0x00 };
    uint8_t got[4];
    for (int i = 0; i < 4; i++) {
        wr(UART_SCR, vals[i]);
        got[i] = rd(UART_SCR);
    }
    int ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= got[i] == vals[i];
    TEST_CHECK("uart.scratch", ok, "wrote 5a a5 ff 00, read %02x %02x %02x %02x", got[0], got[1],
               got[2], got[3]);
}

static void test_divisor(void)
{
    drain_tx();
    wr(UART_LCR, 0x83); /* DLAB, 8N1 */
    wr(UART_DLL, 0x0c);
    wr(UART_DLM, 0x00);
    uint8_t dll1 = rd(UART_DLL), dlm1 = rd(UART_DLM);
    wr(UART_DLL, 0x34);
    wr(UART_DLM, 0x12);
    uint8_t dll2 = rd(UART_DLL), dlm2 = rd(UART_DLM), lcr1 = rd(UART_LCR);
    wr(UART_LCR, 0x03); /* DLAB off: offset 1 is IER again (0), not DLM (0x12) */
    uint8_t lcr2 = rd(UART_LCR), ier = rd(UART_IER);
    wr(UART_LCR, 0x83); /* back to divisor 1 */
    wr(UART_DLL, 0x01);
    wr(UART_DLM, 0x00);
    uint8_t dll3 = rd(UART_DLL), dlm3 = rd(UART_DLM);
    wr(UART_LCR, 0x03);
    uint8_t lcr3 = rd(UART_LCR);

    TEST_CHECK("uart.divisor",
               dll1 == 0x0c && dlm1 == 0x00 && dll2 == 0x34 && dlm2 == 0x12 && dll3 == 0x01 &&
                   dlm3 == 0x00,
               "DLL/DLM read back %02x/%02x, %02x/%02x, %02x/%02x (wrote 0c/00, 34/12, 01/00)",
               dll1, dlm1, dll2, dlm2, dll3, dlm3);
    TEST_CHECK("uart.lcr", lcr1 == 0x83 && lcr2 == 0x03 && lcr3 == 0x03,
               "LCR read back %02x, %02x, %02x (wrote 83, 03, 03)", lcr1, lcr2, lcr3);
    TEST_CHECK("uart.dlab", ier == 0x00,
               "with DLAB clear, offset 1 read %02x: expected IER (00), DLM was 12", ier);
}

static void test_lsr_idle(const char *name)
{
    uint8_t lsr = wait_lsr(UART_LSR_THRE | UART_LSR_TEMT, UART_LSR_THRE | UART_LSR_TEMT, 100000);
    TEST_CHECK(name, (lsr & 0x60) == 0x60, "LSR 0x%02x: THRE (0x20) and TEMT (0x40) not both set",
               lsr);
}

static void test_input(const struct kqvm_boot_info *bi)
{
    size_t elen;
    const char *expect = cmdline_get(bi, "expect", &elen);
    if (!expect) {
        expect = "hello-uart";
        elen = strlen(expect);
    }
    uint64_t ms = 10000;
    cmdline_u64(bi, "input_timeout", &ms);

    kprintf("test_uart: waiting for a line of input\n");
    char line[80];
    size_t n = 0;
    int complete = 0;
    uint64_t d = tsc_deadline_us(ms * 1000);
    while (!complete && !tsc_expired(d)) {
        uint8_t lsr = rd(UART_LSR);
        if (!(lsr & UART_LSR_DR)) {
            pause();
            continue;
        }
        char c = (char)rd(UART_RBR);
        if (c == '\n' || c == '\r') {
            complete = n > 0; /* skip empty lines */
            continue;
        }
        if (n < sizeof(line) - 1)
            line[n++] = c;
    }
    line[n] = '\0';
    kprintf("test_uart: echo: %s\n", line);
    if (!complete)
        TEST_FAIL("uart.input", "no complete line within %lu ms (got %lu bytes: \"%s\")", ms, n,
                  line);
    else
        TEST_CHECK("uart.input", n == elen && memcmp(line, expect, n) == 0,
                   "read \"%s\", expected \"%.*s\"", line, (int)elen, expect);
}

static void test_fifo(void)
{
    wr(UART_FCR, 0x00);
    uint8_t iir_off = rd(UART_IIR);
    wr(UART_FCR, 0x07); /* enable, clear RX and TX */
    uint8_t iir_on = rd(UART_IIR);
    TEST_CHECK("uart.fifo", (iir_off & 0xc0) == 0x00 && (iir_on & 0xc0) == 0xc0,
               "IIR 0x%02x with FCR 0, 0x%02x with FCR 7: bits 7:6 should be 00, then 11", iir_off,
               iir_on);
    TEST_CHECK("uart.iir", (iir_off & 0x0f) == 0x01 && (iir_on & 0x0f) == 0x01,
               "IIR 0x%02x, 0x%02x: with IER 0, bits 3:0 should read 0001 (none pending)", iir_off,
               iir_on);
}

struct loop_result {
    uint8_t mcr_in_loop;
    uint8_t msr[6];
    int drained;
    uint8_t lsr_before, rbr1, lsr_after;
    uint8_t fifo_got[4];
    int fifo_n;
    uint8_t lsr_fifo_after;
    uint8_t lsr_clear_before, lsr_clear_after;
    uint8_t lsr_idle;
    uint8_t mcr_after;
    int stray;
};

static void loopback(struct loop_result *r)
{
    static const uint8_t mcr_vals[6] = { 0x1f, 0x10, 0x11, 0x12, 0x14, 0x18 };
    drain_tx();
    wr(UART_MCR, 0x10);
    r->mcr_in_loop = rd(UART_MCR);
    for (int i = 0; i < 64 && (rd(UART_LSR) & UART_LSR_DR); i++, r->drained++)
        rd(UART_RBR);

    for (int i = 0; i < 6; i++) {
        wr(UART_MCR, mcr_vals[i]);
        r->msr[i] = rd(UART_MSR);
    }
    wr(UART_MCR, 0x10);
    rd(UART_MSR); /* clear the delta bits */

    /* one byte */
    wr(UART_THR, 'K');
    r->lsr_before = wait_lsr(UART_LSR_DR, UART_LSR_DR, 100000);
    r->rbr1 = rd(UART_RBR);
    r->lsr_after = rd(UART_LSR);

    /* four bytes through the FIFOs */
    static const uint8_t four[4] = { 'a', 'b', 'c', 'd' };
    for (int i = 0; i < 4; i++)
        wr(UART_THR, four[i]);
    for (int i = 0; i < 4; i++) {
        if (!(wait_lsr(UART_LSR_DR, UART_LSR_DR, 100000) & UART_LSR_DR))
            break;
        r->fifo_got[r->fifo_n++] = rd(UART_RBR);
    }
    r->lsr_fifo_after = rd(UART_LSR);

    /* FCR bit 1 empties the receive FIFO */
    wr(UART_THR, 'x');
    wr(UART_THR, 'y');
    r->lsr_clear_before = wait_lsr(UART_LSR_DR, UART_LSR_DR, 100000);
    wait_lsr(UART_LSR_TEMT, UART_LSR_TEMT, 100000);
    wr(UART_FCR, 0x07);
    r->lsr_clear_after = rd(UART_LSR);

    r->lsr_idle = wait_lsr(0x60, 0x60, 100000);
    wr(UART_MCR, 0x03); /* out of loopback: DTR, RTS */
    r->mcr_after = rd(UART_MCR);
    r->stray = rd(UART_LSR) & UART_LSR_DR;
}

void kmain(const struct kqvm_boot_info *bi)
{
    kprintf("test_uart: 16550A at io:0x%x\n", COM1);
    test_scratch();
    test_divisor();
    test_lsr_idle("uart.lsr_idle");
    test_input(bi);
    test_fifo();

    struct loop_result r = { 0 };
    loopback(&r);
    if (r.drained)
        kprintf("test_uart: %d byte(s) were waiting when loopback started\n", r.drained);
    TEST_CHECK("uart.loopback_mcr", r.mcr_in_loop == 0x10, "MCR read 0x%02x after writing 0x10",
               r.mcr_in_loop);
    static const uint8_t msr_want[6] = { 0xf0, 0x00, 0x20, 0x10, 0x40, 0x80 };
    int msr_ok = 1;
    for (int i = 0; i < 6; i++)
        msr_ok &= (r.msr[i] & 0xf0) == msr_want[i];
    TEST_CHECK("uart.loopback_msr", msr_ok,
               "MSR %02x %02x %02x %02x %02x %02x for MCR 1f 10 11 12 14 18; high nibbles should "
               "be f0 00 20 10 40 80",
               r.msr[0], r.msr[1], r.msr[2], r.msr[3], r.msr[4], r.msr[5]);
    TEST_CHECK("uart.loopback_data",
               (r.lsr_before & UART_LSR_DR) && r.rbr1 == 'K' && !(r.lsr_after & UART_LSR_DR),
               "sent 'K': LSR 0x%02x, RBR 0x%02x, then LSR 0x%02x (want DR, 0x4b, no DR)",
               r.lsr_before, r.rbr1, r.lsr_after);
    TEST_CHECK("uart.loopback_fifo",
               r.fifo_n == 4 && memcmp(r.fifo_got, "abcd", 4) == 0 &&
                   !(r.lsr_fifo_after & UART_LSR_DR),
               "sent \"abcd\", got %d byte(s) %02x %02x %02x %02x, then LSR 0x%02x", r.fifo_n,
               r.fifo_got[0], r.fifo_got[1], r.fifo_got[2], r.fifo_got[3], r.lsr_fifo_after);
    TEST_CHECK("uart.fifo_clear",
               (r.lsr_clear_before & UART_LSR_DR) && !(r.lsr_clear_after & UART_LSR_DR),
               "LSR 0x%02x with 2 bytes received, 0x%02x after FCR 0x07 (want DR, then no DR)",
               r.lsr_clear_before, r.lsr_clear_after);
    TEST_CHECK("uart.loopback_lsr", (r.lsr_idle & 0x60) == 0x60,
               "LSR 0x%02x after loopback transfers: THRE and TEMT not both set", r.lsr_idle);
    TEST_CHECK("uart.loopback_exit", r.mcr_after == 0x03 && !r.stray,
               "MCR 0x%02x after writing 0x03, %s", r.mcr_after,
               r.stray ? "and a byte is waiting" : "nothing waiting");
    test_lsr_idle("uart.lsr");
    TEST_DONE();
}
