/* test_spi: the pl011's interrupt, from `intr gic:N`, must arrive as INTID N
 * (the device tree's SPI and `intid=N` on the command line agree), level-
 * triggered: loopback receive (RXIM, FIFOs off) `count=` (20) times, the
 * handler reading the byte (which lowers the line) before its EOI:
 * `KQVM-IRQ spi <n>`, spi.fdt, spi.count, spi.intid. */
#include "kit.h"
#include "pl011.h"

static volatile unsigned got, bad_intid;
static volatile uint32_t last_byte;

static void on_uart(unsigned intid)
{
    (void)intid;
    if (intid != irq_last)
        bad_intid = intid;
    last_byte = mmio_read32(kit_uart + UART_DR);
    got++;
}

void kmain(void)
{
    unsigned want = (unsigned)arg_u64("count", 20), expect = (unsigned)arg_u64("intid", 0);
    unsigned intid = fdt_spi(fdt_find_compatible("arm,pl011", 0));
    TEST_CHECK("spi.fdt", intid && intid == expect, "device tree INTID %u, intid= %u", intid,
               expect);
    if (!gic_init()) {
        TEST_FAIL("spi.gic", "no GIC in the device tree");
        return;
    }
    kprintf("test_spi: GICv%u, pl011 on INTID %u\n", gic_version, intid);
    irq_install(intid, on_uart);
    gic_enable(intid, true);
    uint32_t cr = mmio_read32(kit_uart + UART_CR), lcr = mmio_read32(kit_uart + UART_LCR_H);
    mmio_write32(kit_uart + UART_LCR_H, lcr & ~LCR_FEN);
    mmio_write32(kit_uart + UART_CR, cr | CR_LBE | CR_TXE | CR_RXE | CR_UARTEN);
    mmio_write32(kit_uart + UART_ICR, 0x7ff);
    mmio_write32(kit_uart + UART_IMSC, INT_RX);
    irq_enable();
    unsigned sent = 0;
    bool order = true;
    uint64_t end = timer_now() + 30 * timer_freq();
    while (got < want && timer_now() < end) {
        if (sent == got) {
            mmio_write32(kit_uart + UART_DR, 'A' + sent % 26);
            sent++;
        }
        if (got == sent && (last_byte & 0xff) != (uint32_t)('A' + (sent - 1) % 26))
            order = false;
    }
    delay_us(10000);
    irq_disable();
    mmio_write32(kit_uart + UART_IMSC, 0);
    mmio_write32(kit_uart + UART_CR, cr);
    mmio_write32(kit_uart + UART_LCR_H, lcr);
    kprintf("KQVM-IRQ spi %u\n", got);
    TEST_CHECK("spi.count", got == want && order, "%u interrupts for %u bytes (in order: %u)", got,
               sent, order);
    TEST_CHECK("spi.intid", !bad_intid && irq_last == expect, "INTID %u, expected %u", irq_last,
               expect);
}
