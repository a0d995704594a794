/* The exit-dispatch bus: the PIO and MMIO ranges vdevs claim. Built once at
 * assembly, sealed (sorted), then only read: vCPU threads look ranges up
 * without locks. */
#ifndef KQVM_VM_BUS_H
#define KQVM_VM_BUS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct vdev_model;

struct bus_range {
    uint64_t base, length;
    const struct vdev_model *model;
    void *dev;
    unsigned region; /* which of the vdev's claims */
    const char *owner;
};

struct bus {
    struct bus_range *v;
    unsigned n, cap;
    bool sealed;
    _Atomic uint64_t *hits; /* accesses per range, from bus_seal on */
};

bool bus_add(struct bus *b, const struct bus_range *r);
/* Sort; false when two ranges overlap (the resolver has checked, so a bug). */
bool bus_seal(struct bus *b);
/* Count an access to r (a range of b): for `set exit-stats`. */
void bus_count(const struct bus *b, const struct bus_range *r);
/* The range holding [addr, addr + size), or NULL. */
const struct bus_range *bus_find(const struct bus *b, uint64_t addr, unsigned size);
void bus_free(struct bus *b);

#endif
