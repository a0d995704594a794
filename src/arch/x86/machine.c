/* The x86 machine around the vCPUs: KVM's private pages, the split irqchip
 * (local APICs in KVM, everything else in kqvm), HLT exits, and each vCPU's
 * CPUID. */
#include "arch/x86/x86.h"

#include "irq/kvm.h"
#include "util/log.h"
#include "vdev/ioapic.h"

#include <stdio.h>
#include <sys/ioctl.h>

/* Matches the "KVM private pages" range the resolver keeps free (resolve_map.c). */
#define KVM_IDENTITY_MAP_ADDR 0xfeffc000ull
#define KVM_TSS_ADDR 0xfeffd000ull

bool arch_vm_init(struct vm *vm)
{
    if (!x86_check_interrupt_assists(vm->spec))
        return false;
    uint64_t idmap = KVM_IDENTITY_MAP_ADDR;
    if (kvm_ioctl_checked(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap,
                          "KVM_SET_IDENTITY_MAP_ADDR") < 0 ||
        ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_ADDR) < 0) {
        log_error("KVM_SET_TSS_ADDR failed");
        return false;
    }
    if (vm->kernel_irqchip) {
        /* KVM's own 8259 pair and I/O APIC (at their PC addresses) with the local APICs */
        if (kvm_ioctl_checked(vm->vm_fd, KVM_CREATE_IRQCHIP, NULL, "KVM_CREATE_IRQCHIP") < 0)
            return false;
        /* its APIC ID as the MADT gives it (KVM starts it at 0) */
        struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
        if (kvm_ioctl_checked(vm->vm_fd, KVM_GET_IRQCHIP, &chip, "KVM_GET_IRQCHIP") < 0)
            return false;
        for (unsigned i = 0; i < vm->spec->nvdevs; i++)
            if (vm->spec->vdevs[i].type == &vdev_ioapic)
                chip.chip.ioapic.id = ioapic_apic_id(vm->spec, &vm->spec->vdevs[i]);
        if (kvm_ioctl_checked(vm->vm_fd, KVM_SET_IRQCHIP, &chip, "KVM_SET_IRQCHIP") < 0)
            return false;
    } else {
        if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SPLIT_IRQCHIP) <= 0) {
            log_error("this host's KVM lacks KVM_CAP_SPLIT_IRQCHIP, which kqvm needs");
            return false;
        }
        /* the local APICs in KVM; KVM reserves a route per kqvm I/O APIC pin */
        struct kvm_enable_cap split = { .cap = KVM_CAP_SPLIT_IRQCHIP,
                                        .args = { ioapic_total_pins(vm->spec) } };
        if (kvm_ioctl_checked(vm->vm_fd, KVM_ENABLE_CAP, &split, "KVM_CAP_SPLIT_IRQCHIP") < 0)
            return false;
    }
    if (!vm->spec->vars[VAR_EXIT_ON_HALT].b) {
        /* exit-on-halt off: HLT runs in the guest instead of leaving it */
        if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_DISABLE_EXITS) <= 0) {
            log_error("set exit-on-halt off: this host's KVM cannot keep HLT in the guest "
                      "(no KVM_CAP_X86_DISABLE_EXITS)");
            return false;
        }
        struct kvm_enable_cap hlt = { .cap = KVM_CAP_X86_DISABLE_EXITS,
                                      .args = { KVM_X86_DISABLE_EXITS_HLT } };
        if (kvm_ioctl_checked(vm->vm_fd, KVM_ENABLE_CAP, &hlt, "KVM_CAP_X86_DISABLE_EXITS") < 0)
            return false;
    }
    return true;
}

struct irq_backend *arch_irq_backend_create(struct vm *vm)
{
    /* with kernel-irqchip the counters are KVM's GSIs: "gsi:N" */
    unsigned ngsi = vm->kernel_irqchip ? IOAPIC_PINS : ioapic_total_pins(vm->spec);
    return irq_backend_create(vm, vm->kernel_irqchip, ngsi, "gsi");
}

bool arch_vcpu_init(struct vcpu *v)
{
    return x86_cpuid_init(v);
}

/* Whether the host KVM virtualises interrupt delivery (Intel APICv, AMD AVIC). */
static bool host_apicv(void)
{
    static const char *const params[] = { "/sys/module/kvm_intel/parameters/enable_apicv",
                                          "/sys/module/kvm_amd/parameters/avic" };
    for (unsigned i = 0; i < 2; i++) {
        FILE *f = fopen(params[i], "r");
        if (!f)
            continue;
        int c = fgetc(f);
        fclose(f);
        if (c == 'Y' || c == '1')
            return true;
    }
    return false;
}

/* posted-interrupts and virtual-interrupts: KVM enables these per host (module
 * parameters), not per VM; kqvm checks that what the configuration asks for is
 * what the host does. */
bool x86_check_interrupt_assists(const struct vm_spec *spec)
{
    static const int vars[] = { VAR_POSTED_INTERRUPTS, VAR_VIRTUAL_INTERRUPTS };
    bool have = host_apicv();
    for (unsigned i = 0; i < 2; i++) {
        const struct optval *o = &spec->vars[vars[i]];
        if (o->e == TRI_ON && !have) {
            log_error("set %s on (%s): this host's KVM does not use APICv or AVIC",
                      var_table[vars[i]].name, srcloc_str(&o->at));
            return false;
        }
        if (o->e == TRI_OFF && have) {
            log_error("set %s off (%s): KVM uses APICv/AVIC for every VM on this host and "
                      "cannot turn it off for one; load kvm_intel with enable_apicv=0 (or "
                      "kvm_amd with avic=0)", var_table[vars[i]].name, srcloc_str(&o->at));
            return false;
        }
    }
    return true;
}
