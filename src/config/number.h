/* Numbers of the language: an address is hexadecimal by default, a size is
 * decimal by default; 0x forces hex and 0d decimal; addresses and sizes take a
 * K/M/G suffix (powers of 1024). Other numbers are decimal, without suffix. */
#ifndef KQVM_CONFIG_NUMBER_H
#define KQVM_CONFIG_NUMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum num_kind {
    NUM_ADDRESS, /* hex default, suffix allowed, zero allowed */
    NUM_SIZE,    /* decimal default, suffix allowed, zero refused */
    NUM_COUNT,   /* decimal default, no suffix, zero allowed */
};

struct num_error {
    size_t off;    /* byte offset of the offending character in the text */
    char msg[128]; /* what was wrong, without location */
};

bool parse_number(const char *s, size_t len, enum num_kind kind, uint64_t *out,
                  struct num_error *err);
/* The value of a hexadecimal digit, or -1. */
int hex_digit_value(char c);

#endif
