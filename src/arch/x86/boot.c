/* The boot area both 64-bit entries share (docs/guest-abi.md): identity-mapped
 * page tables for the first 4 GiB, a GDT, the command line, the ACPI tables
 * and a stack in 60 KiB at the bottom of RAM, and the boot vCPU's registers.
 * ELF and raw guests find struct kqvm_boot_info in it; Linux kernels get
 * boot_params instead (linux.c). */
#include "arch/x86/x86.h"

#include "util/log.h"

#include <string.h>

#define BOOT_AREA_PREFERRED 0x1000ull
#define PAGE 0x1000

#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull
#define PTE_PS 0x80ull

#define GDT_CODE64 0x00af9a000000ffffull /* present, DPL 0, execute/read, L, G */
#define GDT_DATA 0x00cf92000000ffffull   /* present, DPL 0, read/write, D/B, G */
#define SEL_CODE 0x08                    /* kqvm's entry: code 0x08, data 0x10 */

#define KQVM_BOOT_MAGIC 0x4d56514bu /* "KQVM" in memory */
#define BOOT_MEM_RAM 1
#define BOOT_MEM_RESERVED 2

struct kqvm_boot_mem {
    uint64_t base, length;
    uint32_t type, reserved;
};

struct kqvm_boot_info {
    uint32_t magic, version, ncpus, nmem;
    uint64_t cmdline, page_tables, rsdp;
    uint64_t reserved[3];
    struct kqvm_boot_mem mem[];
};

#define BOOT_MEM_MAX ((PAGE - sizeof(struct kqvm_boot_info)) / sizeof(struct kqvm_boot_mem))

/* The boot area: at 0x1000 when RAM covers it, else at the bottom of the
 * lowest RAM region; it must not collide with what was loaded. */
static bool choose_boot_area(struct vm *vm, uint64_t *base)
{
    if (guestmem_ptr(&vm->mem, BOOT_AREA_PREFERRED, X86_BOOT_AREA_SIZE, GM_WRITE)) {
        *base = BOOT_AREA_PREFERRED;
    } else {
        const struct guestmem_region *low = NULL;
        for (unsigned i = 0; i < vm->mem.n && !low; i++)
            if (!vm->mem.r[i].rom)
                low = &vm->mem.r[i]; /* regions are sorted by GPA */
        if (!low || low->length < X86_BOOT_AREA_SIZE || low->gpa > (1ull << 32) - X86_BOOT_AREA_SIZE) {
            log_error("no RAM for kqvm's boot data: give 60 KiB of RAM below 4 GiB (at 0x1000 "
                      "normally)");
            return false;
        }
        *base = low->gpa;
    }
    if (vm->boot.any_loaded && vm->boot.lo < *base + X86_BOOT_AREA_SIZE && *base < vm->boot.hi) {
        log_error("the guest image (0x%llx-0x%llx) overlaps kqvm's boot data at 0x%llx-0x%llx "
                  "(docs/guest-abi.md); link it elsewhere, e.g. at 1 MiB",
                  (unsigned long long)vm->boot.lo, (unsigned long long)vm->boot.hi - 1,
                  (unsigned long long)*base, (unsigned long long)(*base + X86_BOOT_AREA_SIZE - 1));
        return false;
    }
    return true;
}

static void write_page_tables(uint8_t *area, uint64_t base)
{
    uint64_t *pml4 = (uint64_t *)(area + X86_BOOT_PML4);
    uint64_t *pdpt = (uint64_t *)(area + X86_BOOT_PDPT);
    pml4[0] = (base + X86_BOOT_PDPT) | PTE_P | PTE_RW | PTE_US;
    for (unsigned i = 0; i < 4; i++) {
        uint64_t *pd = (uint64_t *)(area + X86_BOOT_PD + i * PAGE);
        pdpt[i] = (base + X86_BOOT_PD + i * PAGE) | PTE_P | PTE_RW | PTE_US;
        for (unsigned j = 0; j < 512; j++)
            pd[j] = ((uint64_t)(i * 512 + j) << 21) | PTE_P | PTE_RW | PTE_US | PTE_PS;
    }
}

static bool write_boot_info(const struct guestmem *mem, uint8_t *area, uint64_t base,
                            unsigned ncpus, const char *cmdline)
{
    struct kqvm_boot_info *bi = (struct kqvm_boot_info *)(area + X86_BOOT_INFO);
    *bi = (struct kqvm_boot_info){ .magic = KQVM_BOOT_MAGIC, .version = 1, .ncpus = ncpus,
                                   .page_tables = base + X86_BOOT_PML4 };
    /* RAM and ROM, sorted by base (guestmem keeps them so). */
    for (unsigned i = 0; i < mem->n; i++) {
        if (bi->nmem == BOOT_MEM_MAX) {
            log_error("more than %zu memory regions: the boot info cannot list them",
                      (size_t)BOOT_MEM_MAX);
            return false;
        }
        const struct guestmem_region *g = &mem->r[i];
        bi->mem[bi->nmem++] = (struct kqvm_boot_mem){
            .base = g->gpa, .length = g->length, .type = g->rom ? BOOT_MEM_RESERVED : BOOT_MEM_RAM
        };
    }
    if (cmdline) {
        size_t len = strlen(cmdline);
        if (len >= PAGE) {
            log_error("cmdline is %zu bytes; kqvm passes at most %d to an ELF guest", len,
                      PAGE - 1);
            return false;
        }
        memcpy(area + X86_BOOT_CMDLINE, cmdline, len + 1);
        bi->cmdline = base + X86_BOOT_CMDLINE;
    }
    return true;
}

static void set_segment(struct kvm_segment *s, uint16_t selector, bool code)
{
    *s = (struct kvm_segment){ .base = 0, .limit = 0xffffffff, .selector = selector,
                               .type = code ? 0xb : 0x3, .present = 1, .dpl = 0,
                               .db = code ? 0 : 1, .s = 1, .l = code ? 1 : 0, .g = 1 };
}

uint8_t *x86_boot_area_prepare(const struct guestmem *mem, uint64_t base, uint16_t code_sel,
                               const struct vm_spec *spec, struct kvm_sregs *sregs,
                               struct kvm_regs *regs, uint64_t *rsdp)
{
    uint8_t *area = guestmem_ptr(mem, base, X86_BOOT_AREA_SIZE, GM_LOAD);
    if (!area)
        return NULL;
    memset(area, 0, X86_BOOT_AREA_SIZE);
    write_page_tables(area, base);
    uint64_t *gdt = (uint64_t *)(area + X86_BOOT_GDT);
    uint16_t data_sel = code_sel + 8;
    gdt[code_sel / 8] = GDT_CODE64;
    gdt[data_sel / 8] = GDT_DATA;
    *rsdp = 0;
    if (spec) {
        *rsdp = x86_acpi_build(spec, area + X86_BOOT_ACPI, base + X86_BOOT_ACPI,
                               X86_BOOT_ACPI_SIZE);
        if (!*rsdp) {
            log_error("the ACPI tables do not fit in %d bytes (too many vCPUs or I/O APICs)",
                      X86_BOOT_ACPI_SIZE);
            return NULL;
        }
    }
    set_segment(&sregs->cs, code_sel, true);
    set_segment(&sregs->ds, data_sel, false);
    sregs->es = sregs->fs = sregs->gs = sregs->ss = sregs->ds;
    sregs->gdt.base = base + X86_BOOT_GDT;
    sregs->gdt.limit = (uint16_t)(data_sel + 7);
    sregs->idt.base = 0;
    sregs->idt.limit = 0;
    sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP | X86_CR0_PG;
    sregs->cr3 = base + X86_BOOT_PML4;
    sregs->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
    sregs->efer = X86_EFER_LME | X86_EFER_LMA;
    *regs = (struct kvm_regs){ .rsp = base + X86_BOOT_STACK_TOP, .rflags = 0x2 };
    return area;
}

bool x86_build_boot_area(const struct guestmem *mem, uint64_t base, unsigned ncpus,
                         const char *cmdline, const struct vm_spec *spec, uint64_t entry,
                         struct kvm_sregs *sregs, struct kvm_regs *regs)
{
    uint64_t rsdp;
    uint8_t *area = x86_boot_area_prepare(mem, base, SEL_CODE, spec, sregs, regs, &rsdp);
    if (!area || !write_boot_info(mem, area, base, ncpus, cmdline))
        return false;
    ((struct kqvm_boot_info *)(area + X86_BOOT_INFO))->rsdp = rsdp;
    regs->rip = entry;
    regs->rdi = base + X86_BOOT_INFO;
    return true;
}

bool arch_boot_setup(struct vm *vm)
{
    if (!vm->boot.found) {
        log_error("no guest image with an entry point was loaded");
        return false;
    }
    uint64_t base;
    if (!choose_boot_area(vm, &base))
        return false;
    struct vcpu *v = &vm->vcpus[0];
    struct kvm_sregs sregs;
    struct kvm_regs regs;
    if (kvm_ioctl_checked(v->fd, KVM_GET_SREGS, &sregs, "KVM_GET_SREGS") < 0 ||
        !(vm->boot.kernel.loaded
              ? x86_linux_boot_area(vm, base, &sregs, &regs)
              : x86_build_boot_area(&vm->mem, base, vm->spec->ncpus, vm->spec->cmdline, vm->spec,
                                    vm->boot.entry, &sregs, &regs)) ||
        kvm_ioctl_checked(v->fd, KVM_SET_SREGS, &sregs, "KVM_SET_SREGS") < 0 ||
        kvm_ioctl_checked(v->fd, KVM_SET_REGS, &regs, "KVM_SET_REGS") < 0)
        return false;
    log_debug("boot: entry 0x%llx, boot data at 0x%llx", (unsigned long long)vm->boot.entry,
              (unsigned long long)base);
    return true;
}
