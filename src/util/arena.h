/* Region allocator: everything the configuration front end builds lives in one
 * arena and is released at once (the fuzzer relies on this to stay leak-free). */
#ifndef KQVM_UTIL_ARENA_H
#define KQVM_UTIL_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
};

void *arena_alloc(struct arena *a, size_t size); /* zeroed; aborts only on host OOM */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grow an array of elem-sized items held in the arena to at least want items. */
void *arena_grow(struct arena *a, void *old, size_t *cap, size_t want, size_t elem);
void arena_free(struct arena *a);

#endif
