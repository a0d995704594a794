/* The arm64 machine around the vCPUs: the interrupt controller (KVM's vGIC,
 * or kqvm's GIC driving each vCPU's IRQ input), vCPU initialisation with
 * PSCI 0.2 (secondary vCPUs start powered off, for PSCI CPU_ON), and the
 * registers through ONE_REG. */
#include "arch/arm64/arm64.h"

#include "irq/kvm.h"
#include "util/log.h"
#include "vdev/vdev.h"
#include "vdev/gic.h"

#include <errno.h>

/* KVM_DEV_ARM_VGIC_GRP_NR_IRQS: a multiple of 32, at most 1023 */
#define KVM_VGIC_MAX_INTIDS 992
#include <string.h>
#include <sys/ioctl.h>

bool arm64_get_reg(struct vcpu *v, uint64_t id, uint64_t *val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)val };
    return ioctl(v->fd, KVM_GET_ONE_REG, &r) == 0;
}

bool arm64_set_reg(struct vcpu *v, uint64_t id, uint64_t val)
{
    struct kvm_one_reg r = { .id = id, .addr = (uintptr_t)&val };
    if (ioctl(v->fd, KVM_SET_ONE_REG, &r) == 0)
        return true;
    log_error("vCPU %u: KVM_SET_ONE_REG 0x%llx: %s", v->index, (unsigned long long)id,
              strerror(errno));
    return false;
}

static bool vgic_attr(struct vm *vm, uint32_t group, uint64_t attr, void *addr, const char *what)
{
    struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)addr };
    if (ioctl(vm->irqchip_fd, KVM_SET_DEVICE_ATTR, &a) == 0)
        return true;
    log_error("KVM's vGIC: %s: %s", what, strerror(errno));
    return false;
}

bool arm64_vgic_create(struct vm *vm)
{
    const struct gic_layout *g = gic_layout(vm->spec);
    struct kvm_create_device dev = { .type = g->version == 3 ? KVM_DEV_TYPE_ARM_VGIC_V3
                                                             : KVM_DEV_TYPE_ARM_VGIC_V2 };
    if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev) < 0) {
        log_error("set gic-hwassist on: KVM cannot create a GICv%u here (%s)%s", g->version,
                  strerror(errno),
                  g->version == 2 ? "; a GICv3 host without GICv2 compatibility has no GICv2 "
                                    "vGIC: use version 3, or gic-hwassist off"
                                  : "");
        return false;
    }
    vm->irqchip_fd = (int)dev.fd;
    uint64_t dist = g->dist, cpu = g->version == 3 ? g->gicr : g->gicc;
    /* KVM takes a multiple of 32 up to 1023 INTIDs: up to the highest used */
    uint32_t nirqs = 64;
    for (unsigned i = 0; i < vm->spec->nintrs; i++) {
        const struct intr_assign *a = &vm->spec->intrs[i];
        if (vm->spec->controllers[a->controller].type == &vdev_gic && a->line >= nirqs)
            nirqs = (a->line + 32) & ~31u;
    }
    if (nirqs > KVM_VGIC_MAX_INTIDS) {
        log_error("set gic-hwassist on: KVM's vGIC has INTIDs up to %u; use lower SPIs, or "
                  "gic-hwassist off",
                  KVM_VGIC_MAX_INTIDS - 1);
        return false;
    }
    return vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
                     g->version == 3 ? KVM_VGIC_V3_ADDR_TYPE_DIST : KVM_VGIC_V2_ADDR_TYPE_DIST,
                     &dist, "distributor address") &&
           vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR,
                     g->version == 3 ? KVM_VGIC_V3_ADDR_TYPE_REDIST : KVM_VGIC_V2_ADDR_TYPE_CPU,
                     &cpu, g->version == 3 ? "redistributor address" : "CPU interface address") &&
           vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nirqs, "number of interrupts");
}

bool arm64_vgic_init(struct vm *vm)
{
    return vm->irqchip_fd < 0 || vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL,
                                           KVM_DEV_ARM_VGIC_CTRL_INIT, NULL, "initialisation");
}

bool arch_vm_init(struct vm *vm)
{
    const struct vm_spec *spec = vm->spec;
    if (!gic_layout(spec)) {
        log_internal("an arm64 VM without a gic");
        return false;
    }
    if (!spec->vars[VAR_EXIT_ON_HALT].b) {
        log_error("set exit-on-halt off: KVM on arm64 cannot keep WFI in the guest");
        return false;
    }
    /* an MMIO access KVM cannot decode comes to kqvm (to be reported) rather
     * than failing KVM_RUN with ENOSYS */
    if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_NISV_TO_USER) > 0) {
        struct kvm_enable_cap nisv = { .cap = KVM_CAP_ARM_NISV_TO_USER };
        kvm_ioctl_checked(vm->vm_fd, KVM_ENABLE_CAP, &nisv, "KVM_CAP_ARM_NISV_TO_USER");
    }
    vm->kernel_irqchip = spec->vars[VAR_GIC_HWASSIST].b;
    if (vm->kernel_irqchip)
        return arm64_vgic_create(vm);
    /* kqvm's GIC: it drives the vCPUs' IRQ inputs and hears their timers */
    if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_USER_IRQ) <= 0) {
        log_error("set gic-hwassist off: this host's KVM lacks KVM_CAP_ARM_USER_IRQ, so kqvm's "
                  "own GIC cannot hear the vCPU timers");
        return false;
    }
    return true;
}

struct irq_backend *arch_irq_backend_create(struct vm *vm)
{
    const struct vdev_spec *g = gic_spec(vm->spec);
    return irq_backend_create(vm, vm->kernel_irqchip, GIC_INTIDS, g->name);
}

bool arch_vcpu_init(struct vcpu *v)
{
    struct kvm_vcpu_init init;
    if (kvm_ioctl_checked(v->vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init,
                          "KVM_ARM_PREFERRED_TARGET") < 0)
        return false;
    memset(init.features, 0, sizeof(init.features));
    init.features[0] = 1u << KVM_ARM_VCPU_PSCI_0_2;
    if (v->index > 0)
        init.features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF; /* until PSCI CPU_ON */
    return kvm_ioctl_checked(v->fd, KVM_ARM_VCPU_INIT, &init, "KVM_ARM_VCPU_INIT") == 0;
}
