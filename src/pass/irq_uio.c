/* pass intr ...=uio:N: the interrupt of /dev/uioN (Documentation/driver-api/uio-howto).
 * A read returns the interrupt count; the kernel driver masks the interrupt
 * when it fires (uio_pdrv_genirq disables the IRQ line, uio_pci_generic sets
 * the PCI INTx-disable bit) and writing 1 unmasks it, 0 keeps it masked.
 * A driver without that control (the write fails) cannot be masked at the
 * source: kqvm then only stops reading it, and says so. */
#include "pass/irq.h"

#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool uio_control(struct pass_irq *pi, int32_t on)
{
    if (pi->cannot_mask)
        return false;
    if (write(pi->fd, &on, sizeof(on)) == (ssize_t)sizeof(on))
        return true;
    log_warn("%s: %s: %s the interrupt: %s", pi->label, pi->source, on ? "unmasking" : "masking",
             strerror(errno));
    return false;
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
    if (write(pi->fd, &off, sizeof(off)) != (ssize_t)sizeof(off)) {
        if (errno != ENOSYS) {
            log_error("%s: %s: cannot mask its interrupt: %s", pi->label, pi->source,
                      strerror(errno));
            close(pi->fd);
            return false;
        }
        log_warn("%s: the driver of %s cannot mask its interrupt (no irqcontrol): kqvm stops "
                 "reading it until the guest's EOI, the host kernel handles the rest",
                 pi->label, pi->source);
        pi->cannot_mask = true;
    }
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
    uio_control(pi, 1);
}

static void uio_quiesce(struct pass_irq *pi)
{
    uint32_t count;
    uio_control(pi, 0);
    while (read(pi->fd, &count, sizeof(count)) == (ssize_t)sizeof(count))
        ; /* drop an interrupt that fired before the mask */
}

static void uio_close(struct pass_irq *pi)
{
    close(pi->fd);
}

const struct pass_irq_ops pass_irq_uio = {
    .kind = "uio",
    .open = uio_open,
    .take = uio_take,
    .unmask = uio_unmask,
    .quiesce = uio_quiesce,
    .close = uio_close,
};
