/* Linux bzImage (x86): the setup header at 0x1f1, checked for what kqvm
 * needs (boot protocol 2.06 or later, a 64-bit entry, a kernel loaded high),
 * and the protected-mode kernel copied to its preferred address. The 16-bit
 * setup code is not run: kqvm enters at the 64-bit entry, 0x200 into the
 * protected-mode kernel, as the boot protocol allows. */
#include "boot/linux.h"

#include <stdio.h>
#include <string.h>

#define HDR_OFFSET 0x1f1
#define HDR_END_BYTE 0x201 /* the header ends at 0x202 plus this byte */
#define MAGIC_OFFSET 0x202
#define BOOT_FLAG 0xaa55
#define ENTRY64_OFFSET 0x200
#define LOAD_DEFAULT 0x100000ull /* where kernels without pref_address (before 2.10) go */
#define SECTOR 512

bool bzimage_is(const uint8_t *img, size_t size)
{
    return size >= MAGIC_OFFSET + 4 && !memcmp(img + MAGIC_OFFSET, "HdrS", 4);
}

bool bzimage_load(const struct guestmem *mem, const uint8_t *img, size_t size,
                  struct linux_kernel *k, char *why, size_t whylen)
{
    struct setup_header h = { 0 };
    if (size <= HDR_END_BYTE) {
        snprintf(why, whylen, "its setup header is truncated");
        return false;
    }
    size_t hlen = MAGIC_OFFSET + img[HDR_END_BYTE] - HDR_OFFSET;
    if (hlen > sizeof(h))
        hlen = sizeof(h); /* a newer header: the fields kqvm knows are at its start */
    if (size < HDR_OFFSET + hlen) {
        snprintf(why, whylen, "its setup header is truncated");
        return false;
    }
    memcpy(&h, img + HDR_OFFSET, hlen);
    if (h.boot_flag != BOOT_FLAG) {
        snprintf(why, whylen, "no boot signature 0xaa55 at offset 0x1fe");
        return false;
    }
    if (h.version < 0x206) {
        snprintf(why, whylen, "boot protocol %u.%02u is too old: kqvm needs 2.06 or later",
                 h.version >> 8, h.version & 0xff);
        return false;
    }
    if (!(h.loadflags & LOADED_HIGH)) {
        snprintf(why, whylen, "a zImage (loaded below 1 MiB) is not supported");
        return false;
    }
    if (h.version < 0x20c || !(h.xloadflags & XLF_KERNEL_64)) {
        snprintf(why, whylen, "it has no 64-bit entry (XLF_KERNEL_64 in xloadflags, boot "
                 "protocol 2.12 or later): kqvm starts Linux in 64-bit mode");
        return false;
    }
    unsigned sects = h.setup_sects ? h.setup_sects : 4;
    size_t off = (size_t)(sects + 1) * SECTOR;
    if (off >= size) {
        snprintf(why, whylen, "its setup code (%u sectors) leaves no kernel in the file", sects);
        return false;
    }
    uint64_t kernel_size = size - off;
    uint64_t load = h.version >= 0x20a ? h.pref_address : LOAD_DEFAULT;
    /* the kernel decompresses itself in place: it needs init_size bytes from its load address */
    uint64_t need = h.init_size > kernel_size ? h.init_size : kernel_size;
    uint8_t *dst = guestmem_ptr(mem, load, need, GM_WRITE);
    if (!dst) {
        snprintf(why, whylen, "it needs %llu MiB of RAM from 0x%llx (its load address and "
                 "init_size), which guest RAM does not cover",
                 (unsigned long long)(need + 0xfffff) >> 20, (unsigned long long)load);
        return false;
    }
    memcpy(dst, img + off, kernel_size);
    *k = (struct linux_kernel){
        .loaded = true,
        .kind = "bzImage",
        .hdr = h,
        .entry = load + ENTRY64_OFFSET,
        .lo = load,
        .hi = load + need,
        .initrd_max = h.initrd_addr_max,
        .initrd_above_4g = h.xloadflags & XLF_CAN_BE_LOADED_ABOVE_4G,
        .cmdline_max = h.cmdline_size,
    };
    return true;
}
