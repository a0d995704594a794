/* Guest memory: the RAM and ROM regions as host mappings, and the one checked
 * accessor every guest pointer goes through (GPA + length -> host pointer, or
 * NULL when the range is not entirely inside one region). No KVM here: vdevs
 * and loaders use it, and unit tests build it from plain buffers. */
#ifndef KQVM_VM_GUESTMEM_H
#define KQVM_VM_GUESTMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct guestmem_region {
    uint64_t gpa, length;
    uint8_t *host;
    bool rom; /* read-only to the guest (loaders still fill it) */
};

struct guestmem {
    struct guestmem_region *r;
    unsigned n; /* sorted by gpa, not overlapping */
};

enum guestmem_access { GM_READ, GM_WRITE, GM_LOAD /* the VMM filling ROM */ };

/* The host address of [gpa, gpa + len), or NULL when that range is not wholly
 * inside one region, wraps, or (GM_WRITE) lies in ROM. len 0 is refused. */
void *guestmem_ptr(const struct guestmem *m, uint64_t gpa, uint64_t len, enum guestmem_access a);
bool guestmem_read(const struct guestmem *m, uint64_t gpa, void *dst, uint64_t len);
bool guestmem_write(const struct guestmem *m, uint64_t gpa, const void *src, uint64_t len);

#endif
