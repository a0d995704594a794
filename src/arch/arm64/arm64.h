/* arm64 specifics shared inside src/arch/arm64. */
#ifndef KQVM_ARCH_ARM64_ARM64_H
#define KQVM_ARCH_ARM64_ARM64_H

#include "vm/vm_internal.h"

#include <stddef.h>

/* ONE_REG ids of the core registers (struct kvm_regs) and of system registers */
#define ARM64_CORE_REG(field)                                                                      \
    (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE |                                         \
     (offsetof(struct kvm_regs, field) / sizeof(uint32_t)))
#define ARM64_REG_X(n)      ARM64_CORE_REG(regs.regs[n])
#define ARM64_REG_SP        ARM64_CORE_REG(regs.sp)
#define ARM64_REG_PC        ARM64_CORE_REG(regs.pc)
#define ARM64_REG_PSTATE    ARM64_CORE_REG(regs.pstate)
#define ARM64_REG_SP_EL1    ARM64_CORE_REG(sp_el1)
#define ARM64_REG_ELR_EL1   ARM64_CORE_REG(elr_el1)
#define ARM64_REG_ESR_EL1   ARM64_SYS_REG(3, 0, 5, 2, 0)
#define ARM64_REG_FAR_EL1   ARM64_SYS_REG(3, 0, 6, 0, 0)
#define ARM64_REG_VBAR_EL1  ARM64_SYS_REG(3, 0, 12, 0, 0)
#define ARM64_REG_SCTLR_EL1 ARM64_SYS_REG(3, 0, 1, 0, 0)

/* PSTATE at entry: EL1h, D, A, I and F masked (the arm64 boot protocol) */
#define ARM64_PSTATE_EL1H_DAIF 0x3c5u

bool arm64_get_reg(struct vcpu *v, uint64_t id, uint64_t *val);
bool arm64_set_reg(struct vcpu *v, uint64_t id, uint64_t val);
/* KVM's vGIC (gic-hwassist on): created in arch_vm_init, initialised once
 * every vCPU exists. */
bool arm64_vgic_create(struct vm *vm);
bool arm64_vgic_init(struct vm *vm);

#endif
