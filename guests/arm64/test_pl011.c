/* test_pl011: the PL011 model as a driver sees it, polled: identification
 * registers, FR, IMSC/RIS/MIS/ICR, loopback with and without FIFOs, and a
 * line of host input (hostdev <FILE), echoed for the harness to compare. */
#include "kit.h"
#include "pl011.h"

static uint32_t rd(unsigned off)
{
    return mmio_read32(kit_uart + off);
}

static void wr(unsigned off, uint32_t v)
{
    mmio_write32(kit_uart + off, v);
}

void kmain(void)
{
    kprintf("test_pl011: console at 0x%lx\n", kit_uart);
    static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    bool ok = true;
    for (unsigned i = 0; i < 8; i++)
        ok &= (rd(UART_PERIPHID0 + 4 * i) & 0xff) == id[i];
    TEST_CHECK("pl011.id", ok, "PeriphID/PCellID %x %x %x %x", rd(UART_PERIPHID0),
               rd(UART_PERIPHID0 + 8), rd(UART_PCELLID0), rd(UART_PCELLID0 + 12));
    TEST_CHECK("pl011.fr_idle", (rd(UART_FR) & (FR_TXFE | FR_TXFF | FR_BUSY)) == FR_TXFE, "FR %x",
               rd(UART_FR));

    /* host input first (FIFOs off: one byte at a time), polled, up to a newline */
    char line[64];
    unsigned len = 0;
    uint64_t end = timer_now() + 10 * timer_freq();
    while (len < sizeof(line) - 1 && timer_now() < end) {
        if (rd(UART_FR) & FR_RXFE)
            continue;
        char c = (char)rd(UART_DR);
        if (c == '\n')
            break;
        line[len++] = c;
    }
    line[len] = 0;
    kprintf("test_pl011: echo: %s\n", line);
    TEST_CHECK("pl011.input", len > 0, "no host input within 10 s");

    /* TX: a write leaves the transmit interrupt raw-pending; MIS follows IMSC */
    wr(UART_ICR, 0x7ff);
    wr(UART_IMSC, 0);
    putc_('\n');
    TEST_CHECK("pl011.tx_ris", (rd(UART_RIS) & INT_TX) && !(rd(UART_MIS) & INT_TX), "RIS %x MIS %x",
               rd(UART_RIS), rd(UART_MIS));
    wr(UART_IMSC, INT_TX);
    uint32_t mis = rd(UART_MIS);
    wr(UART_ICR, INT_TX);
    TEST_CHECK("pl011.mis_icr", (mis & INT_TX) && !(rd(UART_RIS) & INT_TX),
               "MIS %x, RIS %x after ICR", mis, rd(UART_RIS));
    wr(UART_IMSC, 0);

    /* loopback, FIFOs on: 20 bytes, 16 fit (then RXFF), the rest overrun */
    uint32_t cr = rd(UART_CR), lcr = rd(UART_LCR_H);
    wr(UART_LCR_H, lcr | LCR_FEN);
    wr(UART_CR, cr | CR_LBE | CR_TXE | CR_RXE | CR_UARTEN);
    for (unsigned i = 0; i < 20; i++)
        wr(UART_DR, 'a' + i);
    uint32_t fr_full = rd(UART_FR), ris = rd(UART_RIS);
    unsigned n = 0;
    ok = true;
    while (!(rd(UART_FR) & FR_RXFE) && n < 32) {
        uint32_t d = rd(UART_DR);
        ok &= (d & 0xff) == 'a' + n;
        n++;
    }
    uint32_t rsr = rd(UART_RSR);
    wr(UART_RSR, 0);
    /* FIFOs off: one byte holds */
    wr(UART_LCR_H, lcr & ~LCR_FEN);
    wr(UART_DR, 'X');
    wr(UART_DR, 'Y');
    uint32_t one = rd(UART_DR), fr_after = rd(UART_FR);
    wr(UART_CR, cr);
    wr(UART_LCR_H, lcr);
    TEST_CHECK("pl011.loop_fifo", n == 16 && ok && (fr_full & FR_RXFF) && (ris & INT_RX),
               "%u bytes back (ok %u), FR %x RIS %x", n, ok, fr_full, ris);
    TEST_CHECK("pl011.overrun", rsr & 8, "RSR %x", rsr);
    TEST_CHECK("pl011.loop_nofifo", (one & 0xff) == 'X' && (fr_after & FR_RXFE), "got %x, FR %x",
               one, fr_after);
}
