/* Pass-through: host resources the guest uses directly (`pass loc`) and host
 * interrupts forwarded to guest lines (`pass intr`).
 *
 * The host side is opened once per run, before the first boot, and kept
 * across guest restarts (like hostdevs): an inherited eventfd cannot be
 * opened again. Each boot attaches it to the new VM and detaches it when the
 * VM goes away; detaching masks every interrupt source, clears what it had
 * pending and forgets the guest's in-flight state, so a restarted guest
 * starts clean. src/vm turns the regions into memory slots and bus ranges:
 * this module does not include <linux/kvm.h>. */
#ifndef KQVM_PASS_PASS_H
#define KQVM_PASS_PASS_H

#include "config/spec.h"
#include "irq/irq.h"
#include "vm/event.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct pass_host;
struct vfio_host;

/* A host mapping for guest memory: a KVM memory slot. */
struct pass_slot {
    uint64_t gpa, length; /* page-aligned */
    void *host;
    bool readonly;
};

/* Guest bytes kqvm forwards itself: the parts of a region that do not fill
 * a page, or a range of I/O ports. */
struct pass_trap {
    enum { PASS_TRAP_MEM, PASS_TRAP_IO } space;
    uint64_t base, length;
    uint8_t *host; /* PASS_TRAP_MEM: the host bytes of base */
    bool readonly;
    const struct pass_spec *spec;
    _Atomic bool warned; /* a write to a read-only trap was logged */
};

struct pass_map {
    void *host;
    uint64_t length;
};

struct pass_set {
    const struct vm_spec *spec;
    struct pass_map *maps; /* host mappings, one per memory region */
    unsigned nmaps;
    struct pass_slot *slots;
    unsigned nslots;
    struct pass_trap *traps;
    unsigned ntraps;
    struct pass_irq **irqs; /* one per pass intr */
    unsigned nirqs;
    struct vfio_host *vfio; /* the PCI devices (src/pass/vfio.c), NULL: none */
};

/* Whether kqvm can run this entry; logs why not (a configuration matter:
 * checked before anything is opened). */
bool pass_runnable(const struct pass_spec *p);
/* Opens every pass entry's host side: maps host memory, checks ports and
 * interrupt sources. NULL after logging why (the VM does not start). */
struct pass_set *pass_open(const struct vm_spec *spec);
void pass_close(struct pass_set *ps);

/* The regions (src/pass/region.c), for pass_open and pass_close. */
bool pass_open_regions(struct pass_set *ps);
void pass_close_regions(struct pass_set *ps);

/* The bus model of the traps (read/write with the trap as dev). */
extern const struct vdev_model pass_trap_model;

/* The entry of pass intr k (0 <= k < nirqs). */
const struct pass_spec *pass_irq_spec(const struct pass_set *ps, unsigned k);
/* Connect pass intr k to the guest line l (already wired to its
 * controller) and start watching its source on loop. */
bool pass_irq_attach(struct pass_set *ps, unsigned k, struct irq_line *l, struct event_loop *loop);
/* Every source: masked, pending state cleared, off the loop; the lines are
 * left low. Called before the VM's controllers go away. */
void pass_irq_detach_all(struct pass_set *ps);

/* Per-source counters for the end-of-run report. */
void pass_irq_report(const struct pass_set *ps);

#endif
