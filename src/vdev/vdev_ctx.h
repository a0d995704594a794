/* What a running vdev sees of the VM (the boundary of ../shared/DESIGN.md):
 * its resolved spec, guest memory through the checked accessor, the event
 * loop, its interrupt lines, its host endpoints, its log context, and the
 * requests it may make of the VM's lifecycle. No KVM here. */
#ifndef KQVM_VDEV_VDEV_CTX_H
#define KQVM_VDEV_VDEV_CTX_H

#include "config/spec.h"
#include "irq/irq.h"
#include "util/log.h"
#include "vm/event.h"
#include "vm/guestmem.h"
#include "vm/hostdev.h"

struct vm;

struct vdev_ctx {
    const struct vdev_spec *spec;
    const struct vm_spec *vm_spec;
    struct vm *vm;
    const struct guestmem *mem;
    struct event_loop *loop;
    struct log_ctx log;
    /* one per spec->intr[k] (index below spec->nintr), wired before create;
     * NULL where nothing delivers it */
    struct irq_line **irq;
    struct hostdev *host;  /* its hostdev endpoints, or NULL */
    /* interrupt controllers: the way to the vCPUs, and the chip they register */
    struct irq_backend *irqb;
    struct irq_chip *chip;
};

/* The index of the vCPU whose access a model is handling (for banked
 * registers, such as the GIC's); UINT_MAX outside vCPU threads. */
unsigned vdev_current_vcpu(void);

/* Lifecycle requests a vdev may make (any thread). */
void vm_request_poweroff(struct vm *vm);
void vm_request_reset(struct vm *vm);
/* The user asked to quit (terminal escape). */
void vm_request_quit(struct vm *vm);

#endif
