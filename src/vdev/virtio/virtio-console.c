/* vdev virtio-console: a virtio console port. */
#include "vdev/virtio/virtio.h"

#include "config/spec.h"

enum console_opt { CONSOLE_OPT_HOSTDEV, CONSOLE_OPT_LEGACY, CONSOLE_OPT_DELAYED,
                   CONSOLE_OPT_SCHED, CONSOLE_OPT_COUNT };

static const struct option_desc console_options[CONSOLE_OPT_COUNT] = {
    [CONSOLE_OPT_HOSTDEV] = VDEV_HOSTDEV_OPTION,
    [CONSOLE_OPT_LEGACY] = VIRTIO_LEGACY_OPTION,
    [CONSOLE_OPT_DELAYED] = VDEV_DELAYED_OPTION,
    [CONSOLE_OPT_SCHED] = VDEV_SCHED_OPTION,
};

const struct vdev_type vdev_virtio_console = {
    .name = "virtio-console",
    .summary = "virtio console",
    .arch = ARCH_ANY,
    .placement = PLACE_PCI_OR_MMIO,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .options = console_options,
    .noptions = CONSOLE_OPT_COUNT,
    .claims = virtio_claims,
};
