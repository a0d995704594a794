/* test_unclaimed: accesses nobody claims read as all ones and writes to them
 * are dropped.
 *   I/O port 0x2e0: 8/16/32-bit reads -> 0xff, 0xffff, 0xffffffff; the same
 *     after 8/16/32-bit writes.
 *   MMIO 0xd0000000: a 32-bit read -> 0xffffffff; also 8- and 16-bit reads,
 *     and again after a 32-bit write.
 * Command line (optional): port=N, mmio=ADDR to look elsewhere. */
#include "cmdline.h"
#include "io.h"
#include "kit.h"
#include "test.h"

void kmain(const struct kqvm_boot_info *bi)
{
    uint64_t port = 0x2e0, mmio = 0xd0000000u;
    cmdline_u64(bi, "port", &port);
    cmdline_u64(bi, "mmio", &mmio);
    uint16_t p = (uint16_t)port;
    kprintf("test_unclaimed: port 0x%x, MMIO 0x%lx\n", p, mmio);

    uint8_t b = inb(p);
    uint16_t w = inw(p);
    uint32_t l = inl(p);
    TEST_CHECK("unclaimed.pio_read", b == 0xff && w == 0xffff && l == 0xffffffffu,
               "port 0x%x read 0x%02x / 0x%04x / 0x%08x (byte/word/dword)", p, b, w, l);

    outb(p, 0x12);
    outw(p, 0x3456);
    outl(p, 0x789abcde);
    b = inb(p);
    w = inw(p);
    l = inl(p);
    TEST_CHECK("unclaimed.pio_write", b == 0xff && w == 0xffff && l == 0xffffffffu,
               "after writes, port 0x%x read 0x%02x / 0x%04x / 0x%08x", p, b, w, l);

    uint32_t m32 = mmio_read32(mmio);
    TEST_CHECK("unclaimed.mmio_read32", m32 == 0xffffffffu, "0x%lx read 0x%08x", mmio, m32);
    uint8_t m8 = mmio_read8(mmio);
    uint16_t m16 = mmio_read16(mmio + 2);
    TEST_CHECK("unclaimed.mmio_read8_16", m8 == 0xff && m16 == 0xffff,
               "0x%lx read 0x%02x (8-bit), 0x%lx read 0x%04x (16-bit)", mmio, m8, mmio + 2, m16);
    mmio_write32(mmio, 0x12345678);
    m32 = mmio_read32(mmio);
    TEST_CHECK("unclaimed.mmio_write", m32 == 0xffffffffu, "after a write, 0x%lx read 0x%08x", mmio,
               m32);
    TEST_DONE();
}
