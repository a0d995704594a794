/* vdev virtio-entropy: a virtio RNG fed from the host's /dev/random. */
#include "vdev/virtio/virtio.h"

#include "config/spec.h"

enum entropy_opt { ENTROPY_OPT_DELAYED, ENTROPY_OPT_COUNT };

static const struct option_desc entropy_options[ENTROPY_OPT_COUNT] = {
    [ENTROPY_OPT_DELAYED] = VDEV_DELAYED_OPTION,
};

const struct vdev_type vdev_virtio_entropy = {
    .name = "virtio-entropy",
    .summary = "virtio entropy source (RNG)",
    .arch = ARCH_ANY,
    .placement = PLACE_PCI_OR_MMIO,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .options = entropy_options,
    .noptions = ENTROPY_OPT_COUNT,
    .claims = virtio_claims,
};
