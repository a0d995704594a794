#include "vdev/virtio/virtio.h"

#include "config/spec.h"

unsigned virtio_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                       unsigned max)
{
    (void)vm;
    if (!v->mmio_transport)
        return 0;
    return vdev_claim_loc(v, VIRTIO_MMIO_WINDOW, "virtio-mmio registers", out, max);
}
