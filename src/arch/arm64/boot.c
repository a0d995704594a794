/* The arm64 boot state (Documentation/arch/arm64/booting.rst), for a Linux
 * Image and for ELF or raw guests alike: the boot vCPU at the entry point at
 * EL1h with the MMU off and D, A, I, F masked, x0 the address of the device
 * tree, x1-x3 zero. The device tree (generated from the spec, or the user's
 * `fdt load`) sits in the last 2 MiB of the lowest RAM. */
#include "arch/arm64/arm64.h"

#include "boot/fdt.h"
#include "irq/kvm.h"
#include "util/log.h"

#include <libfdt.h>
#include <string.h>

static bool place_fdt(struct vm *vm, uint64_t *addr)
{
    const struct vm_spec *spec = vm->spec;
    uint64_t area;
    if (!fdt_area(spec, &area)) {
        log_error("no RAM for the device tree: the lowest RAM region must hold at least 4 MiB "
                  "(the device tree takes its last 2 MiB)");
        return false;
    }
    if (vm->boot.fdt && vm->boot.fdt_addr)
        area = vm->boot.fdt_addr;
    if (vm->boot.any_loaded && vm->boot.lo < area + FDT_MAX_SIZE && area < vm->boot.hi) {
        log_error("the guest image (0x%llx-0x%llx) overlaps the device tree at 0x%llx; link it "
                  "lower in RAM",
                  (unsigned long long)vm->boot.lo, (unsigned long long)vm->boot.hi - 1,
                  (unsigned long long)area);
        return false;
    }
    uint8_t *dst = guestmem_ptr(&vm->mem, area, FDT_MAX_SIZE, GM_LOAD);
    if (!dst) {
        log_error("the device tree at 0x%llx does not fit in RAM", (unsigned long long)area);
        return false;
    }
    if (vm->boot.fdt) {
        memcpy(dst, vm->boot.fdt, fdt_totalsize(vm->boot.fdt));
    } else {
        struct fdt_boot b = { .initrd_start = vm->boot.initrd_start,
                              .initrd_end = vm->boot.initrd_end };
        if (!fdt_generate(spec, &b, dst, FDT_MAX_SIZE))
            return false;
    }
    const char *dump = spec->vars[VAR_FDT_DUMP_FILE].s;
    if (dump && !fdt_dump(dump, dst))
        return false;
    *addr = area;
    return true;
}

bool arch_boot_setup(struct vm *vm)
{
    if (!vm->boot.found) {
        log_error("no guest image with an entry point was loaded");
        return false;
    }
    if (!arm64_vgic_init(vm) || !irq_backend_kernel_start(vm->irqb))
        return false;
    uint64_t fdt;
    if (!place_fdt(vm, &fdt))
        return false;
    struct vcpu *v = &vm->vcpus[0];
    if (!arm64_set_reg(v, ARM64_REG_PSTATE, ARM64_PSTATE_EL1H_DAIF) ||
        !arm64_set_reg(v, ARM64_REG_PC, vm->boot.entry) || !arm64_set_reg(v, ARM64_REG_X(0), fdt))
        return false;
    for (unsigned i = 1; i < 4; i++)
        if (!arm64_set_reg(v, ARM64_REG_X(i), 0))
            return false;
    log_debug("boot: entry 0x%llx, device tree at 0x%llx", (unsigned long long)vm->boot.entry,
              (unsigned long long)fdt);
    return true;
}
