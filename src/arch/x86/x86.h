/* x86-64 specifics shared inside src/arch/x86. */
#ifndef KQVM_ARCH_X86_X86_H
#define KQVM_ARCH_X86_X86_H

#include "vm/vm_internal.h"

#define X86_CR0_PE 0x1u
#define X86_CR0_MP 0x2u
#define X86_CR0_ET 0x10u
#define X86_CR0_NE 0x20u
#define X86_CR0_WP 0x10000u
#define X86_CR0_PG 0x80000000u
#define X86_CR4_PAE 0x20u
#define X86_CR4_OSFXSR 0x200u
#define X86_CR4_OSXMMEXCPT 0x400u
#define X86_EFER_LME 0x100u
#define X86_EFER_LMA 0x400u
#define X86_RFLAGS_TF 0x100u
#define X86_RFLAGS_IF 0x200u
#define X86_RFLAGS_NT 0x4000u
#define X86_RFLAGS_RF 0x10000u
#define X86_RFLAGS_VM 0x20000u

#define X86_VEC_BP 3
#define X86_VEC_UD 6
#define X86_VEC_GP 13

/* The boot area at the bottom of RAM (docs/guest-abi.md): offsets from its base. */
enum {
    X86_BOOT_PML4 = 0x0000,
    X86_BOOT_PDPT = 0x1000,
    X86_BOOT_PD = 0x2000, /* four page directories */
    X86_BOOT_GDT = 0x6000,
    X86_BOOT_INFO = 0x7000, /* struct kqvm_boot_info, or Linux's boot_params */
    X86_BOOT_CMDLINE = 0x8000,
    X86_BOOT_ACPI = 0x9000,
    X86_BOOT_ACPI_SIZE = 0x2000,
    X86_BOOT_STACK_TOP = 0xf000,
    X86_BOOT_AREA_SIZE = 0xf000,
};

bool x86_cpuid_init(struct vcpu *v);
/* What both 64-bit entries share: the area at base zeroed, page tables
 * identity-mapping 4 GiB, a GDT with 64-bit code at code_sel and flat data at
 * code_sel + 8, the ACPI tables when spec is given (*rsdp: their root, else
 * 0), and the boot vCPU's registers for 64-bit mode with RSP at the area's
 * stack (sregs must hold KVM's values to start from). NULL on failure. */
uint8_t *x86_boot_area_prepare(const struct guestmem *mem, uint64_t base, uint16_t code_sel,
                               const struct vm_spec *spec, struct kvm_sregs *sregs,
                               struct kvm_regs *regs, uint64_t *rsdp);
/* The direct 64-bit entry (docs/guest-abi.md): boot data at base in mem, and
 * the boot vCPU's registers (sregs must hold KVM's values to start from).
 * spec, when given, adds the ACPI tables. */
bool x86_build_boot_area(const struct guestmem *mem, uint64_t base, unsigned ncpus,
                         const char *cmdline, const struct vm_spec *spec, uint64_t entry,
                         struct kvm_sregs *sregs, struct kvm_regs *regs);
/* Linux's 64-bit boot protocol for the loaded kernel: boot_params, the
 * command line and the tables in the boot area at base, and the registers. */
bool x86_linux_boot_area(struct vm *vm, uint64_t base, struct kvm_sregs *sregs,
                         struct kvm_regs *regs);
/* The ACPI tables for spec in [area, area + size) at guest address gpa;
 * returns the RSDP's address, 0 when they do not fit. */
uint64_t x86_acpi_build(const struct vm_spec *spec, uint8_t *area, uint64_t gpa, size_t size);
/* posted-/virtual-interrupts as configured versus what the host KVM does. */
bool x86_check_interrupt_assists(const struct vm_spec *spec);
/* Read or write guest-virtual memory through the vCPU's page tables. */
bool x86_read_virt(struct vcpu *v, uint64_t gva, void *buf, size_t len);
bool x86_write_virt(struct vcpu *v, uint64_t gva, const void *buf, size_t len);
/* Queue a hardware exception for the next entry. */
bool x86_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error);
/* KVM reported that its instruction emulator failed: the fallback. */
bool x86_emulation_failure(struct vcpu *v);

#endif
