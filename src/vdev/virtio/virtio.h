/* What the virtio vdevs share: the memory-mapped transport's register window
 * and the option of the legacy (0.9.5) interface. */
#ifndef KQVM_VDEV_VIRTIO_VIRTIO_H
#define KQVM_VDEV_VIRTIO_VIRTIO_H

#include "vdev/vdev.h"

#define VIRTIO_MMIO_WINDOW 0x200

/* The claims of a virtio vdev: its virtio-mmio window when memory-mapped (PCI
 * devices claim nothing here: their BARs live in the PCI window). */
unsigned virtio_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                       unsigned max);

#define VIRTIO_LEGACY_OPTION                                                                      \
    { .name = "legacy", .type = VT_FLAG,                                                          \
      .help = "offer the legacy (virtio 0.9.5) interface instead of virtio 1.x" }

#endif
