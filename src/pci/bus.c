/* PCI bus 0: configuration mechanism #1, firmware placement of BARs, BAR
 * decoding into memory slots and trapped ranges, and the windows' dispatch.
 *
 * Locking: a function's lock covers its configuration state; the bus's
 * rwlock covers every function's decode state and the slot numbers. The
 * order is function, then bus (a configuration write decodes again under
 * both). The windows look a BAR up under the bus's read lock and release it
 * before taking the function's lock. Functions are added before the guest
 * runs and removed after it stopped: the table of functions itself is not
 * locked. */
#include "pci/pci.h"

#include "util/log.h"
#include "vdev/vdev.h"

#include <inttypes.h>
#include <linux/pci_regs.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE 4096u
#define CF8_ENABLE 0x80000000u
#define CF8_MASK 0x80fffffcu /* enable, bus, device, function, register */
#define RST_CNT_RESET 0x04u  /* io 0xcf9: reset the CPU */

struct pci_bus {
    struct pci_bus_env env;
    struct pci_function *fn[PCI_MAX_DEVFN];
    pthread_rwlock_t lock;  /* every function's decode[], slot_used[] */
    bool *slot_used;        /* env.nslots */
    _Atomic uint32_t cf8;   /* the address register of mechanism #1 */
    _Atomic uint8_t rst_cnt; /* io 0xcf9 */
    _Atomic bool abort_logged;
};

const struct pci_bus_env *pci_bus_env(const struct pci_bus *b)
{
    return &b->env;
}

struct pci_bus *pci_bus_create(const struct pci_bus_env *env)
{
    struct pci_bus *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->env = *env;
    b->slot_used = calloc(env->nslots ? env->nslots : 1, sizeof(*b->slot_used));
    if (!b->slot_used) {
        free(b);
        return NULL;
    }
    pthread_rwlock_init(&b->lock, NULL);
    return b;
}

bool pci_bus_add(struct pci_bus *b, struct pci_function *f, unsigned devfn)
{
    if (devfn >= PCI_MAX_DEVFN || b->fn[devfn])
        return false;
    pthread_mutex_init(&f->lock, NULL);
    f->bus = b;
    f->devfn = devfn;
    for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
        f->decode[n] = (struct pci_bar_decode){ .on = false };
        for (unsigned k = 0; k < PCI_BAR_MAPS; k++)
            f->decode[n].slot[k] = -1;
        f->bar_warned[n] = false;
    }
    b->fn[devfn] = f;
    return true;
}

/* ---- decoding ---- */

static bool is_io(const struct pci_bar *bar)
{
    return bar->kind == PCI_BAR_IO;
}

/* The sizing pattern (all ones written) is not worth a warning. */
static bool sizing_pattern(const struct pci_bar *bar, uint64_t addr)
{
    uint64_t mask = ~(bar->size - 1);
    if (is_io(bar))
        return (addr & 0xfffc) == (mask & 0xfffc);
    return (uint32_t)addr == ((uint32_t)mask & 0xfffffff0u) || addr >> 32 == 0xffffffffu;
}

/* Why BAR n of f cannot be decoded at addr, or NULL (bus lock held). */
static const char *bar_conflict(struct pci_bus *b, struct pci_function *f, unsigned n,
                                uint64_t addr, char *buf, size_t len)
{
    const struct pci_bar *bar = &f->bar[n];
    uint64_t base = is_io(bar) ? b->env.io_base : b->env.mmio_base;
    uint64_t size = is_io(bar) ? b->env.io_size : b->env.mmio_size;
    if (addr < base || addr - base >= size || bar->size > size - (addr - base)) {
        snprintf(buf, len, "is outside the PCI %s window 0x%" PRIx64 "-0x%" PRIx64,
                 is_io(bar) ? "I/O" : "memory", base, base + size - 1);
        return buf;
    }
    for (unsigned d = 0; d < PCI_MAX_DEVFN; d++) {
        struct pci_function *o = b->fn[d];
        for (unsigned k = 0; o && k < PCI_NUM_BARS; k++) {
            const struct pci_bar_decode *od = &o->decode[k];
            if (!od->on || (o == f && k == n) || is_io(&o->bar[k]) != is_io(bar))
                continue;
            if (addr < od->addr + o->bar[k].size && od->addr < addr + bar->size) {
                snprintf(buf, len, "overlaps BAR%u of %s at 0x%" PRIx64, k, o->name, od->addr);
                return buf;
            }
        }
    }
    return NULL;
}

static void unmap_bar(struct pci_bus *b, struct pci_function *f, unsigned n)
{
    struct pci_bar_decode *d = &f->decode[n];
    for (unsigned k = 0; k < PCI_BAR_MAPS; k++) {
        if (d->slot[k] < 0)
            continue;
        b->env.set_slot(b->env.vm, b->env.first_slot + (unsigned)d->slot[k], 0, 0, NULL);
        b->slot_used[d->slot[k]] = false;
        d->slot[k] = -1;
    }
    d->on = false;
}

static int alloc_slot(struct pci_bus *b)
{
    for (unsigned i = 0; i < b->env.nslots; i++)
        if (!b->slot_used[i]) {
            b->slot_used[i] = true;
            return (int)i;
        }
    return -1;
}

/* The host-memory parts of a decoded BAR become memory slots; a part that
 * cannot (no slot number left, a refusal) stays trapped. */
static void map_bar(struct pci_bus *b, struct pci_function *f, unsigned n)
{
    const struct pci_bar *bar = &f->bar[n];
    struct pci_bar_decode *d = &f->decode[n];
    for (unsigned k = 0; k < bar->nmaps && k < PCI_BAR_MAPS; k++) {
        const struct pci_bar_map *m = &bar->maps[k];
        uint64_t gpa = d->addr + m->offset;
        if (gpa % PAGE_SIZE || m->length % PAGE_SIZE || !m->length ||
            m->offset + m->length > bar->size)
            continue;
        int slot = alloc_slot(b);
        if (slot < 0) {
            log_warn("%s: BAR%u: no memory slot left; its accesses are trapped", f->name, n);
            continue;
        }
        if (!b->env.set_slot(b->env.vm, b->env.first_slot + (unsigned)slot, gpa, m->length,
                             m->host)) {
            b->slot_used[slot] = false;
            continue;
        }
        d->slot[k] = slot;
    }
}

void pci_function_update_decode(struct pci_function *f)
{
    struct pci_bus *b = f->bus;
    uint16_t cmd = (uint16_t)pci_config_get(&f->cfg, PCI_COMMAND, 2);
    pthread_rwlock_wrlock(&b->lock);
    for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
        const struct pci_bar *bar = &f->bar[n];
        if (bar->kind == PCI_BAR_NONE)
            continue;
        struct pci_bar_decode *d = &f->decode[n];
        bool on = cmd & (is_io(bar) ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY);
        uint64_t addr = pci_config_bar_addr(&f->cfg, f->bar, n);
        if (d->on == on && (!on || d->addr == addr))
            continue;
        if (d->on)
            unmap_bar(b, f, n);
        char why[160];
        if (on && bar_conflict(b, f, n, addr, why, sizeof(why))) {
            if (!f->bar_warned[n] && addr && !sizing_pattern(bar, addr)) {
                f->bar_warned[n] = true;
                log_warn("%s: the guest put BAR%u (%" PRIu64 " bytes) at 0x%" PRIx64
                         ", which %s: not decoded (said once)",
                         f->name, n, bar->size, addr, why);
            }
            continue;
        }
        d->on = on;
        d->addr = addr;
        if (on)
            map_bar(b, f, n);
    }
    pthread_rwlock_unlock(&b->lock);
}

/* ---- configuration cycles ---- */

static uint32_t ones(unsigned size)
{
    return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

static bool multifunction(const struct pci_bus *b, unsigned devfn)
{
    unsigned first = devfn & ~7u;
    for (unsigned i = first; i < first + 8; i++)
        if (i != devfn && b->fn[i])
            return true;
    return false;
}

uint32_t pci_bus_cfg_read(struct pci_bus *b, unsigned devfn, unsigned off, unsigned size)
{
    struct pci_function *f = devfn < PCI_MAX_DEVFN ? b->fn[devfn] : NULL;
    if (!f || off >= PCI_CFG_SIZE || size > PCI_CFG_SIZE - off)
        return ones(size);
    pthread_mutex_lock(&f->lock);
    uint32_t v = f->ops->cfg_read ? f->ops->cfg_read(f, off, size)
                                  : pci_config_get(&f->cfg, off, size);
    pthread_mutex_unlock(&f->lock);
    /* the header type's multi-function bit follows the slot's other functions */
    if (off <= PCI_HEADER_TYPE && off + size > PCI_HEADER_TYPE) {
        unsigned shift = 8 * (PCI_HEADER_TYPE - off) + 7;
        v = (v & ~(1u << shift)) | (uint32_t)multifunction(b, devfn) << shift;
    }
    return v & ones(size);
}

void pci_bus_cfg_write(struct pci_bus *b, unsigned devfn, unsigned off, unsigned size,
                       uint32_t v)
{
    struct pci_function *f = devfn < PCI_MAX_DEVFN ? b->fn[devfn] : NULL;
    if (!f || off >= PCI_CFG_SIZE || size > PCI_CFG_SIZE - off)
        return;
    pthread_mutex_lock(&f->lock);
    if (f->ops->cfg_write)
        f->ops->cfg_write(f, off, size, v & ones(size));
    else
        pci_config_write(&f->cfg, off, size, v);
    pci_function_update_decode(f);
    pthread_mutex_unlock(&f->lock);
}

/* Mechanism #1: 0xcf8 (dword) the address, 0xcfc-0xcff the data. */
static bool cf8_target(struct pci_bus *b, uint64_t offset, unsigned size, unsigned *devfn,
                       unsigned *reg)
{
    uint32_t a = atomic_load(&b->cf8);
    if (offset < 4 || offset - 4 + size > 4 || !(a & CF8_ENABLE) || (a >> 16 & 0xff) != 0)
        return false;
    *devfn = a >> 8 & 0xff;
    *reg = (a & 0xfc) + (unsigned)(offset - 4);
    return true;
}

static uint64_t cfg_port_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)region;
    struct pci_bus *b = dev;
    unsigned devfn, reg;
    if (offset == 0 && size == 4)
        return atomic_load(&b->cf8);
    if (offset == 1 && size == 1)
        return atomic_load(&b->rst_cnt);
    if (!cf8_target(b, offset, size, &devfn, &reg))
        return ones(size);
    return pci_bus_cfg_read(b, devfn, reg, size);
}

static void cfg_port_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t v)
{
    (void)region;
    struct pci_bus *b = dev;
    unsigned devfn, reg;
    if (offset == 0 && size == 4) {
        atomic_store(&b->cf8, (uint32_t)v & CF8_MASK);
        return;
    }
    if (offset == 1 && size == 1) {
        atomic_store(&b->rst_cnt, (uint8_t)(v & 0x0e & ~RST_CNT_RESET));
        if ((v & RST_CNT_RESET) && b->env.reset)
            b->env.reset(b->env.vm);
        return;
    }
    if (cf8_target(b, offset, size, &devfn, &reg))
        pci_bus_cfg_write(b, devfn, reg, size, (uint32_t)v);
}

const struct vdev_model pci_cfg_model = { .read = cfg_port_read, .write = cfg_port_write };

/* ---- the windows ---- */

/* The decoded BAR holding [addr, addr + size) in the space, or NULL. */
static struct pci_function *find_bar(struct pci_bus *b, bool io, uint64_t addr, unsigned size,
                                     unsigned *bar, uint64_t *off)
{
    struct pci_function *found = NULL;
    pthread_rwlock_rdlock(&b->lock);
    for (unsigned d = 0; d < PCI_MAX_DEVFN && !found; d++) {
        struct pci_function *f = b->fn[d];
        for (unsigned n = 0; f && n < PCI_NUM_BARS; n++) {
            const struct pci_bar_decode *dec = &f->decode[n];
            if (!dec->on || is_io(&f->bar[n]) != io || addr < dec->addr ||
                addr - dec->addr >= f->bar[n].size || size > f->bar[n].size - (addr - dec->addr))
                continue;
            found = f;
            *bar = n;
            *off = addr - dec->addr;
            break;
        }
    }
    pthread_rwlock_unlock(&b->lock);
    return found;
}

static void master_abort(struct pci_bus *b, bool io, uint64_t addr, bool write)
{
    if (!atomic_exchange(&b->abort_logged, true))
        log_warn("guest %s %s 0x%" PRIx64 " in the PCI %s window, where no BAR is decoded: "
                 "%s (a master abort; said once)",
                 write ? "wrote" : "read", io ? "I/O port" : "address", addr,
                 io ? "I/O" : "memory", write ? "dropped" : "all ones");
}

/* The function with a decoded BAR that holds the access at offset in window
 * region (0 memory, 1 I/O) and serves it, or NULL after the master abort. */
static struct pci_function *window_target(struct pci_bus *b, unsigned region, uint64_t offset,
                                          unsigned size, bool write, unsigned *bar, uint64_t *off)
{
    bool io = region == 1;
    uint64_t addr = (io ? b->env.io_base : b->env.mmio_base) + offset;
    struct pci_function *f = find_bar(b, io, addr, size, bar, off);
    if (f && (write ? f->ops->bar_write != NULL : f->ops->bar_read != NULL))
        return f;
    master_abort(b, io, addr, write);
    return NULL;
}

static uint64_t window_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    unsigned bar;
    uint64_t off;
    struct pci_function *f = window_target(dev, region, offset, size, false, &bar, &off);
    if (!f)
        return ~UINT64_C(0);
    pthread_mutex_lock(&f->lock);
    uint64_t v = f->ops->bar_read(f, bar, off, size);
    pthread_mutex_unlock(&f->lock);
    return v;
}

static void window_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t v)
{
    unsigned bar;
    uint64_t off;
    struct pci_function *f = window_target(dev, region, offset, size, true, &bar, &off);
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->ops->bar_write(f, bar, off, size, v);
    pthread_mutex_unlock(&f->lock);
}

const struct vdev_model pci_window_model = { .read = window_read, .write = window_write };

/* ---- firmware ---- */

struct placement {
    struct pci_function *f;
    unsigned n;
};

static int placement_cmp(const void *pa, const void *pb)
{
    const struct placement *a = pa, *b = pb;
    uint64_t sa = a->f->bar[a->n].size, sb = b->f->bar[b->n].size;
    if (sa != sb)
        return sa > sb ? -1 : 1;
    if (a->f->devfn != b->f->devfn)
        return a->f->devfn < b->f->devfn ? -1 : 1;
    return a->n < b->n ? -1 : a->n > b->n;
}

bool pci_bus_assign(struct pci_bus *b)
{
    struct placement *p = calloc(PCI_MAX_DEVFN * PCI_NUM_BARS, sizeof(*p));
    unsigned np = 0;
    if (!p)
        return false;
    for (unsigned d = 0; d < PCI_MAX_DEVFN; d++)
        for (unsigned n = 0; b->fn[d] && n < PCI_NUM_BARS; n++)
            if (b->fn[d]->bar[n].kind != PCI_BAR_NONE)
                p[np++] = (struct placement){ b->fn[d], n };
    qsort(p, np, sizeof(*p), placement_cmp);
    uint64_t next[2] = { b->env.mmio_base, b->env.io_base };
    const uint64_t end[2] = { b->env.mmio_base + b->env.mmio_size,
                              (uint64_t)b->env.io_base + b->env.io_size };
    bool ok = true;
    for (unsigned i = 0; i < np && ok; i++) {
        struct pci_function *f = p[i].f;
        const struct pci_bar *bar = &f->bar[p[i].n];
        unsigned s = is_io(bar);
        uint64_t align = !s && bar->size < PAGE_SIZE ? PAGE_SIZE : bar->size;
        uint64_t at = (next[s] + align - 1) & ~(align - 1);
        if (at < next[s] || at > end[s] || bar->size > end[s] - at) {
            log_error("%s: BAR%u (%" PRIu64 " bytes) does not fit in the PCI %s window "
                      "(0x%" PRIx64 "-0x%" PRIx64 ") after the BARs placed before it",
                      f->name, p[i].n, bar->size, s ? "I/O" : "memory",
                      s ? (uint64_t)b->env.io_base : b->env.mmio_base, end[s] - 1);
            ok = false;
            break;
        }
        pthread_mutex_lock(&f->lock);
        pci_config_set_bar_addr(&f->cfg, f->bar, p[i].n, at);
        pthread_mutex_unlock(&f->lock);
        next[s] = at + bar->size;
    }
    free(p);
    /* decoding on where there is something to decode, as firmware leaves it */
    for (unsigned d = 0; ok && d < PCI_MAX_DEVFN; d++) {
        struct pci_function *f = b->fn[d];
        uint16_t want = 0;
        for (unsigned n = 0; f && n < PCI_NUM_BARS; n++)
            if (f->bar[n].kind != PCI_BAR_NONE)
                want |= is_io(&f->bar[n]) ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
        if (!want)
            continue;
        pthread_mutex_lock(&f->lock);
        uint16_t cmd = (uint16_t)pci_config_get(&f->cfg, PCI_COMMAND, 2) | want;
        if (f->ops->cfg_write)
            f->ops->cfg_write(f, PCI_COMMAND, 2, cmd);
        else
            pci_config_write(&f->cfg, PCI_COMMAND, 2, cmd);
        pci_function_update_decode(f);
        pthread_mutex_unlock(&f->lock);
    }
    return ok;
}

void pci_bus_report(struct pci_bus *b)
{
    for (unsigned d = 0; b && d < PCI_MAX_DEVFN; d++)
        if (b->fn[d] && b->fn[d]->ops->report)
            b->fn[d]->ops->report(b->fn[d]);
}

void pci_bus_destroy(struct pci_bus *b)
{
    if (!b)
        return;
    for (unsigned d = 0; d < PCI_MAX_DEVFN; d++) {
        struct pci_function *f = b->fn[d];
        if (!f)
            continue;
        pthread_rwlock_wrlock(&b->lock);
        for (unsigned n = 0; n < PCI_NUM_BARS; n++)
            unmap_bar(b, f, n);
        pthread_rwlock_unlock(&b->lock);
        b->fn[d] = NULL;
        pthread_mutex_destroy(&f->lock);
        if (f->ops->destroy)
            f->ops->destroy(f);
    }
    pthread_rwlock_destroy(&b->lock);
    free(b->slot_used);
    free(b);
}
