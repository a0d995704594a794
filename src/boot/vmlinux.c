/* Linux as an ELF vmlinux (x86-64): recognised by the notes Linux puts in
 * every image (its build salt, or Xen's PVH entry), loaded by its segments'
 * physical addresses, and entered at e_entry, which is startup_64's physical
 * address: the 64-bit boot protocol, as for a bzImage. */
#include "boot/elf.h"
#include "boot/linux.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#define LINUX_NOTE_BUILD_SALT 0x100 /* LINUX_ELFNOTE_BUILD_SALT */
#define XEN_NOTE_PHYS32_ENTRY 18    /* XEN_ELFNOTE_PHYS32_ENTRY: the PVH entry */
/* What a bzImage of these kernels declares; a vmlinux has no header to say it. */
#define VMLINUX_INITRD_MAX 0x7fffffffull
#define VMLINUX_CMDLINE_MAX 2047 /* COMMAND_LINE_SIZE - 1 */

bool vmlinux_is(const uint8_t *img, size_t size)
{
    const uint8_t *desc;
    uint32_t len;
    Elf64_Ehdr eh;
    if (!elf_is_elf(img, size) || size < sizeof(eh))
        return false;
    memcpy(&eh, img, sizeof(eh));
    return eh.e_machine == EM_X86_64 &&
           (elf_find_note(img, size, "Linux", LINUX_NOTE_BUILD_SALT, &desc, &len) ||
            elf_find_note(img, size, "Xen", XEN_NOTE_PHYS32_ENTRY, &desc, &len));
}

bool vmlinux_load(const struct guestmem *mem, const uint8_t *img, size_t size,
                  struct linux_kernel *k, char *why, size_t whylen)
{
    struct elf_loaded e;
    const char *reason;
    if (!elf_load(mem, img, size, EM_X86_64, &e, &reason)) {
        snprintf(why, whylen, "%s", reason);
        return false;
    }
    if (e.entry < e.lo || e.entry >= e.hi) {
        snprintf(why, whylen, "its entry point 0x%llx is not in its segments (a vmlinux "
                 "starts at startup_64's physical address)", (unsigned long long)e.entry);
        return false;
    }
    *k = (struct linux_kernel){
        .loaded = true,
        .kind = "vmlinux",
        .entry = e.entry,
        .lo = e.lo,
        .hi = e.hi,
        .initrd_max = VMLINUX_INITRD_MAX,
        .initrd_above_4g = true, /* the 64-bit kernel reads ext_ramdisk_image */
        .cmdline_max = VMLINUX_CMDLINE_MAX,
    };
    return true;
}
