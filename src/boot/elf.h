/* ELF64 images: recognised by their header, loaded by PT_LOAD segments into
 * guest memory with every offset and length checked. */
#ifndef KQVM_BOOT_ELF_H
#define KQVM_BOOT_ELF_H

#include "vm/guestmem.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct elf_loaded {
    uint64_t entry;
    uint64_t lo, hi; /* the extent of the loaded segments */
};

bool elf_is_elf(const uint8_t *img, size_t size);
/* Load img into mem. machine: EM_X86_64 or EM_AARCH64. On failure, *why says why. */
bool elf_load(const struct guestmem *mem, const uint8_t *img, size_t size, unsigned machine,
              struct elf_loaded *out, const char **why);
/* The first note called name with this type in img's PT_NOTE segments: its
 * descriptor, within img. */
bool elf_find_note(const uint8_t *img, size_t size, const char *name, uint32_t type,
                   const uint8_t **desc, uint32_t *desc_len);

#endif
