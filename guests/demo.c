/* The demo guest: prints "kqvm demo guest", the RAM (sum of the RAM entries
 * of the boot info memory map, in MiB) and the vCPUs (ncpus), starts every
 * other vCPU, each of which prints "vCPU <n> is up", then prints
 * "demo: powering off" and powers off (kqvm exit status 0). */
#include "kit.h"
#include "power.h"
#include "serial.h"
#include "smp.h"

static void ap_main(unsigned apic_id)
{
    kprintf("vCPU %u is up\n", apic_id);
}

void kmain(const struct kqvm_boot_info *bi)
{
    kprintf("kqvm demo guest\n");
    kprintf("demo: RAM %lu MiB\n", kqvm_ram_bytes(bi) >> 20);
    for (uint32_t i = 0; i < bi->nmem; i++) {
        const struct kqvm_boot_mem *m = &bi->mem[i];
        kprintf("demo:   0x%09lx-0x%09lx %s\n", m->base, m->base + m->length - 1,
                m->type == KQVM_MEM_RAM ? "RAM" : "reserved");
    }
    kprintf("demo: %u vCPUs\n", bi->ncpus);
    if (bi->cmdline && *kqvm_cmdline(bi))
        kprintf("demo: command line \"%s\"\n", kqvm_cmdline(bi));

    if (bi->ncpus > 1) {
        int up = smp_start_aps(bi, ap_main, 5000);
        if (up >= 0) {
            smp_wait_done((unsigned)up, 5000);
            if ((unsigned)up + 1 < bi->ncpus)
                kprintf("demo: only %d of %u other vCPUs started\n", up, bi->ncpus - 1);
        }
    }
    kprintf("demo: powering off\n");
    power_off();
}
