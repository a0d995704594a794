/* PCI pass-through through VFIO: the host side (src/pass/vfio.c, on the
 * kernel's VFIO API, Documentation/driver-api/vfio.rst) and the sysfs checks
 * made before it (src/pass/vfio_sysfs.c).
 *
 * Each `pass loc pci:...=pci:...` entry is one VFIO device, opened once per
 * run with the rest of the pass set: its IOMMU group checked and attached to
 * the set's container (TYPE1), its regions described, its BARs mapped where
 * VFIO allows, an eventfd per interrupt vector. Each boot makes it a
 * function of the guest's PCI bus (src/pass/vfio_pci.c) and maps the guest's
 * RAM for its DMA. */
#ifndef KQVM_PASS_VFIO_H
#define KQVM_PASS_VFIO_H

#include "config/spec.h"
#include "pci/pci.h"

#include <stdbool.h>
#include <stddef.h>

#define VFIO_NAME_MAX 32 /* "0000:01:00.0" */

/* ---- sysfs (a parameter: "/sys", or a test's tree) ---- */

/* The sysfs name of the host device an entry names: pci:BUS:DEV.FUNC (domain
 * 0) or pci:VID/DID[/INDEX] (the INDEX-th such device in name order). False
 * with the reason in err. */
bool vfio_sysfs_find(const char *sysfs, const struct guest_loc *host, char name[VFIO_NAME_MAX],
                     char *err, size_t errlen);
/* The device's IOMMU group, after checking that the device is bound to
 * vfio-pci and that the group is viable (every device in it bound to
 * vfio-pci or to no driver). -1 with the reason in err. */
int vfio_sysfs_group(const char *sysfs, const char *name, char *err, size_t errlen);

/* ---- the devices of a pass set ---- */

struct pass_set;
struct vfio_device;

/* Open every PCI entry's device (pass_open). False after logging why. */
bool vfio_open_all(struct pass_set *ps);
void vfio_close_all(struct pass_set *ps);
/* The device of entry p, or NULL. */
struct vfio_device *vfio_device_of(const struct pass_set *ps, const struct pass_spec *p);

/* Per boot: map guest RAM for the devices' DMA (iova = GPA). */
bool vfio_dma_map(struct pass_set *ps, uint64_t gpa, uint64_t length, void *host);
void vfio_dma_unmap(struct pass_set *ps, uint64_t gpa, uint64_t length);
/* Per boot: the device as a function of bus at the entry's slot, its
 * vectors watched on loop. False after logging why. */
bool vfio_attach(struct vfio_device *v, struct pci_bus *bus, struct event_loop *loop);
/* Every device's vectors off the loop (before the bus goes away). */
void vfio_detach_all(struct pass_set *ps);

/* The INTx of a device, for its pass intr source (src/pass/irq_vfio.c):
 * the eventfd VFIO signals, masking and unmasking at the host. */
int vfio_intx_fd(const struct vfio_device *v);
const char *vfio_device_name(const struct vfio_device *v);
void vfio_intx_unmask(struct vfio_device *v);
void vfio_intx_mask(struct vfio_device *v);

#endif
