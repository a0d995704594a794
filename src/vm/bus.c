#include "vm/bus.h"

#include <stdlib.h>

bool bus_add(struct bus *b, const struct bus_range *r)
{
    if (b->sealed)
        return false;
    if (b->n == b->cap) {
        unsigned cap = b->cap ? b->cap * 2 : 16;
        struct bus_range *v = realloc(b->v, cap * sizeof(*v));
        if (!v)
            return false;
        b->v = v;
        b->cap = cap;
    }
    b->v[b->n++] = *r;
    return true;
}

static int range_cmp(const void *pa, const void *pb)
{
    const struct bus_range *a = pa, *b = pb;
    return a->base < b->base ? -1 : a->base > b->base;
}

bool bus_seal(struct bus *b)
{
    if (b->n)
        qsort(b->v, b->n, sizeof(*b->v), range_cmp);
    for (unsigned i = 1; i < b->n; i++)
        if (b->v[i].base < b->v[i - 1].base + b->v[i - 1].length)
            return false;
    b->hits = calloc(b->n ? b->n : 1, sizeof(*b->hits));
    b->sealed = b->hits != NULL;
    return b->sealed;
}

void bus_count(const struct bus *b, const struct bus_range *r)
{
    atomic_fetch_add_explicit(&b->hits[r - b->v], 1, memory_order_relaxed);
}

const struct bus_range *bus_find(const struct bus *b, uint64_t addr, unsigned size)
{
    unsigned lo = 0, hi = b->n;
    while (lo < hi) {
        unsigned mid = lo + (hi - lo) / 2;
        if (b->v[mid].base <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct bus_range *r = &b->v[lo - 1];
    uint64_t off = addr - r->base;
    if (off >= r->length || size > r->length - off)
        return NULL;
    return r;
}

void bus_free(struct bus *b)
{
    free(b->hits);
    free(b->v);
    *b = (struct bus){ 0 };
}
