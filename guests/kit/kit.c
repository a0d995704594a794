#include "kit.h"

#include "gdt.h"
#include "idt.h"
#include "power.h"
#include "serial.h"

const struct kqvm_boot_info *kit_boot_info;

void kit_init(const struct kqvm_boot_info *bi)
{
    serial_init();
    gdt_load();
    idt_init();
    kit_boot_info = bi;
    if ((uintptr_t)bi < 0x1000 || (uintptr_t)bi >= 0x100000000ull || bi->magic != KQVM_BOOT_MAGIC) {
        kprintf("KQVM-TEST: FAIL boot_info: no kqvm boot info at %p (RDI)\n", (const void *)bi);
        power_off();
    }
    if (bi->version != KQVM_BOOT_VERSION)
        kprintf("kit: boot info version %u, expected %u\n", bi->version, KQVM_BOOT_VERSION);
}
