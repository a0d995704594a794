/* Linux's 64-bit boot protocol (Documentation/arch/x86/boot.rst): the kernel
 * starts at its 64-bit entry in long mode, with the boot area's identity map,
 * a GDT whose __BOOT_CS is 0x10 and __BOOT_DS 0x18, interrupts off, and RSI
 * pointing at boot_params (the "zero page"): the setup header, the command
 * line, the initrd, the e820 map and the ACPI RSDP. */
#include "arch/x86/e820.h"
#include "arch/x86/x86.h"

#include "util/log.h"

#include <string.h>

#define LINUX_BOOT_CS 0x10
#define LOADER_UNDEFINED 0xff /* type_of_loader: a boot loader without an assigned ID */
#define HDRS_MAGIC 0x53726448 /* "HdrS" */
#define BOOT_FLAG 0xaa55


static bool write_cmdline(const struct vm *vm, uint8_t *area, uint64_t base,
                          struct boot_params *bp)
{
    const struct linux_kernel *k = &vm->boot.kernel;
    const char *cmdline = vm->spec->cmdline ? vm->spec->cmdline : "";
    size_t len = strlen(cmdline);
    if (len > k->cmdline_max) {
        log_error("cmdline is %zu bytes; this Linux %s takes at most %u", len, k->kind,
                  k->cmdline_max);
        return false;
    }
    memcpy(area + X86_BOOT_CMDLINE, cmdline, len + 1);
    bp->hdr.cmd_line_ptr = (uint32_t)(base + X86_BOOT_CMDLINE);
    return true;
}

bool x86_linux_boot_area(struct vm *vm, uint64_t base, struct kvm_sregs *sregs,
                         struct kvm_regs *regs)
{
    const struct linux_kernel *k = &vm->boot.kernel;
    uint64_t rsdp;
    uint8_t *area = x86_boot_area_prepare(&vm->mem, base, LINUX_BOOT_CS, vm->spec, sregs, regs,
                                          &rsdp);
    if (!area)
        return false;
    struct boot_params *bp = (struct boot_params *)(area + X86_BOOT_INFO);
    bp->hdr = k->hdr; /* a vmlinux has none: the fields below are all it needs */
    bp->hdr.boot_flag = BOOT_FLAG;
    bp->hdr.header = HDRS_MAGIC;
    bp->hdr.type_of_loader = LOADER_UNDEFINED;
    if (!write_cmdline(vm, area, base, bp))
        return false;
    bp->hdr.ramdisk_image = (uint32_t)k->initrd;
    bp->ext_ramdisk_image = (uint32_t)(k->initrd >> 32);
    bp->hdr.ramdisk_size = (uint32_t)k->initrd_size;
    bp->ext_ramdisk_size = (uint32_t)(k->initrd_size >> 32);
    bp->acpi_rsdp_addr = rsdp;
    int n = x86_e820_build(vm->spec, base + X86_BOOT_ACPI, X86_BOOT_ACPI_SIZE, bp->e820_table,
                           E820_MAX_ENTRIES_ZEROPAGE);
    if (n < 0) {
        log_error("the memory map needs more than %d e820 entries", E820_MAX_ENTRIES_ZEROPAGE);
        return false;
    }
    bp->e820_entries = (uint8_t)n;
    regs->rip = k->entry;
    regs->rsi = base + X86_BOOT_INFO;
    return true;
}
