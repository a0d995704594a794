/* test_rom: a ROM region is readable and ignores writes.
 *
 * Configuration:  rom 0x200000,64k
 *                 data load 0x200000,FILE
 * Command line (optional):
 *   expect=HEX   the first bytes of FILE, as hex (at most 64 bytes);
 *                default "KQVM-ROM" (4b51564d2d524f4d), the start of the
 *                build's $(BUILD)/guests/test_rom.bin
 *   rom=ADDR     the ROM's address (default 0x200000)
 *
 * Checks: rom.map (the memory map has a reserved entry covering the ROM),
 * rom.contents (the ROM starts with the expected bytes), rom.write_dropped
 * (8/16/32/64-bit writes to the ROM leave it unchanged). */
#include "cmdline.h"
#include "io.h"
#include "kit.h"
#include "kstring.h"
#include "test.h"

#define ROM_DEFAULT 0x200000u
#define SNAP        64

static const uint8_t default_expect[] = { 'K', 'Q', 'V', 'M', '-', 'R', 'O', 'M' };

static void hexdump(const char *what, const uint8_t *b, int n)
{
    char line[3 * SNAP + 1];
    int k = 0;
    for (int i = 0; i < n && i < SNAP; i++)
        k += ksnprintf(line + k, sizeof(line) - (size_t)k, "%02x", b[i]);
    line[k] = '\0';
    kprintf("test_rom: %s %s\n", what, line);
}

void kmain(const struct kqvm_boot_info *bi)
{
    uint64_t rom = ROM_DEFAULT;
    cmdline_u64(bi, "rom", &rom);

    uint8_t expect[SNAP];
    int nexp = cmdline_hex(bi, "expect", expect, sizeof(expect));
    if (nexp < 0) {
        TEST_FAIL("rom.cmdline", "malformed expect= (want up to %d bytes of hex)", SNAP);
        TEST_DONE();
    }
    if (nexp == 0) {
        memcpy(expect, default_expect, sizeof(default_expect));
        nexp = sizeof(default_expect);
    }

    TEST_CHECK("rom.map", kqvm_mem_covers(bi, rom, SNAP, KQVM_MEM_RESERVED),
               "no reserved (ROM) entry in the boot info memory map covers 0x%lx", rom);

    uint8_t before[SNAP], after[SNAP];
    for (int i = 0; i < SNAP; i++)
        before[i] = mmio_read8(rom + (uint64_t)i);
    hexdump("expected", expect, nexp);
    hexdump("read    ", before, nexp);
    TEST_CHECK("rom.contents", memcmp(before, expect, (size_t)nexp) == 0,
               "the first %d bytes at 0x%lx differ from the expected ones", nexp, rom);

    /* every write flips every bit of what is there */
    mmio_write8(rom + 0, (uint8_t)~before[0]);
    mmio_write16(rom + 2, (uint16_t) ~(before[2] | before[3] << 8));
    uint32_t w32, w64lo, w64hi;
    memcpy(&w32, before + 4, 4);
    memcpy(&w64lo, before + 8, 4);
    memcpy(&w64hi, before + 12, 4);
    mmio_write32(rom + 4, ~w32);
    mmio_write64(rom + 8, ~((uint64_t)w64hi << 32 | w64lo));
    mmio_write32(rom + 60, 0xdeadbeef ^ 0xffffffffu);
    for (int i = 0; i < SNAP; i++)
        after[i] = mmio_read8(rom + (uint64_t)i);
    int changed = -1;
    for (int i = 0; i < SNAP && changed < 0; i++)
        if (after[i] != before[i])
            changed = i;
    if (changed >= 0)
        hexdump("after writes", after, SNAP);
    TEST_CHECK("rom.write_dropped", changed < 0,
               "byte 0x%lx changed from 0x%02x to 0x%02x after a write", rom + (uint64_t)changed,
               changed >= 0 ? before[changed] : 0, changed >= 0 ? after[changed] : 0);
    TEST_DONE();
}
