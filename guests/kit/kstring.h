/* The few C library functions the kit and GCC need (GCC may emit calls to
 * memcpy, memset, memmove and memcmp even with -ffreestanding). */
#ifndef KIT_KSTRING_H
#define KIT_KSTRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

#endif
