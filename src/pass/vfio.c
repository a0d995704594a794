/* The host side of PCI pass-through, on the kernel's VFIO API
 * (Documentation/driver-api/vfio.rst, include/uapi/linux/vfio.h):
 *
 *   /dev/vfio/vfio       one container per run, TYPE1 IOMMU, guest RAM mapped
 *                        for DMA at iova = GPA each boot
 *   /dev/vfio/GROUP      each device's group, checked viable, in the container
 *   the device file      its regions (config space, BARs: mmap where VFIO
 *                        allows, pread/pwrite elsewhere), its interrupts
 *                        (VFIO_DEVICE_SET_IRQS with one eventfd per vector)
 *
 * The eventfds are watched like any pass-through source (src/pass/irq.c:
 * storm budget, masked on detach): INTx through the entry's pass intr
 * (src/pass/irq_vfio.c), each MSI and MSI-X vector by a source that hands
 * the interrupt to the guest's function (vfio_pci_vector_fired).
 *
 * Not exercised on a real device: the machines kqvm is developed on have
 * none (docs/passthrough.md says what was tested). */
#include "pass/vfio.h"

#include "pass/irq.h"
#include "pass/pass.h"
#include "pass/vfio_pci.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define SYSFS "/sys"
#define VFIO_CONTAINER "/dev/vfio/vfio"
#define MAX_VECTORS 256 /* per index: eventfds kqvm opens for MSI or MSI-X */
#define PAGE_SIZE UINT64_C(4096)

struct vfio_vector {
    struct vfio_device *v;
    unsigned index, vector;
    struct pass_irq *irq;
};

struct vfio_device {
    struct pass_set *ps;
    const struct pass_spec *spec;
    char name[VFIO_NAME_MAX];
    char label[160];
    int fd;
    uint64_t cfg_offset;
    struct {
        uint64_t offset, size;
    } region[PCI_NUM_BARS];
    struct vfio_pci_desc desc;
    bool has_intx, intx_on;
    int intx_fd;
    struct vfio_vector *vec[VFIO_PCI_IRQ_MSIX + 1]; /* by VFIO index: MSI, MSI-X */
    unsigned nvec[VFIO_PCI_IRQ_MSIX + 1];
    unsigned active; /* the index whose vectors are on, 0: none */
    struct pci_function *fn; /* this boot's */
    bool resettable;
};

struct vfio_group {
    int number, fd;
};

struct vfio_host {
    int container;
    bool iommu_set;
    struct vfio_group *groups;
    unsigned ngroups;
    struct vfio_device **dev;
    unsigned ndev;
};

/* ---- interrupts ---- */

static bool set_irqs(struct vfio_device *v, unsigned index, uint32_t action, unsigned count,
                     const int *fds)
{
    size_t size = sizeof(struct vfio_irq_set) + count * sizeof(int);
    struct vfio_irq_set *s = calloc(1, size);
    if (!s)
        return false;
    s->argsz = (uint32_t)size;
    s->flags = action | (fds ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
    s->index = index;
    s->start = 0;
    s->count = count;
    if (fds)
        memcpy(s->data, fds, count * sizeof(int));
    bool ok = ioctl(v->fd, VFIO_DEVICE_SET_IRQS, s) == 0;
    free(s);
    return ok;
}

static void intx_trigger(struct vfio_device *v, bool on)
{
    if (!v->has_intx || v->intx_on == on)
        return;
    bool ok = on ? set_irqs(v, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, 1, &v->intx_fd)
                 : set_irqs(v, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
    if (!ok)
        log_warn("%s: turning INTx %s at the host: %s", v->label, on ? "on" : "off",
                 strerror(errno));
    v->intx_on = on && ok;
}

int vfio_intx_fd(const struct vfio_device *v)
{
    return v->intx_fd;
}

const char *vfio_device_name(const struct vfio_device *v)
{
    return v->name;
}

void vfio_intx_unmask(struct vfio_device *v)
{
    if (v->intx_on && !set_irqs(v, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_UNMASK, 1, NULL))
        log_warn("%s: unmasking INTx: %s", v->label, strerror(errno));
}

void vfio_intx_mask(struct vfio_device *v)
{
    if (v->intx_on && !set_irqs(v, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_MASK, 1, NULL))
        log_warn("%s: masking INTx: %s", v->label, strerror(errno));
}

static void vector_deliver(void *arg)
{
    struct vfio_vector *vec = arg;
    if (vec->v->fn)
        vfio_pci_vector_fired(vec->v->fn, vec->index, vec->vector);
}

/* Up to MAX_VECTORS eventfds for VFIO index (MSI or MSI-X), each watched by
 * a source with the pass-through budget. */
static bool open_vectors(struct vfio_device *v, unsigned index, unsigned count)
{
    if (count > MAX_VECTORS)
        count = MAX_VECTORS;
    v->vec[index] = calloc(count ? count : 1, sizeof(*v->vec[index]));
    if (!v->vec[index])
        return false;
    for (unsigned k = 0; k < count; k++) {
        char label[192];
        snprintf(label, sizeof(label), "%s %s vector %u", v->label,
                 index == VFIO_PCI_IRQ_MSI ? "MSI" : "MSI-X", k);
        struct vfio_vector *vec = &v->vec[index][k];
        *vec = (struct vfio_vector){ .v = v, .index = index, .vector = k };
        int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        vec->irq = fd >= 0 ? pass_irq_new(v->ps->spec, &pass_irq_eventfd, label) : NULL;
        if (!vec->irq) {
            if (fd >= 0)
                close(fd);
            log_error("%s: cannot make an eventfd for its interrupt vectors: %s", v->label,
                      strerror(errno));
            return false;
        }
        vec->irq->fd = fd;
        vec->irq->deliver = vector_deliver;
        vec->irq->deliver_arg = vec;
        snprintf(vec->irq->source, sizeof(vec->irq->source), "VFIO %s", v->name);
        v->nvec[index]++;
    }
    v->desc.msi_vectors = index == VFIO_PCI_IRQ_MSI ? count : v->desc.msi_vectors;
    v->desc.msix_vectors = index == VFIO_PCI_IRQ_MSIX ? count : v->desc.msix_vectors;
    return true;
}

/* ---- the device, for src/pass/vfio_pci.c ---- */

static bool dev_cfg_read(void *dev, unsigned off, void *buf, unsigned len)
{
    struct vfio_device *v = dev;
    return pread(v->fd, buf, len, (off_t)(v->cfg_offset + off)) == (ssize_t)len;
}

static bool dev_cfg_write(void *dev, unsigned off, const void *buf, unsigned len)
{
    struct vfio_device *v = dev;
    return pwrite(v->fd, buf, len, (off_t)(v->cfg_offset + off)) == (ssize_t)len;
}

static bool dev_bar_read(void *dev, unsigned bar, uint64_t off, void *buf, unsigned len)
{
    struct vfio_device *v = dev;
    return bar < PCI_NUM_BARS && off < v->region[bar].size &&
           len <= v->region[bar].size - off &&
           pread(v->fd, buf, len, (off_t)(v->region[bar].offset + off)) == (ssize_t)len;
}

static bool dev_bar_write(void *dev, unsigned bar, uint64_t off, const void *buf, unsigned len)
{
    struct vfio_device *v = dev;
    return bar < PCI_NUM_BARS && off < v->region[bar].size &&
           len <= v->region[bar].size - off &&
           pwrite(v->fd, buf, len, (off_t)(v->region[bar].offset + off)) == (ssize_t)len;
}

static bool dev_set_vectors(void *dev, unsigned index, unsigned count)
{
    struct vfio_device *v = dev;
    if (index != VFIO_PCI_IRQ_MSI && index != VFIO_PCI_IRQ_MSIX)
        return false;
    if (!count) {
        bool ok = set_irqs(v, index, VFIO_IRQ_SET_ACTION_TRIGGER, 0, NULL);
        v->active = 0;
        return ok;
    }
    if (count > v->nvec[index])
        return false;
    int fds[MAX_VECTORS];
    for (unsigned k = 0; k < count; k++)
        fds[k] = v->vec[index][k].irq->fd;
    bool ok = set_irqs(v, index, VFIO_IRQ_SET_ACTION_TRIGGER, count, fds);
    v->active = ok ? index : 0;
    return ok;
}

static void dev_intx(void *dev, bool on)
{
    intx_trigger(dev, on);
}

static void dev_stop(void *dev)
{
    struct vfio_device *v = dev;
    if (v->active)
        dev_set_vectors(v, v->active, 0);
    if (v->resettable && ioctl(v->fd, VFIO_DEVICE_RESET) < 0)
        log_warn("%s: VFIO_DEVICE_RESET: %s", v->label, strerror(errno));
    intx_trigger(v, true); /* ready for the next boot's INTx */
    v->fn = NULL;
}

static const struct vfio_pci_ops device_ops = {
    .cfg_read = dev_cfg_read,
    .cfg_write = dev_cfg_write,
    .bar_read = dev_bar_read,
    .bar_write = dev_bar_write,
    .set_vectors = dev_set_vectors,
    .intx = dev_intx,
    .stop = dev_stop,
};

/* ---- opening ---- */

/* Region index's info with its capabilities (caller frees). */
static struct vfio_region_info *region_info(int fd, unsigned index)
{
    struct vfio_region_info *info = calloc(1, sizeof(*info));
    if (!info)
        return NULL;
    info->argsz = sizeof(*info);
    info->index = index;
    if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, info) < 0) {
        free(info);
        return NULL;
    }
    if (info->argsz > sizeof(*info)) { /* capabilities follow: ask again with room */
        uint32_t argsz = info->argsz;
        struct vfio_region_info *grown = realloc(info, argsz);
        if (!grown) {
            free(info);
            return NULL;
        }
        info = grown;
        memset(info, 0, argsz);
        info->argsz = argsz;
        info->index = index;
        if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, info) < 0) {
            free(info);
            return NULL;
        }
    }
    return info;
}

/* The sparse-mmap capability of info, or NULL. */
static const struct vfio_region_info_cap_sparse_mmap *sparse_cap(const struct vfio_region_info *info)
{
    if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
        return NULL;
    for (uint32_t off = info->cap_offset, hops = 0;
         off && off + sizeof(struct vfio_info_cap_header) <= info->argsz && hops < 16; hops++) {
        const struct vfio_info_cap_header *h = (const void *)((const char *)info + off);
        if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP)
            return (const void *)h;
        off = h->next;
    }
    return NULL;
}

static void map_area(struct vfio_device *v, unsigned n, uint64_t offset, uint64_t length)
{
    if (offset % PAGE_SIZE || length % PAGE_SIZE || !length || v->desc.bar[n].nareas == PCI_BAR_MAPS)
        return; /* trapped instead */
    void *host = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd,
                      (off_t)(v->region[n].offset + offset));
    if (host == MAP_FAILED) {
        log_warn("%s: BAR%u: mmap: %s; its accesses are trapped", v->label, n, strerror(errno));
        return;
    }
    v->desc.bar[n].areas[v->desc.bar[n].nareas++] =
        (struct pci_bar_map){ .offset = offset, .length = length, .host = host };
}

static bool describe(struct vfio_device *v)
{
    struct vfio_device_info dinfo = { .argsz = sizeof(dinfo) };
    if (ioctl(v->fd, VFIO_DEVICE_GET_INFO, &dinfo) < 0 || !(dinfo.flags & VFIO_DEVICE_FLAGS_PCI)) {
        log_error("%s: VFIO does not describe it as a PCI device", v->label);
        return false;
    }
    v->resettable = dinfo.flags & VFIO_DEVICE_FLAGS_RESET;
    struct vfio_region_info *cfg = region_info(v->fd, VFIO_PCI_CONFIG_REGION_INDEX);
    if (!cfg) {
        log_error("%s: VFIO_DEVICE_GET_REGION_INFO (config space): %s", v->label, strerror(errno));
        return false;
    }
    v->cfg_offset = cfg->offset;
    free(cfg);
    for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
        struct vfio_region_info *info = region_info(v->fd, VFIO_PCI_BAR0_REGION_INDEX + n);
        if (!info || !info->size) {
            free(info);
            continue;
        }
        v->region[n].offset = info->offset;
        v->region[n].size = v->desc.bar[n].size = info->size;
        const struct vfio_region_info_cap_sparse_mmap *sparse = sparse_cap(info);
        if (info->flags & VFIO_REGION_INFO_FLAG_MMAP) {
            for (uint32_t k = 0; sparse && k < sparse->nr_areas; k++)
                map_area(v, n, sparse->areas[k].offset, sparse->areas[k].size);
            if (!sparse)
                map_area(v, n, 0, info->size);
        }
        free(info);
    }
    for (unsigned index = VFIO_PCI_MSI_IRQ_INDEX; index <= VFIO_PCI_MSIX_IRQ_INDEX; index++) {
        struct vfio_irq_info irq = { .argsz = sizeof(irq), .index = index };
        unsigned count = ioctl(v->fd, VFIO_DEVICE_GET_IRQ_INFO, &irq) == 0 ? irq.count : 0;
        if (!open_vectors(v, index, count))
            return false;
    }
    return true;
}

static int open_group(struct vfio_host *h, int number, const char *label)
{
    for (unsigned i = 0; i < h->ngroups; i++)
        if (h->groups[i].number == number)
            return h->groups[i].fd;
    char path[64];
    snprintf(path, sizeof(path), "/dev/vfio/%d", number);
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        log_error("%s: cannot open %s: %s", label, path, strerror(errno));
        return -1;
    }
    struct vfio_group_status status = { .argsz = sizeof(status) };
    if (ioctl(fd, VFIO_GROUP_GET_STATUS, &status) < 0 ||
        !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
        log_error("%s: IOMMU group %d is not viable: every device in %s/kernel/iommu_groups/%d "
                  "must be bound to vfio-pci or to no driver", label, number, SYSFS, number);
        close(fd);
        return -1;
    }
    if (ioctl(fd, VFIO_GROUP_SET_CONTAINER, &h->container) < 0) {
        log_error("%s: VFIO_GROUP_SET_CONTAINER (group %d): %s", label, number, strerror(errno));
        close(fd);
        return -1;
    }
    if (!h->iommu_set && ioctl(h->container, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU) < 0) {
        log_error("%s: VFIO_SET_IOMMU (type 1): %s", label, strerror(errno));
        close(fd);
        return -1;
    }
    h->iommu_set = true;
    struct vfio_group *grown = realloc(h->groups, (h->ngroups + 1) * sizeof(*grown));
    if (!grown) {
        close(fd);
        return -1;
    }
    h->groups = grown;
    h->groups[h->ngroups++] = (struct vfio_group){ number, fd };
    return fd;
}

static bool open_container(struct vfio_host *h, const char *label)
{
    if (h->container >= 0)
        return true;
    h->container = open(VFIO_CONTAINER, O_RDWR | O_CLOEXEC);
    if (h->container < 0) {
        log_error("%s: cannot open %s: %s (load the vfio-pci module)", label, VFIO_CONTAINER,
                  strerror(errno));
        return false;
    }
    if (ioctl(h->container, VFIO_GET_API_VERSION) != VFIO_API_VERSION ||
        ioctl(h->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) <= 0) {
        log_error("%s: %s: the kernel's VFIO has no type 1 IOMMU", label, VFIO_CONTAINER);
        return false;
    }
    return true;
}

static struct vfio_device *open_device(struct pass_set *ps, const struct pass_spec *p)
{
    struct vfio_host *h = ps->vfio;
    struct vfio_device *v = calloc(1, sizeof(*v));
    if (!v)
        return NULL;
    v->ps = ps;
    v->spec = p;
    v->fd = v->intx_fd = -1;
    char err[512];
    /* pass loc pci:0:DEV.FUNC alone: the host device at the same address */
    const struct guest_loc *host = p->host_kind == PASS_HOST_PCI ? &p->host : &p->loc;
    bool found = vfio_sysfs_find(SYSFS, host, v->name, err, sizeof(err));
    snprintf(v->label, sizeof(v->label), "pass pci:0:%u.%u (%s, %s)", p->loc.dev, p->loc.fn,
             found ? v->name : "host device not found", srcloc_str(&p->at));
    v->desc.label = v->label;
    int group = found ? vfio_sysfs_group(SYSFS, v->name, err, sizeof(err)) : -1;
    if (group < 0) {
        log_error("%s: %s", v->label, err);
        return v;
    }
    int gfd = open_container(h, v->label) ? open_group(h, group, v->label) : -1;
    if (gfd < 0)
        return v;
    v->fd = ioctl(gfd, VFIO_GROUP_GET_DEVICE_FD, v->name);
    if (v->fd < 0) {
        log_error("%s: VFIO_GROUP_GET_DEVICE_FD: %s", v->label, strerror(errno));
        return v;
    }
    if (!describe(v)) {
        close(v->fd);
        v->fd = -1;
        return v;
    }
    v->has_intx = p->has_intr;
    if (v->has_intx) {
        v->intx_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        intx_trigger(v, v->intx_fd >= 0);
        if (!v->intx_on) {
            log_error("%s: cannot take its INTx through VFIO", v->label);
            close(v->fd);
            v->fd = -1;
        }
    }
    return v;
}

static void close_device(struct vfio_device *v)
{
    for (unsigned index = VFIO_PCI_IRQ_MSI; index <= VFIO_PCI_IRQ_MSIX; index++) {
        for (unsigned k = 0; k < v->nvec[index]; k++)
            pass_irq_close(v->vec[index][k].irq);
        free(v->vec[index]);
    }
    for (unsigned n = 0; n < PCI_NUM_BARS; n++)
        for (unsigned k = 0; k < v->desc.bar[n].nareas; k++)
            munmap(v->desc.bar[n].areas[k].host, v->desc.bar[n].areas[k].length);
    if (v->fd >= 0) {
        intx_trigger(v, false);
        close(v->fd);
    }
    if (v->intx_fd >= 0)
        close(v->intx_fd);
    free(v);
}

bool vfio_open_all(struct pass_set *ps)
{
    unsigned n = 0;
    for (unsigned i = 0; i < ps->spec->npasses; i++)
        n += pass_is_pci(&ps->spec->passes[i]);
    if (!n)
        return true;
    struct vfio_host *h = calloc(1, sizeof(*h));
    if (!h || !(h->dev = calloc(n, sizeof(*h->dev)))) {
        free(h);
        return false;
    }
    h->container = -1;
    ps->vfio = h;
    bool ok = true;
    for (unsigned i = 0; i < ps->spec->npasses; i++) {
        const struct pass_spec *p = &ps->spec->passes[i];
        if (!pass_is_pci(p))
            continue;
        struct vfio_device *v = open_device(ps, p);
        if (v)
            h->dev[h->ndev++] = v;
        ok &= v && v->fd >= 0;
    }
    return ok;
}

void vfio_close_all(struct pass_set *ps)
{
    struct vfio_host *h = ps->vfio;
    if (!h)
        return;
    for (unsigned i = 0; i < h->ndev; i++)
        close_device(h->dev[i]);
    for (unsigned i = 0; i < h->ngroups; i++)
        close(h->groups[i].fd);
    if (h->container >= 0)
        close(h->container);
    free(h->groups);
    free(h->dev);
    free(h);
    ps->vfio = NULL;
}

struct vfio_device *vfio_device_of(const struct pass_set *ps, const struct pass_spec *p)
{
    for (unsigned i = 0; ps->vfio && i < ps->vfio->ndev; i++)
        if (ps->vfio->dev[i]->spec == p)
            return ps->vfio->dev[i];
    return NULL;
}

/* ---- each boot ---- */

bool vfio_dma_map(struct pass_set *ps, uint64_t gpa, uint64_t length, void *host)
{
    if (!ps || !ps->vfio || !ps->vfio->iommu_set)
        return true;
    struct vfio_iommu_type1_dma_map map = {
        .argsz = sizeof(map),
        .flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
        .vaddr = (uintptr_t)host,
        .iova = gpa,
        .size = length,
    };
    if (ioctl(ps->vfio->container, VFIO_IOMMU_MAP_DMA, &map) == 0)
        return true;
    log_error("VFIO_IOMMU_MAP_DMA (guest RAM 0x%llx, %llu bytes): %s",
              (unsigned long long)gpa, (unsigned long long)length, strerror(errno));
    return false;
}

void vfio_dma_unmap(struct pass_set *ps, uint64_t gpa, uint64_t length)
{
    if (!ps || !ps->vfio || !ps->vfio->iommu_set)
        return;
    struct vfio_iommu_type1_dma_unmap unmap = { .argsz = sizeof(unmap), .iova = gpa,
                                                .size = length };
    if (ioctl(ps->vfio->container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
        log_warn("VFIO_IOMMU_UNMAP_DMA (0x%llx): %s", (unsigned long long)gpa, strerror(errno));
}

bool vfio_attach(struct vfio_device *v, struct pci_bus *bus, struct event_loop *loop)
{
    v->desc.intx = v->has_intx;
    v->desc.intx_line = v->has_intx && v->spec->intr.line < 0xff ? (uint8_t)v->spec->intr.line : 0xff;
    struct pci_function *f = vfio_pci_create(&v->desc, &device_ops, v, pci_bus_env(bus));
    if (!f)
        return false;
    if (!pci_bus_add(bus, f, PCI_DEVFN(v->spec->loc.dev, v->spec->loc.fn))) {
        log_error("%s: its PCI slot is taken", v->label);
        f->ops->destroy(f);
        return false;
    }
    v->fn = f;
    for (unsigned index = VFIO_PCI_IRQ_MSI; index <= VFIO_PCI_IRQ_MSIX; index++)
        for (unsigned k = 0; k < v->nvec[index]; k++)
            if (!pass_irq_attach_one(v->vec[index][k].irq, NULL, loop))
                return false;
    return true;
}

void vfio_detach_all(struct pass_set *ps)
{
    for (unsigned i = 0; ps && ps->vfio && i < ps->vfio->ndev; i++) {
        struct vfio_device *v = ps->vfio->dev[i];
        for (unsigned index = VFIO_PCI_IRQ_MSI; index <= VFIO_PCI_IRQ_MSIX; index++)
            for (unsigned k = 0; k < v->nvec[index]; k++)
                pass_irq_detach_one(v->vec[index][k].irq);
    }
}
