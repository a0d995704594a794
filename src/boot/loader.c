/* The `load` entries, in order: ELF images, raw images and data blobs into
 * guest memory. The first image with an entry point starts the boot vCPU. */
#include "boot/elf.h"
#include "util/log.h"
#include "vm/vm_internal.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* The Linux x86 boot protocol's header signature, at 0x202 of a bzImage. */
#define LINUX_HDRS_OFFSET 0x202
#define LINUX_HDRS_MAGIC "HdrS"

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

static bool load_one(struct vm *vm, const struct load_spec *l)
{
    size_t size = 0;
    const uint8_t *img = map_file(l->path, &size);
    if (!img) {
        log_error("load %s (%s): %s", l->path, srcloc_str(&l->at),
                  errno == EINVAL ? "empty file" : strerror(errno));
        return false;
    }
    bool ok = false;
    bool image = l->type == LOAD_AUTO || l->type == LOAD_GUEST;
    if (image && elf_is_elf(img, size)) {
        struct elf_loaded e;
        const char *why = NULL;
        unsigned machine = vm->spec->arch == ARCH_ARM64 ? EM_AARCH64 : EM_X86_64;
        ok = elf_load(&vm->mem, img, size, machine, &e, &why);
        if (!ok) {
            log_error("load %s (%s): %s", l->path, srcloc_str(&l->at), why);
        } else {
            note_extent(vm, e.lo, e.hi);
            if (!vm->boot.found) {
                vm->boot.entry = e.entry;
                vm->boot.found = true;
            }
        }
    } else if (image && size > LINUX_HDRS_OFFSET + 4 &&
               !memcmp(img + LINUX_HDRS_OFFSET, LINUX_HDRS_MAGIC, 4)) {
        log_error("load %s (%s): Linux kernels (bzImage) are not supported by this build yet",
                  l->path, srcloc_str(&l->at));
    } else if (l->type == LOAD_ACPI || l->type == LOAD_FDT) {
        log_error("%s load %s (%s): not supported by this build yet", l->type == LOAD_ACPI ? "acpi" : "fdt",
                  l->path, srcloc_str(&l->at));
    } else if (!l->has_addr) {
        log_error("load %s (%s): not an ELF image, so it needs an address: load ADDR,FILE",
                  l->path, srcloc_str(&l->at));
    } else {
        ok = copy_raw(vm, l, img, size);
        /* a raw image starts at its first byte */
        if (ok && image && !vm->boot.found) {
            vm->boot.entry = l->addr;
            vm->boot.found = true;
        }
    }
    munmap((void *)img, size);
    return ok;
}

bool load_images(struct vm *vm)
{
    for (unsigned i = 0; i < vm->spec->nloads; i++)
        if (!load_one(vm, &vm->spec->loads[i]))
            return false;
    return true;
}
