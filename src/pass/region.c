/* pass loc: host memory and I/O ports the guest uses directly.
 *
 * A memory region is mapped from its host source (/dev/mem for host
 * physical addresses, a file, or a UIO device's map) page by page, keeping
 * the page offset: guest byte gpa is host byte (host page of the region's
 * first byte) + gpa % 4096. The pages the region fills completely become one
 * KVM memory slot, so the guest's accesses to them never exit. A page the
 * region covers only in part cannot be a slot without giving the guest the
 * rest of that page too, so those bytes are trapped: each access exits, and
 * kqvm performs it on the host mapping with the same width. I/O ports are
 * always trapped (KVM has no port pass-through) and performed on the host
 * ports (src/arch/x86/hostport.c). */
#include "pass/pass.h"

#include "pass/hostport.h"
#include "util/log.h"
#include "vdev/vdev.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE 4096u

static uint64_t page_floor(uint64_t a)
{
    return a & ~(uint64_t)(PAGE - 1);
}

static uint64_t page_ceil(uint64_t a)
{
    return page_floor(a + PAGE - 1);
}

/* One number from a sysfs attribute file ("0x1000\n" or "4096\n"). */
static bool read_sysfs_u64(const char *path, uint64_t *out)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    unsigned long long v;
    bool ok = fscanf(f, "%lli", &v) == 1;
    fclose(f);
    *out = v;
    return ok;
}

/* Where the region's host bytes come from: a descriptor, the file offset of
 * the host page holding the region's first byte, and how much of the file
 * there is from that page on (UINT64_MAX: unknown, a device). */
struct host_source {
    int fd;
    uint64_t offset, available;
    char what[160];
};

static bool open_source(const struct pass_spec *p, bool writable, struct host_source *s)
{
    int mode = (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC;
    uint64_t page_off = p->loc.addr % PAGE;
    s->available = UINT64_MAX;
    switch (p->host_kind) {
    case PASS_HOST_SAME:
    case PASS_HOST_MEM: {
        uint64_t hpa = p->host_kind == PASS_HOST_SAME ? p->loc.addr : p->host.addr;
        snprintf(s->what, sizeof(s->what), "host physical 0x%" PRIx64 " (/dev/mem)", hpa);
        if (hpa % PAGE != page_off) {
            log_error("pass (%s): guest 0x%" PRIx64 " and host 0x%" PRIx64 " are at different "
                      "offsets in their pages; a region is mapped page by page",
                      srcloc_str(&p->at), p->loc.addr, hpa);
            return false;
        }
        s->fd = open("/dev/mem", mode | O_SYNC);
        s->offset = page_floor(hpa);
        break;
    }
    case PASS_HOST_FILE: {
        snprintf(s->what, sizeof(s->what), "%s", p->host_path);
        s->fd = open(p->host_path, mode);
        s->offset = p->host_offset;
        struct stat st;
        if (s->fd >= 0 && fstat(s->fd, &st) == 0 && (S_ISREG(st.st_mode) || st.st_size > 0))
            s->available = (uint64_t)st.st_size > s->offset ? (uint64_t)st.st_size - s->offset : 0;
        break;
    }
    case PASS_HOST_UIO: {
        char path[96];
        uint64_t size, offset;
        snprintf(s->what, sizeof(s->what), "/dev/uio%u map %u", p->uio, p->uio_map);
        snprintf(path, sizeof(path), "/sys/class/uio/uio%u/maps/map%u/size", p->uio, p->uio_map);
        if (!read_sysfs_u64(path, &size)) {
            log_error("pass (%s): %s: no such UIO map (%s: %s)", srcloc_str(&p->at), s->what,
                      path, strerror(errno));
            return false;
        }
        snprintf(path, sizeof(path), "/sys/class/uio/uio%u/maps/map%u/offset", p->uio,
                 p->uio_map);
        if (!read_sysfs_u64(path, &offset))
            offset = 0;
        if (offset % PAGE != page_off) {
            log_error("pass (%s): %s starts at offset 0x%" PRIx64 " in its page, guest 0x%" PRIx64
                      " does not: a region is mapped page by page",
                      srcloc_str(&p->at), s->what, offset % PAGE, p->loc.addr);
            return false;
        }
        snprintf(path, sizeof(path), "/dev/uio%u", p->uio);
        s->fd = open(path, mode);
        s->offset = (uint64_t)p->uio_map * (uint64_t)getpagesize(); /* UIO's map selector */
        s->available = offset % PAGE + size; /* from the mapped page on */
        break;
    }
    default:
        return false;
    }
    if (s->fd < 0) {
        log_error("pass (%s): cannot open %s: %s", srcloc_str(&p->at), s->what, strerror(errno));
        return false;
    }
    return true;
}

/* Append item (size bytes) to the array that array_ptr points to (a
 * pointer to the array's pointer), which has *n items. The pointer is read
 * and written with memcpy: it may be any object pointer type. */
static bool append(void *array_ptr, unsigned *n, size_t size, const void *item)
{
    void *array;
    memcpy(&array, array_ptr, sizeof(array));
    uint8_t *grown = realloc(array, (*n + 1) * size);
    if (!grown)
        return false;
    memcpy(grown + *n * size, item, size);
    memcpy(array_ptr, &grown, sizeof(grown));
    (*n)++;
    return true;
}

/* Guest bytes [lo, hi) of p, whose page first is at host, trapped. */
static bool add_trap(struct pass_set *ps, const struct pass_spec *p, uint8_t *host,
                     uint64_t first, uint64_t lo, uint64_t hi)
{
    struct pass_trap t = { .space = PASS_TRAP_MEM, .base = lo, .length = hi - lo,
                           .host = host + (lo - first), .readonly = !(p->flags & PASS_W),
                           .spec = p };
    return append(&ps->traps, &ps->ntraps, sizeof(t), &t);
}

static bool open_mem_region(struct pass_set *ps, const struct pass_spec *p)
{
    bool writable = p->flags & PASS_W;
    struct host_source src = { .fd = -1 };
    if (!open_source(p, writable, &src))
        return false;
    uint64_t start = p->loc.addr, end = start + p->length, first = page_floor(start);
    if (src.available < end - first) {
        log_error("pass (%s): %s has 0x%" PRIx64 " bytes from offset 0x%" PRIx64 "; the region "
                  "needs 0x%" PRIx64, srcloc_str(&p->at), src.what, src.available, src.offset,
                  end - first);
        close(src.fd);
        return false;
    }
    uint64_t map_len = page_ceil(end) - first;
    uint8_t *host = mmap(NULL, map_len, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED,
                         src.fd, (off_t)src.offset);
    int err = errno;
    close(src.fd);
    if (host == MAP_FAILED) {
        log_error("pass (%s): cannot map %s: %s", srcloc_str(&p->at), src.what, strerror(err));
        return false;
    }
    struct pass_map map = { .host = host, .length = map_len };
    if (!append(&ps->maps, &ps->nmaps, sizeof(map), &map)) {
        munmap(host, map_len);
        return false;
    }
    /* whole pages: a memory slot; the partial pages at either end: traps */
    uint64_t lo = page_ceil(start), hi = page_floor(end);
    if (lo >= hi) /* not one whole page */
        return add_trap(ps, p, host, first, start, end);
    struct pass_slot slot = { .gpa = lo, .length = hi - lo, .host = host + (lo - first),
                              .readonly = !writable };
    return append(&ps->slots, &ps->nslots, sizeof(slot), &slot) &&
           (start == lo || add_trap(ps, p, host, first, start, lo)) &&
           (hi == end || add_trap(ps, p, host, first, hi, end));
}

static bool open_io_region(struct pass_set *ps, const struct pass_spec *p)
{
    if (!hostport_allow((uint16_t)p->loc.addr, (unsigned)p->length)) {
        log_error("pass (%s): cannot reach host ports 0x%" PRIx64 "-0x%" PRIx64 ": %s (ioperm "
                  "needs CAP_SYS_RAWIO)", srcloc_str(&p->at), p->loc.addr,
                  p->loc.addr + p->length - 1, strerror(errno));
        return false;
    }
    struct pass_trap t = { .space = PASS_TRAP_IO, .base = p->loc.addr, .length = p->length,
                           .readonly = !(p->flags & PASS_W), .spec = p };
    return append(&ps->traps, &ps->ntraps, sizeof(t), &t);
}

bool pass_open_regions(struct pass_set *ps)
{
    const struct vm_spec *spec = ps->spec;
    for (unsigned i = 0; i < spec->npasses; i++) {
        const struct pass_spec *p = &spec->passes[i];
        if (!p->has_loc)
            continue;
        bool ok;
        switch (p->loc.space) {
        case LOC_MEM:
            ok = open_mem_region(ps, p);
            break;
        case LOC_IO:
            ok = open_io_region(ps, p);
            break;
        default: /* PCI: a VFIO device (src/pass/vfio.c) */
            ok = true;
            break;
        }
        if (!ok)
            return false;
    }
    return true;
}

void pass_close_regions(struct pass_set *ps)
{
    for (unsigned i = 0; i < ps->nmaps; i++)
        munmap(ps->maps[i].host, ps->maps[i].length);
    free(ps->maps);
    free(ps->traps);
    free(ps->slots);
}

/* ---- trapped accesses ---- */

static uint64_t trap_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)region;
    const struct pass_trap *t = dev;
    if (t->space == PASS_TRAP_IO)
        return hostport_read((uint16_t)(t->base + offset), size);
    const volatile uint8_t *p = t->host + offset;
    switch (size) {
    case 1: return *p;
    case 2: return *(const volatile uint16_t *)p;
    case 4: return *(const volatile uint32_t *)p;
    case 8: return *(const volatile uint64_t *)p;
    }
    return ~0ull;
}

static void trap_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t v)
{
    (void)region;
    struct pass_trap *t = dev;
    if (t->readonly) {
        if (!atomic_exchange(&t->warned, true))
            log_warn("pass (%s): the guest wrote to read-only 0x%" PRIx64 "; ignored (said once)",
                     srcloc_str(&t->spec->at), t->base + offset);
        return;
    }
    if (t->space == PASS_TRAP_IO) {
        hostport_write((uint16_t)(t->base + offset), size, (uint32_t)v);
        return;
    }
    volatile uint8_t *p = t->host + offset;
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: *(volatile uint16_t *)p = (uint16_t)v; break;
    case 4: *(volatile uint32_t *)p = (uint32_t)v; break;
    case 8: *(volatile uint64_t *)p = v; break;
    }
}

const struct vdev_model pass_trap_model = { .read = trap_read, .write = trap_write };
