/* pass intr ...=uio:N: the interrupt of /dev/uioN (the kernel's UIO HOWTO).
 * A read returns the interrupt count. The kernel driver masks the interrupt
 * when it fires, and user space unmasks it, in one of two ways:
 *   - drivers with irqcontrol (uio_pdrv_genirq, uio_dmem_genirq): writing
 *     1 to /dev/uioN unmasks, 0 masks;
 *   - uio_pci_generic: the driver sets the PCI command register's
 *     Interrupt Disable bit; user space clears it through the device's
 *     config space (/sys/class/uio/uioN/device/config).
 * A driver with neither cannot be masked from user space: kqvm then only
 * stops reading it until the EOI, and says so. */
#include "pass/irq.h"

#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PCI_COMMAND 0x04
#define PCI_COMMAND_INTX_DISABLE 0x400

static bool pci_intx(struct pass_irq *pi, bool on)
{
    uint16_t cmd;
    if (pread(pi->aux_fd, &cmd, sizeof(cmd), PCI_COMMAND) != (ssize_t)sizeof(cmd))
        return false;
    cmd = on ? cmd & (uint16_t)~PCI_COMMAND_INTX_DISABLE : cmd | PCI_COMMAND_INTX_DISABLE;
    return pwrite(pi->aux_fd, &cmd, sizeof(cmd), PCI_COMMAND) == (ssize_t)sizeof(cmd);
}

static void uio_control(struct pass_irq *pi, bool on)
{
    bool ok = true;
    if (pi->aux_fd >= 0) {
        ok = pci_intx(pi, on);
    } else if (!pi->cannot_mask) {
        int32_t v = on;
        ok = write(pi->fd, &v, sizeof(v)) == (ssize_t)sizeof(v);
    }
    if (!ok)
        log_warn("%s: %s: %s the interrupt: %s", pi->label, pi->source,
                 on ? "unmasking" : "masking", strerror(errno));
}

static bool uio_open(struct pass_irq *pi)
{
    snprintf(pi->source, sizeof(pi->source), "/dev/uio%u", pi->spec->irq_uio);
    pi->fd = open(pi->source, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (pi->fd < 0) {
        log_error("%s: cannot open %s: %s", pi->label, pi->source, strerror(errno));
        return false;
    }
    int32_t off = 0;
    if (write(pi->fd, &off, sizeof(off)) == (ssize_t)sizeof(off))
        return true; /* irqcontrol: masked now */
    if (errno != ENOSYS) {
        log_error("%s: %s: cannot mask its interrupt: %s", pi->label, pi->source,
                  strerror(errno));
        close(pi->fd);
        return false;
    }
    char config[96];
    snprintf(config, sizeof(config), "/sys/class/uio/uio%u/device/config", pi->spec->irq_uio);
    pi->aux_fd = open(config, O_RDWR | O_CLOEXEC);
    if (pi->aux_fd >= 0 && pci_intx(pi, false))
        return true; /* a PCI device: masked at its command register */
    if (pi->aux_fd >= 0)
        close(pi->aux_fd);
    pi->aux_fd = -1;
    pi->cannot_mask = true;
    log_warn("%s: the driver of %s cannot mask its interrupt (no irqcontrol, not PCI): kqvm "
             "stops reading it until the guest's EOI, the host kernel handles the rest",
             pi->label, pi->source);
    return true;
}

static uint64_t uio_take(struct pass_irq *pi)
{
    uint32_t count;
    ssize_t n = read(pi->fd, &count, sizeof(count));
    if (n != (ssize_t)sizeof(count)) {
        if (n < 0 && errno != EAGAIN)
            log_warn("%s: reading %s: %s", pi->label, pi->source, strerror(errno));
        return 0;
    }
    return 1; /* the count is the device's total: one (level) interrupt is pending */
}

static void uio_unmask(struct pass_irq *pi)
{
    uio_control(pi, true);
}

static void uio_quiesce(struct pass_irq *pi)
{
    uint32_t count;
    uio_control(pi, false);
    while (read(pi->fd, &count, sizeof(count)) == (ssize_t)sizeof(count))
        ; /* drop an interrupt that fired before the mask */
}

static void uio_close(struct pass_irq *pi)
{
    close(pi->fd);
    if (pi->aux_fd >= 0)
        close(pi->aux_fd);
}

const struct pass_irq_ops pass_irq_uio = {
    .kind = "uio",
    .open = uio_open,
    .take = uio_take,
    .unmask = uio_unmask,
    .quiesce = uio_quiesce,
    .close = uio_close,
};
