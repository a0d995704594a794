/* The INTx of a PCI device passed through with VFIO (pass loc pci:...=pci:...
 * with an intr): an eventfd VFIO signals when the device asserts INTx.
 * vfio-pci masks INTx at the host when it fires (the interrupt is level);
 * kqvm unmasks it with VFIO_IRQ_SET_ACTION_UNMASK after the guest's EOI.
 * The eventfd and the masking belong to the device (src/pass/vfio.c),
 * which turns INTx off while the guest uses MSI or MSI-X. */
#include "pass/irq.h"

#include "pass/pass.h"
#include "pass/vfio.h"
#include "util/log.h"

#include <stdio.h>
#include <unistd.h>

static bool vfio_irq_open(struct pass_irq *pi)
{
    struct vfio_device *v = vfio_device_of(pi->priv, pi->spec);
    if (!v) { /* pass_open opened the devices first; a failed one stopped the run */
        log_error("%s: its PCI device is not open", pi->label);
        return false;
    }
    pi->fd = vfio_intx_fd(v);
    pi->priv = v;
    snprintf(pi->source, sizeof(pi->source), "VFIO %s INTx", vfio_device_name(v));
    return true;
}

static uint64_t vfio_irq_take(struct pass_irq *pi)
{
    uint64_t count;
    return read(pi->fd, &count, sizeof(count)) == (ssize_t)sizeof(count) ? 1 : 0;
}

static void vfio_irq_unmask(struct pass_irq *pi)
{
    vfio_intx_unmask(pi->priv);
}

static void vfio_irq_quiesce(struct pass_irq *pi)
{
    vfio_intx_mask(pi->priv);
    vfio_irq_take(pi); /* drop an interrupt that fired before the mask */
}

static void vfio_irq_close(struct pass_irq *pi)
{
    (void)pi; /* the eventfd is the device's */
}

const struct pass_irq_ops pass_irq_vfio = {
    .kind = "vfio",
    .open = vfio_irq_open,
    .take = vfio_irq_take,
    .unmask = vfio_irq_unmask,
    .quiesce = vfio_irq_quiesce,
    .close = vfio_irq_close,
};
