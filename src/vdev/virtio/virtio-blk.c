/* vdev virtio-blk: a block device backed by a host file or device. */
#include "vdev/virtio/virtio.h"

#include "config/resolver.h"
#include "config/spec.h"

enum blk_opt { BLK_OPT_HOSTDEV, BLK_OPT_LEGACY, BLK_OPT_THREADS, BLK_OPT_DIO, BLK_OPT_DELAYED,
               BLK_OPT_COUNT };

static const char *const dio_choices[] = { "enable", "disable", NULL };

static const struct option_desc blk_options[BLK_OPT_COUNT] = {
    [BLK_OPT_HOSTDEV] = { .name = "hostdev", .type = VT_HOSTDEV, .flags = OPT_REQUIRED,
                          .arg = "[<]PATH",
                          .help = "the backing file or device; '<' makes it read-only" },
    [BLK_OPT_LEGACY] = VIRTIO_LEGACY_OPTION,
    [BLK_OPT_THREADS] = { .name = "threads", .type = VT_COUNT, .min = 1, .max = 32,
                          .defval = "1", .arg = "N", .help = "I/O threads (1 to 32)" },
    [BLK_OPT_DIO] = { .name = "dio", .type = VT_ENUM, .choices = dio_choices,
                      .defval = "disable", .arg = "enable|disable",
                      .help = "direct I/O (O_DIRECT) on the backing file" },
    [BLK_OPT_DELAYED] = VDEV_DELAYED_OPTION,
};

static void blk_validate(struct resolver *r, struct vdev_spec *v)
{
    const struct optval *h = &v->opts[BLK_OPT_HOSTDEV];
    if (!h->set) {
        resolver_error(r, &v->at, "vdev virtio-blk needs a hostdev (its backing file)");
        return;
    }
    if (h->hostdev.dir == HOSTDEV_OUT)
        resolver_error(r, &h->arg->loc, "virtio-blk hostdev: '>' means output-only, which a disk "
                       "cannot be; use PATH or <PATH (read-only)");
}

const struct vdev_type vdev_virtio_blk = {
    .name = "virtio-blk",
    .summary = "virtio block device",
    .arch = ARCH_ANY,
    .placement = PLACE_PCI_OR_MMIO,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .options = blk_options,
    .noptions = BLK_OPT_COUNT,
    .validate = blk_validate,
    .claims = virtio_claims,
};
