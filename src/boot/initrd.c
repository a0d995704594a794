/* The initrd of a Linux kernel: placed, or checked when the configuration
 * gives its address, within the boot protocol's limits. The kernel frees the
 * initrd's pages once it has unpacked it, so it must be page-aligned RAM. */
#include "boot/linux.h"

#include <stdio.h>

#define PAGE 0x1000ull
#define LOW_MEMORY 0x100000ull /* left to the kernel (trampolines, BIOS areas) */

static bool clear_of_kernel(const struct linux_kernel *k, uint64_t addr, uint64_t size)
{
    return addr + size <= k->lo || addr >= k->hi;
}

/* The highest page-aligned start in [lo, top) for size bytes, clear of the
 * kernel; 0 when there is none (0 is never a valid place: low memory). */
static uint64_t highest_fit(const struct linux_kernel *k, uint64_t lo, uint64_t top, uint64_t size)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        if (top < lo || top - lo < size)
            return 0;
        uint64_t at = (top - size) & ~(PAGE - 1);
        if (at < lo)
            return 0;
        if (clear_of_kernel(k, at, size))
            return at;
        top = k->lo; /* below the kernel, then */
    }
    return 0;
}

static uint64_t auto_place(const struct guestmem *mem, const struct linux_kernel *k,
                           uint64_t size, uint64_t limit)
{
    for (unsigned i = mem->n; i-- > 0;) {
        const struct guestmem_region *g = &mem->r[i];
        if (g->rom)
            continue;
        uint64_t lo = g->gpa > LOW_MEMORY ? g->gpa : LOW_MEMORY;
        uint64_t top = g->gpa + g->length;
        if (top > limit)
            top = limit;
        uint64_t at = highest_fit(k, lo, top, size);
        if (at)
            return at;
    }
    return 0;
}

bool initrd_place(const struct guestmem *mem, const struct linux_kernel *k, uint64_t size,
                  bool has_addr, uint64_t *addr, char *why, size_t whylen)
{
    /* limit: one past the highest byte the protocol allows */
    uint64_t limit = k->initrd_max + 1;
    if (has_addr) {
        uint64_t a = *addr;
        if (a & (PAGE - 1)) {
            snprintf(why, whylen, "0x%llx is not a multiple of 4 KiB (the kernel frees the "
                     "initrd by pages)", (unsigned long long)a);
            return false;
        }
        if (!guestmem_ptr(mem, a, size, GM_WRITE)) {
            snprintf(why, whylen, "0x%llx-0x%llx is not wholly in one ram region",
                     (unsigned long long)a, (unsigned long long)(a + size - 1));
            return false;
        }
        bool above_4g = k->initrd_above_4g && a >= (1ull << 32);
        if (a + size > limit && !above_4g) {
            snprintf(why, whylen, "it ends at 0x%llx, above the %s's initrd limit 0x%llx%s",
                     (unsigned long long)(a + size - 1), k->kind,
                     (unsigned long long)k->initrd_max,
                     k->initrd_above_4g ? " (or place it above 4 GiB)" : "");
            return false;
        }
        if (!clear_of_kernel(k, a, size)) {
            snprintf(why, whylen, "it overlaps the kernel (0x%llx-0x%llx)",
                     (unsigned long long)k->lo, (unsigned long long)k->hi - 1);
            return false;
        }
        return true;
    }
    uint64_t at = auto_place(mem, k, size, limit);
    if (!at && k->initrd_above_4g)
        at = auto_place(mem, k, size, UINT64_MAX);
    if (!at) {
        snprintf(why, whylen, "no RAM above 1 MiB holds its %llu bytes below the %s's limit "
                 "0x%llx, clear of the kernel (0x%llx-0x%llx)", (unsigned long long)size,
                 k->kind, (unsigned long long)k->initrd_max, (unsigned long long)k->lo,
                 (unsigned long long)k->hi - 1);
        return false;
    }
    *addr = at;
    return true;
}
