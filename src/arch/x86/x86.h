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

bool x86_cpuid_init(struct vcpu *v);
/* The direct 64-bit entry (docs/guest-abi.md): boot data at base in mem, and
 * the boot vCPU's registers (sregs must hold KVM's values to start from).
 * spec, when given, adds the ACPI tables. */
bool x86_build_boot_area(const struct guestmem *mem, uint64_t base, unsigned ncpus,
                         const char *cmdline, const struct vm_spec *spec, uint64_t entry,
                         struct kvm_sregs *sregs, struct kvm_regs *regs);
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
