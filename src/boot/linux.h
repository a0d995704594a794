/* Linux kernels for x86-64 and their initrd. The loaders (bzimage.c,
 * vmlinux.c, initrd.c) check an image against the Linux boot protocol
 * (Documentation/arch/x86/boot.rst), load it, and record here what the arch
 * code needs to write boot_params (src/arch/x86/linux.c). */
#ifndef KQVM_BOOT_LINUX_H
#define KQVM_BOOT_LINUX_H

#include "vm/guestmem.h"

#include "boot/bootparam.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct linux_kernel {
    bool loaded;
    const char *kind;        /* "bzImage" or "vmlinux", for messages */
    struct setup_header hdr; /* a bzImage's own header; zero for a vmlinux */
    uint64_t entry;          /* the 64-bit entry point */
    uint64_t lo, hi;         /* what the kernel occupies until it runs (init_size) */
    uint64_t initrd_max;     /* the highest address the initrd may reach (inclusive) */
    bool initrd_above_4g;    /* ... unless it is placed above 4 GiB, which the kernel allows */
    uint32_t cmdline_max;    /* the longest command line it takes, without the NUL */
    uint64_t initrd, initrd_size; /* initrd_size 0: no initrd */
};

/* The "HdrS" signature of the boot protocol's setup header. */
bool bzimage_is(const uint8_t *img, size_t size);
/* Check a bzImage (protocol 2.06 or later, with a 64-bit entry) and copy its
 * protected-mode kernel into mem; on failure, why says what is wrong. */
bool bzimage_load(const struct guestmem *mem, const uint8_t *img, size_t size,
                  struct linux_kernel *k, char *why, size_t whylen);

/* An x86-64 ELF with Linux's notes (the build salt, or the PVH entry). */
bool vmlinux_is(const uint8_t *img, size_t size);
/* Load its segments at their physical addresses; it is entered at e_entry
 * (startup_64) with the 64-bit boot protocol. */
bool vmlinux_load(const struct guestmem *mem, const uint8_t *img, size_t size,
                  struct linux_kernel *k, char *why, size_t whylen);

/* Where an initrd of size bytes goes: at *addr when has_addr (checked against
 * the protocol's limits), otherwise as high in RAM as those limits allow, as
 * boot loaders do. Page-aligned, in RAM, clear of the kernel. */
bool initrd_place(const struct guestmem *mem, const struct linux_kernel *k, uint64_t size,
                  bool has_addr, uint64_t *addr, char *why, size_t whylen);

#endif
