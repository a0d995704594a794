#include "util/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct arena_block {
    struct arena_block *next;
    size_t used, size;
    max_align_t data[];
};

enum { ARENA_BLOCK_MIN = 64 * 1024 };

static void *xcalloc(size_t n)
{
    void *p = calloc(1, n);
    if (!p) {
        /* Out of host memory while reading configuration: nothing sensible to recover. */
        fputs("kqvm: fatal: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
    size_t align = _Alignof(max_align_t);
    if (size > SIZE_MAX - align)
        size = SIZE_MAX - align; /* xcalloc below fails cleanly */
    size = (size + align - 1) & ~(align - 1);
    struct arena_block *b = a->head;
    if (!b || b->size - b->used < size) {
        size_t bsize = size > ARENA_BLOCK_MIN ? size : ARENA_BLOCK_MIN;
        if (bsize > SIZE_MAX - sizeof(*b))
            bsize = SIZE_MAX - sizeof(*b);
        b = xcalloc(sizeof(*b) + bsize);
        b->size = bsize;
        b->next = a->head;
        a->head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = arena_alloc(a, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

void *arena_grow(struct arena *a, void *old, size_t *cap, size_t want, size_t elem)
{
    if (want <= *cap)
        return old;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < want)
        ncap *= 2;
    void *p = arena_alloc(a, ncap * elem);
    if (old)
        memcpy(p, old, *cap * elem);
    *cap = ncap;
    return p;
}

void arena_free(struct arena *a)
{
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
}
