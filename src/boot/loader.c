/* The `load` entries, in order: ELF images, Linux kernels, raw images and
 * data blobs into guest memory; then the initrd, which the kernel's limits
 * place. The first image with an entry point starts the boot vCPU. */
#include "boot/elf.h"
#include "boot/fdt.h"
#include "boot/linux.h"
#include "util/log.h"
#include "vm/vm_internal.h"

#include <elf.h>
#include <libfdt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The arm64 Image header (Documentation/arch/arm64/booting.rst). */
#define ARM64_IMAGE_MAGIC 0x644d5241u /* "ARM\x64" at 0x38 */
#define ARM64_IMAGE_ALIGN 0x200000ull

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 8; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static bool is_arm64_image(const struct vm *vm, const uint8_t *img, size_t size)
{
    return vm->spec->arch == ARCH_ARM64 && size >= 64 && (uint32_t)le64(img + 0x38) == ARM64_IMAGE_MAGIC;
}

static const uint8_t *map_file(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    struct stat st;
    const uint8_t *p = NULL;
    if (fstat(fd, &st) == 0 && st.st_size > 0) {
        p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED)
            p = NULL;
        *size = (size_t)st.st_size;
    } else if (fstat(fd, &st) == 0) {
        errno = EINVAL; /* empty */
    }
    int e = errno;
    close(fd);
    errno = e;
    return p;
}

static void note_extent(struct vm *vm, uint64_t lo, uint64_t hi)
{
    if (!vm->boot.any_loaded || lo < vm->boot.lo)
        vm->boot.lo = lo;
    if (!vm->boot.any_loaded || hi > vm->boot.hi)
        vm->boot.hi = hi;
    vm->boot.any_loaded = true;
}

static bool copy_raw(struct vm *vm, const struct load_spec *l, const uint8_t *img, size_t size)
{
    uint8_t *dst = guestmem_ptr(&vm->mem, l->addr, size, GM_LOAD);
    if (!dst) {
        log_error("load %s (%s): %zu bytes at 0x%llx do not fit in guest RAM or ROM", l->path,
                  srcloc_str(&l->at), size, (unsigned long long)l->addr);
        return false;
    }
    memcpy(dst, img, size);
    note_extent(vm, l->addr, l->addr + size);
    return true;
}

static void set_entry(struct vm *vm, uint64_t entry)
{
    if (!vm->boot.found) {
        vm->boot.entry = entry;
        vm->boot.found = true;
    }
}

/* An arm64 Linux Image: at its address, or text_offset above the 2 MiB
 * aligned start of the lowest RAM; image_size (bss included) must fit. */
static bool load_arm64_image(struct vm *vm, const struct load_spec *l, const uint8_t *img,
                             size_t size)
{
    uint64_t text_offset = le64(img + 8), image_size = le64(img + 16), addr = l->addr;
    if (!l->has_addr) {
        const struct guestmem_region *low = NULL;
        for (unsigned i = 0; i < vm->mem.n && !low; i++)
            if (!vm->mem.r[i].rom)
                low = &vm->mem.r[i];
        if (!low) {
            log_error("load %s (%s): no RAM for the kernel", l->path, srcloc_str(&l->at));
            return false;
        }
        addr = ((low->gpa + ARM64_IMAGE_ALIGN - 1) & ~(ARM64_IMAGE_ALIGN - 1)) + text_offset;
    }
    if (image_size < size)
        image_size = size;
    if (!guestmem_ptr(&vm->mem, addr, image_size, GM_LOAD)) {
        log_error("load %s (%s): the kernel needs %llu bytes at 0x%llx, which RAM does not hold",
                  l->path, srcloc_str(&l->at), (unsigned long long)image_size,
                  (unsigned long long)addr);
        return false;
    }
    struct load_spec at = *l;
    at.addr = addr;
    if (!copy_raw(vm, &at, img, size))
        return false;
    note_extent(vm, addr, addr + image_size);
    set_entry(vm, addr);
    return true;
}

/* arm64: an initrd without an address goes below the boot area; the device
 * tree tells the kernel where it is. */
static bool load_arm64_initrd(struct vm *vm, const struct load_spec *l, const uint8_t *img, size_t size)
{
    struct load_spec at = *l;
    if (!l->has_addr && !fdt_initrd_addr(vm->spec, size, &at.addr)) {
        log_error("initrd load %s (%s): it does not fit below the device tree at the top of the "
                  "lowest RAM", l->path, srcloc_str(&l->at));
        return false;
    }
    if (!copy_raw(vm, &at, img, size))
        return false;
    vm->boot.initrd_start = at.addr;
    vm->boot.initrd_end = at.addr + size;
    return true;
}

/* arm64: the user's device tree instead of kqvm's. */
static bool load_fdt(struct vm *vm, const struct load_spec *l, const uint8_t *img, size_t size)
{
    if (size > FDT_MAX_SIZE || fdt_check_full(img, size) != 0) {
        log_error("fdt load %s (%s): %s", l->path, srcloc_str(&l->at),
                  size > FDT_MAX_SIZE ? "larger than 64 KiB" : "not a flattened device tree");
        return false;
    }
    free(vm->boot.fdt);
    vm->boot.fdt = malloc(size);
    if (!vm->boot.fdt)
        return false;
    memcpy(vm->boot.fdt, img, size);
    vm->boot.fdt_addr = l->has_addr ? l->addr : 0;
    return true;
}


/* A bzImage or vmlinux: there is one kernel, and it is the boot image. */
static bool load_linux(struct vm *vm, const struct load_spec *l, const uint8_t *img, size_t size,
                       bool bzimage)
{
    char why[256];
    struct linux_kernel k;
    if (vm->boot.found) {
        log_error("load %s (%s): a Linux kernel must be the only guest image", l->path,
                  srcloc_str(&l->at));
        return false;
    }
    bool ok = bzimage ? bzimage_load(&vm->mem, img, size, &k, why, sizeof(why))
                      : vmlinux_load(&vm->mem, img, size, &k, why, sizeof(why));
    if (!ok) {
        log_error("load %s (%s): Linux %s refused: %s", l->path, srcloc_str(&l->at),
                  bzimage ? "bzImage" : "vmlinux", why);
        return false;
    }
    vm->boot.kernel = k;
    note_extent(vm, k.lo, k.hi);
    set_entry(vm, k.entry);
    log_debug("load %s: Linux %s at 0x%llx, 64-bit entry 0x%llx", l->path, k.kind,
              (unsigned long long)k.lo, (unsigned long long)k.entry);
    return true;
}

static bool load_linux_initrd(struct vm *vm, const struct load_spec *l, const uint8_t *img,
                              size_t size)
{
    struct linux_kernel *k = &vm->boot.kernel;
    char why[256];
    uint64_t addr = l->addr;
    if (!k->loaded) {
        log_error("initrd load %s (%s): there is no Linux kernel (bzImage or vmlinux) to give "
                  "it to", l->path, srcloc_str(&l->at));
        return false;
    }
    if (k->initrd_size) {
        log_error("initrd load %s (%s): a second initrd; Linux takes one (concatenate the "
                  "archives into one file)", l->path, srcloc_str(&l->at));
        return false;
    }
    if (!initrd_place(&vm->mem, k, size, l->has_addr, &addr, why, sizeof(why))) {
        log_error("initrd load %s (%s): %s", l->path, srcloc_str(&l->at), why);
        return false;
    }
    memcpy(guestmem_ptr(&vm->mem, addr, size, GM_WRITE), img, size);
    k->initrd = addr;
    k->initrd_size = size;
    note_extent(vm, addr, addr + size);
    log_debug("initrd %s: %zu bytes at 0x%llx", l->path, size, (unsigned long long)addr);
    return true;
}

/* Pass 0 loads everything but initrds, pass 1 the initrds (they need the kernel's limits). */
static bool load_one(struct vm *vm, const struct load_spec *l, int pass)
{
    if ((l->type == LOAD_INITRD) != (pass == 1))
        return true;
    size_t size = 0;
    const uint8_t *img = map_file(l->path, &size);
    if (!img) {
        log_error("load %s (%s): %s", l->path, srcloc_str(&l->at),
                  errno == EINVAL ? "empty file" : strerror(errno));
        return false;
    }
    bool ok = false;
    bool image = l->type == LOAD_AUTO || l->type == LOAD_GUEST;
    bool x86 = vm->spec->arch == ARCH_X86_64;
    if (l->type == LOAD_INITRD) {
        ok = x86 ? load_linux_initrd(vm, l, img, size) : load_arm64_initrd(vm, l, img, size);
    } else if (image && x86 && (bzimage_is(img, size) || vmlinux_is(img, size))) {
        ok = load_linux(vm, l, img, size, bzimage_is(img, size));
    } else if (image && elf_is_elf(img, size)) {
        struct elf_loaded e;
        const char *why = NULL;
        unsigned machine = vm->spec->arch == ARCH_ARM64 ? EM_AARCH64 : EM_X86_64;
        ok = elf_load(&vm->mem, img, size, machine, &e, &why);
        if (!ok) {
            log_error("load %s (%s): %s", l->path, srcloc_str(&l->at), why);
        } else {
            note_extent(vm, e.lo, e.hi);
            set_entry(vm, e.entry);
        }
    } else if (image && is_arm64_image(vm, img, size)) {
        ok = load_arm64_image(vm, l, img, size);
    } else if (l->type == LOAD_FDT) {
        ok = load_fdt(vm, l, img, size);
    } else if (l->type == LOAD_ACPI) {
        log_error("acpi load %s (%s): not supported by this build yet", l->path, srcloc_str(&l->at));
    } else if (!l->has_addr) {
        log_error("load %s (%s): not an ELF image, so it needs an address: load ADDR,FILE",
                  l->path, srcloc_str(&l->at));
    } else {
        ok = copy_raw(vm, l, img, size);
        if (ok && image)
            set_entry(vm, l->addr); /* a raw image starts at its first byte */
    }
    munmap((void *)img, size);
    return ok;
}

bool load_images(struct vm *vm)
{
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < vm->spec->nloads; i++)
            if (!load_one(vm, &vm->spec->loads[i], pass))
                return false;
    return true;
}
