/* A host PCI device passed through with VFIO, as the guest's PCI function
 * (src/pass/vfio_pci.c): its configuration space virtualised, its BARs
 * (memory slots where VFIO lets kqvm map them, trapped and forwarded
 * elsewhere, the MSI-X table and PBA always emulated), MSI and MSI-X
 * emulated and delivered by kqvm.
 *
 * The function reaches the device only through `struct vfio_pci_ops`:
 * src/pass/vfio.c implements them on a VFIO device file, the unit tests on
 * a fake device. The host side of each MSI or MSI-X vector is the backend's
 * (an eventfd VFIO signals, watched by kqvm with the pass-through storm
 * budget); when one fires, the backend calls vfio_pci_vector_fired, which
 * sends the message the guest programmed (its route) or keeps it pending
 * while the guest masks the vector. */
#ifndef KQVM_PASS_VFIO_PCI_H
#define KQVM_PASS_VFIO_PCI_H

#include "pci/pci.h"

#include <stdbool.h>
#include <stdint.h>

enum { VFIO_PCI_IRQ_MSI = 1, VFIO_PCI_IRQ_MSIX = 2 }; /* VFIO's interrupt indexes */

struct vfio_pci_ops {
    /* The device's configuration space (VFIO's view of it). */
    bool (*cfg_read)(void *dev, unsigned off, void *buf, unsigned len);
    bool (*cfg_write)(void *dev, unsigned off, const void *buf, unsigned len);
    /* A BAR, through the device file (the parts that are not mapped). */
    bool (*bar_read)(void *dev, unsigned bar, uint64_t off, void *buf, unsigned len);
    bool (*bar_write)(void *dev, unsigned bar, uint64_t off, const void *buf, unsigned len);
    /* MSI or MSI-X (VFIO_PCI_IRQ_*) on at the host with count vectors;
     * count 0 turns it off. */
    bool (*set_vectors)(void *dev, unsigned index, unsigned count);
    /* INTx at the host: off while MSI or MSI-X is on (VFIO allows one
     * kind at a time), on again afterwards. */
    void (*intx)(void *dev, bool on);
    /* The guest goes away: the device is stopped and reset if it can be. */
    void (*stop)(void *dev);
};

/* What the device is, as VFIO described it when it was opened. */
struct vfio_pci_desc {
    const char *label; /* for messages: "pass pci:0:3.0 (0000:00:01.0, t.qvmconf:3:1)" */
    struct {
        uint64_t size; /* VFIO's region size; 0: no BAR */
        /* the parts kqvm could mmap (page-aligned), in offset order */
        struct pci_bar_map areas[PCI_BAR_MAPS];
        unsigned nareas;
    } bar[PCI_NUM_BARS];
    unsigned msi_vectors, msix_vectors; /* VFIO's counts for its MSI and MSI-X indexes */
    bool intx;         /* the device's INTx is forwarded (the pass entry has an intr) */
    uint8_t intx_line; /* then: the guest line, for the Interrupt Line register */
};

/* A new function for the device (per boot); its BARs are declared but not
 * placed. NULL after logging why. Messages go out through env. */
struct pci_function *vfio_pci_create(const struct vfio_pci_desc *d,
                                     const struct vfio_pci_ops *ops, void *dev,
                                     const struct pci_bus_env *env);

/* Vector vector of MSI or MSI-X (index) fired at the host: the guest's
 * message is sent, or kept pending while masked. Any thread; out-of-range
 * or disabled vectors are dropped. */
void vfio_pci_vector_fired(struct pci_function *f, unsigned index, unsigned vector);

#endif
