/* vdev 8259: the PC's pair of 8259A PICs. The master (loc 0x20) is the
 * controller that intr names; the slave (loc 0xa0) adds lines 8-15 through the
 * cascade on line 2. Each has its edge/level control register (ELCR). */
#include "vdev/vdev.h"

#include "config/resolver.h"
#include "config/spec.h"

#include <string.h>

#define PIC_MASTER 0x20
#define PIC_SLAVE 0xa0
#define PIC_CASCADE_LINE 2
#define ELCR_MASTER 0x4d0

static const uint16_t pic_auto_lines[] = { 5, 9, 10, 11, 3, 4, 7, 12, 14, 15 };

static bool pic_is_slave(const struct vdev_spec *v)
{
    return v->loc.space == LOC_IO && v->loc.addr == PIC_SLAVE;
}

static unsigned pic_count_lines(const struct vdev_spec *v, const struct vm_spec *vm)
{
    if (pic_is_slave(v))
        return 0; /* its lines are the master's 8-15 */
    for (unsigned i = 0; i < vm->nvdevs; i++)
        if (vm->vdevs[i].type == v->type && pic_is_slave(&vm->vdevs[i]))
            return 16;
    return 8;
}

static const char *pic_line_reserved(const struct vdev_spec *v, uint32_t line)
{
    (void)v;
    return line == PIC_CASCADE_LINE ? "it is the cascade from the slave" : NULL;
}

static const struct controller_desc pic_controller = {
    .lines = 16,
    .auto_lines = pic_auto_lines,
    .nauto = sizeof(pic_auto_lines) / sizeof(pic_auto_lines[0]),
    .count_lines = pic_count_lines,
    .line_reserved = pic_line_reserved,
};

static void pic_validate(struct resolver *r, struct vdev_spec *v)
{
    if (v->loc.space != LOC_IO || (v->loc.addr != PIC_MASTER && v->loc.addr != PIC_SLAVE)) {
        resolver_error(r, &v->at, "vdev 8259: loc must be io:0x20 (master) or io:0xa0 (slave)");
        return;
    }
    const struct vm_spec *vm = resolver_vm(r);
    if (pic_is_slave(v)) {
        bool master = false;
        for (unsigned i = 0; i < vm->nvdevs; i++)
            master |= vm->vdevs[i].type == v->type && vm->vdevs[i].loc.space == LOC_IO &&
                      vm->vdevs[i].loc.addr == PIC_MASTER;
        if (!master)
            resolver_error(r, &v->at, "vdev 8259: the slave at io:0xa0 needs a master at io:0x20");
    }
    for (unsigned i = 0; i < vm->nvdevs && &vm->vdevs[i] != v; i++) {
        const struct vdev_spec *o = &vm->vdevs[i];
        if (o->type == v->type && o->loc.space == LOC_IO && o->loc.addr == v->loc.addr) {
            resolver_error(r, &v->at, "vdev 8259: a second %s at io:0x%x (the first is at %s)",
                           pic_is_slave(v) ? "slave" : "master", (unsigned)v->loc.addr,
                           srcloc_str(&o->at));
            return;
        }
    }
}

static unsigned pic_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                           unsigned max)
{
    (void)vm;
    if (max < 2 || v->loc.space != LOC_IO)
        return 0;
    unsigned n = vdev_claim_loc(v, 2, "command/data", out, max);
    out[n++] = (struct region){ .space = SPACE_IO, .base = ELCR_MASTER + pic_is_slave(v),
                                .length = 1, .what = "ELCR" };
    return n;
}

const struct vdev_type vdev_8259 = {
    .name = "8259",
    .summary = "8259A PIC pair (master at io:0x20, slave at io:0xa0), cascade and ELCR",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_LOG | COMMON_HOSTVECTOR,
    .loc_space = LOC_IO,
    .controller = &pic_controller,
    .validate = pic_validate,
    .claims = pic_claims,
};
