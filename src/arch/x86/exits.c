/* x86 exits the generic loop leaves to the arch: KVM internal errors (with the
 * instruction fallback), system events; register dumps; faults for
 * `unsupported reference fail`. */
#include "arch/x86/x86.h"

#include "irq/kvm.h"
#include "util/log.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

void arch_dump_registers(struct vcpu *v, const char *why)
{
    struct kvm_regs r;
    struct kvm_sregs s;
    if (ioctl(v->fd, KVM_GET_REGS, &r) < 0 || ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
        log_error("vCPU %u (%s): registers unavailable: %s", v->index, why, strerror(errno));
        return;
    }
    log_error("vCPU %u registers (%s):", v->index, why);
    log_error("  rip %016llx rsp %016llx rflags %08llx cs %04x ss %04x cpl %u",
              (unsigned long long)r.rip, (unsigned long long)r.rsp, (unsigned long long)r.rflags,
              s.cs.selector, s.ss.selector, s.cs.dpl);
    log_error("  rax %016llx rbx %016llx rcx %016llx rdx %016llx", (unsigned long long)r.rax,
              (unsigned long long)r.rbx, (unsigned long long)r.rcx, (unsigned long long)r.rdx);
    log_error("  rsi %016llx rdi %016llx rbp %016llx r8  %016llx", (unsigned long long)r.rsi,
              (unsigned long long)r.rdi, (unsigned long long)r.rbp, (unsigned long long)r.r8);
    log_error("  r9  %016llx r10 %016llx r11 %016llx r12 %016llx", (unsigned long long)r.r9,
              (unsigned long long)r.r10, (unsigned long long)r.r11, (unsigned long long)r.r12);
    log_error("  r13 %016llx r14 %016llx r15 %016llx", (unsigned long long)r.r13,
              (unsigned long long)r.r14, (unsigned long long)r.r15);
    log_error("  cr0 %016llx cr2 %016llx cr3 %016llx cr4 %016llx efer %llx",
              (unsigned long long)s.cr0, (unsigned long long)s.cr2, (unsigned long long)s.cr3,
              (unsigned long long)s.cr4, (unsigned long long)s.efer);
    log_error("  gdt %016llx/%x idt %016llx/%x", (unsigned long long)s.gdt.base, s.gdt.limit,
              (unsigned long long)s.idt.base, s.idt.limit);
}

bool x86_inject_exception(struct vcpu *v, unsigned vector, bool has_error, uint32_t error)
{
    struct kvm_vcpu_events ev;
    if (kvm_ioctl_checked(v->fd, KVM_GET_VCPU_EVENTS, &ev, "KVM_GET_VCPU_EVENTS") < 0)
        return false;
    ev.exception.injected = 1;
    ev.exception.nr = (uint8_t)vector;
    ev.exception.has_error_code = has_error;
    ev.exception.error_code = error;
    ev.flags = 0;
    return kvm_ioctl_checked(v->fd, KVM_SET_VCPU_EVENTS, &ev, "KVM_SET_VCPU_EVENTS") == 0;
}

/* `unsupported reference fail`: #GP(0) at the instruction that made the access.
 * KVM finishes a port or MMIO access (and moves RIP past it) on the next
 * KVM_RUN; complete it now without running the guest (immediate_exit), then
 * put the registers back as they were at the access and raise the fault. */
void arch_fail_access(struct vcpu *v)
{
    struct kvm_regs before;
    if (ioctl(v->fd, KVM_GET_REGS, &before) < 0)
        return;
    v->run->immediate_exit = 1;
    int r = ioctl(v->fd, KVM_RUN, 0);
    v->run->immediate_exit = 0;
    if (r == 0 || errno != EINTR) {
        log_internal("vCPU %u: completing an access before a fault: %s", v->index,
                     r == 0 ? "the guest ran" : strerror(errno));
        return;
    }
    if (kvm_ioctl_checked(v->fd, KVM_SET_REGS, &before, "KVM_SET_REGS") == 0)
        x86_inject_exception(v, X86_VEC_GP, true, 0);
}

bool arch_handle_exit(struct vcpu *v)
{
    struct kvm_run *run = v->run;
    switch (run->exit_reason) {
    case KVM_EXIT_INTERNAL_ERROR:
        if (run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION)
            return x86_emulation_failure(v);
        log_error("vCPU %u: KVM internal error, suberror %u", v->index, run->internal.suberror);
        arch_dump_registers(v, "KVM internal error");
        vm_stop(v->vm, VM_UNSUPPORTED);
        return false;
    case KVM_EXIT_IOAPIC_EOI:
        irq_backend_eoi(v->vm->irqb, v->run->eoi.vector);
        return true;
    case KVM_EXIT_IRQ_WINDOW_OPEN:
        return true; /* the loop injects the 8259's interrupt before re-entering */
    case KVM_EXIT_HLT:
        return true; /* the in-kernel local APIC handles HLT; nothing to do */
    case KVM_EXIT_SYSTEM_EVENT:
        switch (run->system_event.type) {
        case KVM_SYSTEM_EVENT_SHUTDOWN:
            vm_request_poweroff(v->vm);
            return false;
        case KVM_SYSTEM_EVENT_RESET:
            vm_request_reset(v->vm);
            return false;
        default:
            log_error("vCPU %u: system event %u", v->index, run->system_event.type);
            vm_stop(v->vm, VM_CRASH);
            return false;
        }
    default:
        log_error("vCPU %u: unexpected exit reason %u", v->index, run->exit_reason);
        arch_dump_registers(v, "unexpected exit");
        vm_stop(v->vm, VM_UNSUPPORTED);
        return false;
    }
}
