/* test_reset: prints "test_reset: boot", then writes 0xfe to io:0x64 (vdev
 * pckeyboard). kqvm ends with status 3 (set reset-action exit) or restarts
 * the VM, which prints the boot line again.
 *
 * If the write has no effect, the guest reports
 *   KQVM-TEST: FAIL reset: ...
 * after 1 s and powers off (status 0), rather than hanging.
 *
 * Command line (optional): maxboots=N. With it, the guest counts its boots
 * in RAM at 0x9f000 (a magic word and a count; that page must be RAM, and
 * kqvm must keep RAM contents across the restart) and, on boot N, prints
 * "test_reset: boot N of N", "KQVM-TEST: PASS reset" and "KQVM-TEST: DONE"
 * and powers off instead of resetting again. Without it, every boot resets. */
#include "cmdline.h"
#include "io.h"
#include "kit.h"
#include "power.h"
#include "test.h"
#include "tsc.h"

#define COUNTER_ADDR  0x9f000u
#define COUNTER_MAGIC 0x544553455256514bull /* "KQVRESET" */

void kmain(const struct kqvm_boot_info *bi)
{
    kprintf("test_reset: boot\n");

    uint64_t maxboots;
    if (cmdline_u64(bi, "maxboots", &maxboots)) {
        uint64_t area = kqvm_boot_area(bi);
        int clash = COUNTER_ADDR < area + KQVM_BOOT_AREA_SIZE && area < COUNTER_ADDR + 16;
        if (clash || !kqvm_mem_covers(bi, COUNTER_ADDR, 16, KQVM_MEM_RAM)) {
            kprintf("test_reset: 0x%x is not free RAM, ignoring maxboots\n", COUNTER_ADDR);
        } else {
            volatile uint64_t *c = (volatile uint64_t *)(uintptr_t)COUNTER_ADDR;
            if (c[0] != COUNTER_MAGIC) {
                c[0] = COUNTER_MAGIC;
                c[1] = 0;
            }
            uint64_t boots = ++c[1];
            kprintf("test_reset: boot %lu of %lu\n", boots, maxboots);
            if (boots >= maxboots) {
                c[0] = 0;
                TEST_PASS("reset");
                TEST_DONE();
            }
        }
    }

    kprintf("test_reset: writing 0xfe to io:0x64\n");
    outb(KQVM_KBD_CMD, KQVM_KBD_RESET);
    delay_us(1000000);
    TEST_FAIL("reset", "still running 1 s after writing 0xfe to io:0x64");
    TEST_DONE();
}
