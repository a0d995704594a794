/* For the unit tests of device models (timer8254, mc146818, hpet): a vdev of
 * a resolved configuration, created as kqvm's assembly creates it, on the
 * test's own event loop and interrupt lines. */
#ifndef KQVM_TESTS_VDEV_RIG_H
#define KQVM_TESTS_VDEV_RIG_H

#include "unit.h"

#include "vdev/vdev_ctx.h"

/* The configuration's first vdev of this type; the test fails without one. */
static inline const struct vdev_spec *rig_find_vdev(const struct run *cfg, const char *type)
{
    const struct vdev_spec *spec = NULL;
    for (unsigned i = 0; i < cfg->f.vm.nvdevs && !spec; i++)
        if (!strcmp(cfg->f.vm.vdevs[i].type->name, type))
            spec = &cfg->f.vm.vdevs[i];
    assert_non_null(spec);
    return spec;
}

/* Fills *ctx (log_prefix must outlive it: a literal), creates the device
 * with spec's model (*m) and returns it; the test fails if that does not work. */
static inline void *rig_create_vdev(struct vdev_ctx *ctx, const struct run *cfg,
                                    const struct vdev_spec *spec, const char *log_prefix,
                                    struct event_loop *loop, struct irq_line **lines,
                                    const struct vdev_model **m)
{
    *ctx = (struct vdev_ctx){ .spec = spec, .vm_spec = &cfg->f.vm, .loop = loop, .irq = lines };
    log_ctx_for(&ctx->log, log_prefix, NULL, 0);
    *m = spec->type->model;
    assert_non_null(*m);
    void *dev = (*m)->create(ctx);
    assert_non_null(dev);
    return dev;
}

#endif
