/* The guest's PCI bus at assembly (x86, when a PCI device is passed
 * through): the bus with its host bridge at 0:0.0, each VFIO device as a
 * function at its slot, BARs placed in the windows the resolver reserved,
 * the configuration ports and the windows on the VM's buses, guest RAM
 * mapped for the devices' DMA. The PCI bus's memory slots are numbered
 * after RAM's and the pass-through regions'. */
#include "vm/vm_internal.h"

#include "irq/backend.h"
#include "pass/vfio.h"
#include "pci/pci.h"
#include "util/log.h"

#include <errno.h>
#include <string.h>

#define PCI_CF8_PORT 0xcf8
#define PCI_SLOTS 64 /* memory slots the bus may use for BAR parts */

static bool set_slot(void *arg, unsigned slot, uint64_t gpa, uint64_t length, void *host)
{
    struct vm *vm = arg;
    struct kvm_userspace_memory_region r = { .slot = slot, .guest_phys_addr = gpa,
                                             .memory_size = length,
                                             .userspace_addr = (uintptr_t)host };
    return kvm_ioctl_checked(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r,
                             "KVM_SET_USER_MEMORY_REGION (PCI BAR)") == 0;
}

static bool send_msi(void *arg, uint64_t address, uint32_t data)
{
    struct vm *vm = arg;
    return irq_send_msi(vm->irqb, address, data);
}

static void reset(void *arg)
{
    vm_request_reset(arg);
}

bool vm_pci_setup(struct vm *vm)
{
    const struct vm_spec *spec = vm->spec;
    if (!spec->pci.present)
        return true;
    struct pci_bus_env env = {
        .vm = vm, .set_slot = set_slot, .send_msi = send_msi, .reset = reset,
        .first_slot = spec->nmem + (vm->pass ? vm->pass->nslots : 0), .nslots = PCI_SLOTS,
        .loop = &vm->loop,
        .mmio_base = spec->pci.mmio_base, .mmio_size = spec->pci.mmio_size,
        .io_base = spec->pci.io_base, .io_size = spec->pci.io_size,
    };
    vm->pci = pci_bus_create(&env);
    if (!vm->pci || !pci_host_bridge_add(vm->pci))
        return false;
    for (unsigned i = 0; i < spec->npasses; i++) {
        struct vfio_device *v = vfio_device_of(vm->pass, &spec->passes[i]);
        if (v && !vfio_attach(v, vm->pci, &vm->loop))
            return false;
    }
    for (unsigned i = 0; i < vm->mem.n; i++) {
        const struct guestmem_region *m = &vm->mem.r[i];
        if (!m->rom && !vfio_dma_map(vm->pass, m->gpa, m->length, m->host))
            return false;
        vm->pci_dma_mapped = i + 1;
    }
    if (!pci_bus_assign(vm->pci))
        return false;
    struct bus_range ranges[] = {
        { .base = PCI_CF8_PORT, .length = 8, .model = &pci_cfg_model, .dev = vm->pci,
          .owner = "PCI configuration ports" },
        { .base = spec->pci.mmio_base, .length = spec->pci.mmio_size, .model = &pci_window_model,
          .dev = vm->pci, .region = 0, .owner = "PCI memory window" },
        { .base = spec->pci.io_base, .length = spec->pci.io_size, .model = &pci_window_model,
          .dev = vm->pci, .region = 1, .owner = "PCI I/O window" },
    };
    return bus_add(&vm->pio, &ranges[0]) && bus_add(&vm->mmio, &ranges[1]) &&
           bus_add(&vm->pio, &ranges[2]);
}

void vm_pci_teardown(struct vm *vm)
{
    if (!vm->pci)
        return;
    pci_bus_report(vm->pci);
    pci_bus_destroy(vm->pci);
    vm->pci = NULL;
    for (unsigned i = 0; i < vm->pci_dma_mapped; i++)
        if (!vm->mem.r[i].rom)
            vfio_dma_unmap(vm->pass, vm->mem.r[i].gpa, vm->mem.r[i].length);
    vm->pci_dma_mapped = 0;
}
