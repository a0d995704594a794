/* arm64 exits the generic loop leaves to the arch: PSCI system events (KVM
 * handles PSCI itself: CPU_ON starts a powered-off vCPU, SYSTEM_OFF and
 * SYSTEM_RESET come here), KVM internal errors; register dumps; external
 * aborts for `unsupported reference fail`. */
#include "arch/arm64/arm64.h"

#include "util/log.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

void arch_dump_registers(struct vcpu *v, const char *why)
{
    uint64_t x[31], sp, pc, pstate, sp_el1, elr, esr, far, vbar, sctlr;
    bool ok = arm64_get_reg(v, ARM64_REG_PC, &pc) && arm64_get_reg(v, ARM64_REG_SP, &sp) &&
              arm64_get_reg(v, ARM64_REG_PSTATE, &pstate) &&
              arm64_get_reg(v, ARM64_REG_SP_EL1, &sp_el1) &&
              arm64_get_reg(v, ARM64_REG_ELR_EL1, &elr);
    for (unsigned i = 0; ok && i < 31; i++)
        ok = arm64_get_reg(v, ARM64_REG_X(i), &x[i]);
    if (!ok) {
        log_error("vCPU %u (%s): registers unavailable: %s", v->index, why, strerror(errno));
        return;
    }
    log_error("vCPU %u registers (%s):", v->index, why);
    log_error("  pc %016llx pstate %08llx (EL%llu) sp_el0 %016llx sp_el1 %016llx",
              (unsigned long long)pc, (unsigned long long)pstate,
              (unsigned long long)(pstate >> 2 & 3), (unsigned long long)sp,
              (unsigned long long)sp_el1);
    if (arm64_get_reg(v, ARM64_REG_ESR_EL1, &esr) && arm64_get_reg(v, ARM64_REG_FAR_EL1, &far) &&
        arm64_get_reg(v, ARM64_REG_VBAR_EL1, &vbar) &&
        arm64_get_reg(v, ARM64_REG_SCTLR_EL1, &sctlr))
        log_error("  elr_el1 %016llx esr_el1 %08llx far_el1 %016llx vbar_el1 %016llx sctlr_el1 "
                  "%08llx",
                  (unsigned long long)elr, (unsigned long long)esr, (unsigned long long)far,
                  (unsigned long long)vbar, (unsigned long long)sctlr);
    for (unsigned i = 0; i < 31; i += 4) {
        char line[160];
        int n = 0;
        for (unsigned j = i; j < i + 4 && j < 31; j++)
            n += snprintf(line + n, sizeof(line) - (size_t)n, " x%-2u %016llx", j,
                          (unsigned long long)x[j]);
        log_error(" %s", line);
    }
}

/* `unsupported reference fail`: a synchronous external abort at the access.
 * KVM finishes an MMIO access (and moves PC past it) on the next KVM_RUN;
 * complete it now without running the guest (immediate_exit), put PC back,
 * and have KVM inject the abort for the faulting address. */
void arch_fail_access(struct vcpu *v)
{
    uint64_t pc;
    if (!arm64_get_reg(v, ARM64_REG_PC, &pc))
        return;
    v->run->immediate_exit = 1;
    int r = ioctl(v->fd, KVM_RUN, 0);
    v->run->immediate_exit = 0;
    if (r == 0 || errno != EINTR) {
        log_internal("vCPU %u: completing an access before a fault: %s", v->index,
                     r == 0 ? "the guest ran" : strerror(errno));
        return;
    }
    struct kvm_vcpu_events ev;
    memset(&ev, 0, sizeof(ev));
    ev.exception.ext_dabt_pending = 1;
    if (arm64_set_reg(v, ARM64_REG_PC, pc))
        kvm_ioctl_checked(v->fd, KVM_SET_VCPU_EVENTS, &ev, "KVM_SET_VCPU_EVENTS");
}

bool arch_handle_exit(struct vcpu *v)
{
    struct kvm_run *run = v->run;
    switch (run->exit_reason) {
    case KVM_EXIT_SYSTEM_EVENT:
        switch (run->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN: /* PSCI SYSTEM_OFF */
            vm_request_poweroff(v->vm);
            return false;
        case KVM_SYSTEM_EVENT_RESET: /* PSCI SYSTEM_RESET */
            vm_request_reset(v->vm);
            return false;
        case KVM_SYSTEM_EVENT_CRASH:
            log_error("vCPU %u: the guest reported a crash (PSCI)", v->index);
            arch_dump_registers(v, "crash");
            vm_stop(v->vm, VM_CRASH);
            return false;
        default:
            log_error("vCPU %u: system event %u", v->index, run->system_event.type);
            vm_stop(v->vm, VM_CRASH);
            return false;
        }
    case KVM_EXIT_ARM_NISV:
        log_error("vCPU %u: the guest accessed 0x%llx with an instruction KVM cannot decode for "
                  "an emulated device (a load/store pair, or writeback); devices need plain "
                  "loads and stores",
                  v->index, (unsigned long long)run->arm_nisv.fault_ipa);
        arch_dump_registers(v, "undecodable access");
        vm_stop(v->vm, VM_UNSUPPORTED);
        return false;
    case KVM_EXIT_INTERNAL_ERROR:
        log_error("vCPU %u: KVM internal error, suberror %u", v->index, run->internal.suberror);
        arch_dump_registers(v, "KVM internal error");
        vm_stop(v->vm, VM_UNSUPPORTED);
        return false;
    default:
        log_error("vCPU %u: unexpected exit reason %u", v->index, run->exit_reason);
        arch_dump_registers(v, "unexpected exit");
        vm_stop(v->vm, VM_UNSUPPORTED);
        return false;
    }
}
