/* The host bridge at 0:0.0: a type 0 header with a host bridge's class and
 * nothing else. Its IDs are those of QEMU's generic PCIe host bridge
 * (1b36:0008), which guests know and apply no quirks to. */
#include "pci/pci.h"

#include <linux/pci_regs.h>
#include <stdlib.h>

#define HOST_VENDOR 0x1b36 /* Red Hat, Inc. (QEMU's devices) */
#define HOST_DEVICE 0x0008 /* generic PCIe host bridge */
#define CLASS_HOST_BRIDGE 0x060000

static void host_destroy(struct pci_function *f)
{
    free(f);
}

static const struct pci_function_ops host_ops = { .destroy = host_destroy };

bool pci_host_bridge_add(struct pci_bus *b)
{
    struct pci_function *f = calloc(1, sizeof(*f));
    if (!f)
        return false;
    f->name = "PCI host bridge 0:0.0";
    f->ops = &host_ops;
    pci_config_init(&f->cfg, HOST_VENDOR, HOST_DEVICE, CLASS_HOST_BRIDGE, 0);
    /* nothing to enable, nothing to interrupt with */
    pci_config_set_wmask(&f->cfg, PCI_COMMAND, 2, 0);
    pci_config_set_wmask(&f->cfg, PCI_INTERRUPT_LINE, 1, 0);
    if (!pci_bus_add(b, f, PCI_DEVFN(0, 0))) {
        free(f);
        return false;
    }
    return true;
}
