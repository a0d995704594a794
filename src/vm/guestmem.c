#include "vm/guestmem.h"

#include <string.h>

void *guestmem_ptr(const struct guestmem *m, uint64_t gpa, uint64_t len, enum guestmem_access a)
{
    if (len == 0 || gpa + len < gpa)
        return NULL;
    /* Binary search for the last region starting at or below gpa. */
    unsigned lo = 0, hi = m->n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (m->r[mid].gpa <= gpa)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct guestmem_region *g = &m->r[lo - 1];
    uint64_t off = gpa - g->gpa;
    if (off >= g->length || len > g->length - off)
        return NULL;
    if (a == GM_WRITE && g->rom)
        return NULL;
    return g->host + off;
}

bool guestmem_read(const struct guestmem *m, uint64_t gpa, void *dst, uint64_t len)
{
    const void *p = guestmem_ptr(m, gpa, len, GM_READ);
    if (!p)
        return false;
    memcpy(dst, p, len);
    return true;
}

bool guestmem_write(const struct guestmem *m, uint64_t gpa, const void *src, uint64_t len)
{
    void *p = guestmem_ptr(m, gpa, len, GM_WRITE);
    if (!p)
        return false;
    memcpy(p, src, len);
    return true;
}
