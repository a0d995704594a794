/* The vdev registry and the options every vdev shares. */
#include "vdev/vdev.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"

#include <string.h>

const struct option_desc vdev_common_options[COMMON_OPT_COUNT] = {
    [COMMON_OPT_NAME] = { .name = "name", .type = VT_NAME, .arg = "NAME",
                          .help = "the vdev's name (interrupt controllers: the name intr uses)" },
    [COMMON_OPT_LOC] = { .name = "loc", .type = VT_LOC, .arg = "LOCATION",
                         .help = "where the guest finds the vdev: mem:ADDR, io:PORT or "
                                 "pci:BUS:DEV[.FUNC]" },
    [COMMON_OPT_INTR] = { .name = "intr", .type = VT_INTR, .arg = "CONTROLLER:LINE",
                          .help = "the interrupt line the vdev raises" },
    [COMMON_OPT_LOG] = { .name = "log", .type = VT_LOG, .flags = OPT_REPEAT,
                         .arg = "FILTER{,FILTER} DEST",
                         .help = "this vdev's messages: filters and destination, like logger" },
    [COMMON_OPT_HOSTVECTOR] = { .name = "hostvector", .type = VT_COUNT, .max = UINT32_MAX,
                                .arg = "N",
                                .help = "host-side numbering of the controller's lines: line N "
                                        "is hostvector + N" },
};

extern const struct vdev_type vdev_ioapic, vdev_8259, vdev_timer8254, vdev_mc146818, vdev_hpet,
    vdev_pckeyboard, vdev_ser8250, vdev_pl011, vdev_gic, vdev_virtio_blk, vdev_virtio_net,
    vdev_virtio_console, vdev_virtio_entropy, vdev_shmem, vdev_wdt_ib700, vdev_wdt_sp805,
    vdev_pci_dummy;

const struct vdev_type *const vdev_types[] = {
    &vdev_ioapic,        &vdev_8259,          &vdev_timer8254,      &vdev_mc146818,
    &vdev_hpet,          &vdev_pckeyboard,    &vdev_ser8250,        &vdev_pl011,
    &vdev_gic,           &vdev_virtio_blk,    &vdev_virtio_net,     &vdev_virtio_console,
    &vdev_virtio_entropy, &vdev_shmem,        &vdev_wdt_ib700,      &vdev_wdt_sp805,
    &vdev_pci_dummy,
};
const unsigned vdev_types_count = sizeof(vdev_types) / sizeof(vdev_types[0]);

const struct vdev_type *vdev_type_find(const char *name)
{
    if (strncmp(name, "vdev-", 5) == 0)
        name += 5;
    for (unsigned i = 0; i < vdev_types_count; i++)
        if (strcmp(vdev_types[i]->name, name) == 0)
            return vdev_types[i];
    return NULL;
}

static const unsigned common_bits[COMMON_OPT_COUNT] = {
    [COMMON_OPT_NAME] = COMMON_NAME, [COMMON_OPT_LOC] = COMMON_LOC,
    [COMMON_OPT_INTR] = COMMON_INTR, [COMMON_OPT_LOG] = COMMON_LOG,
    [COMMON_OPT_HOSTVECTOR] = COMMON_HOSTVECTOR,
};

const struct option_desc *vdev_option_find(const struct vdev_type *t, const char *name,
                                           bool *common, unsigned *index)
{
    for (unsigned i = 0; i < t->noptions; i++) {
        if (strcmp(t->options[i].name, name) == 0) {
            *common = false;
            *index = i;
            return &t->options[i];
        }
    }
    for (unsigned i = 0; i < COMMON_OPT_COUNT; i++) {
        if ((t->common & common_bits[i]) && strcmp(vdev_common_options[i].name, name) == 0) {
            *common = true;
            *index = i;
            return &vdev_common_options[i];
        }
    }
    return NULL;
}

bool vdev_parse_delayed(struct resolver *r, const struct token *t, struct optval *out)
{
    if (!strcmp(t->text, "forever")) {
        out->u = DELAYED_FOREVER;
        return true;
    }
    return read_number(r, t, 0, t->len, NUM_COUNT, "delayed seconds", &out->u);
}

unsigned vdev_claim_loc(const struct vdev_spec *v, uint64_t length, const char *what,
                        struct region *out, unsigned max)
{
    if (max < 1 || (v->loc.space != LOC_MEM && v->loc.space != LOC_IO))
        return 0;
    out[0] = (struct region){ .space = v->loc.space == LOC_IO ? SPACE_IO : SPACE_MEM,
                              .base = v->loc.addr, .length = length, .what = what };
    return 1;
}

unsigned optval_count(const struct optval *v)
{
    unsigned n = 0;
    for (; v && v->set; v = v->next)
        n++;
    return n;
}
