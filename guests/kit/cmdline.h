/* key=value words on the kernel command line (boot info cmdline). */
#ifndef KIT_CMDLINE_H
#define KIT_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#include "kqvm_boot.h"

/* The value of the first word "key=value" (value ends at a space or the end
 * of the line; *len receives its length), or NULL if there is no such word.
 * A bare word "key" gives an empty value. */
const char *cmdline_get(const struct kqvm_boot_info *bi, const char *key, size_t *len);
/* Parses the value as a decimal or 0x-prefixed hexadecimal number. Returns 1
 * and sets *out on success, 0 if the key is absent or the value malformed. */
int cmdline_u64(const struct kqvm_boot_info *bi, const char *key, uint64_t *out);
/* Parses the value as hex bytes ("4b515652"). Returns the number of bytes
 * stored (at most max), 0 if absent, -1 if malformed (odd length, not hex,
 * or longer than max). */
int cmdline_hex(const struct kqvm_boot_info *bi, const char *key, uint8_t *buf, size_t max);

#endif
