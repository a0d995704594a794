/* A host PCI device passed through with VFIO, as the guest sees it: its
 * configuration space virtualised, its MSI and MSI-X emulated.
 *
 * Configuration space: the BARs (the guest sizes and places them; the
 * device keeps the host's), the expansion ROM (none), the interrupt line
 * and pin, the capability pointer and the MSI and MSI-X capabilities are
 * kqvm's; the command register is kqvm's and also written to the device
 * (VFIO filters what the device may not do); every other byte is read from
 * and written to the device. An access that is not 1, 2 or 4 bytes within
 * one dword of the 256-byte space is refused and logged.
 *
 * MSI and MSI-X: the guest programs messages in kqvm's copy of the
 * capability and of the MSI-X table (the table and PBA pages of their BAR
 * are never memory slots). Enabling either turns the vectors on at the
 * host (the device's INTx off: VFIO allows one kind at a time); a vector
 * that fires sends the guest's message through the bus, or is held
 * pending while the guest masks it and sent when it unmasks it. */
#include "pass/vfio_pci.h"

#include "util/log.h"

#include <inttypes.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_SIZE UINT64_C(4096)
#define MAX_CAPS 48          /* a list longer than the space can hold is a loop */
#define MAX_LOGGED_REFUSALS 8 /* per function: a hostile guest cannot flood the log */
#define MSIX_ENTRY_SIZE 16u
#define MSIX_MAX_VECTORS 2048u

struct msix_entry {
    uint32_t word[4]; /* address low, address high, data, vector control */
};

struct vfio_pci {
    struct pci_function fn; /* first: the bus's pointer is ours */
    const struct vfio_pci_ops *ops;
    void *dev;
    const struct pci_bus_env *env;
    char label[160];
    bool emulated[PCI_CFG_SIZE];
    unsigned refusals;
    uint64_t sent, held, dropped;
    struct {
        unsigned cap; /* 0: the device has none */
        unsigned vectors;
        bool is64, maskable;
        bool on;
        unsigned count; /* vectors enabled */
        uint32_t pending;
    } msi;
    struct {
        unsigned cap; /* 0: the device has none */
        unsigned size; /* the table's entries */
        unsigned host; /* vectors on at the host (VFIO may offer fewer) */
        unsigned table_bar, pba_bar;
        uint64_t table_off, pba_off;
        bool on;
        struct msix_entry *entry;
        uint64_t *pending; /* the PBA */
    } msix;
};

static struct vfio_pci *of(struct pci_function *f)
{
    return (struct vfio_pci *)f;
}

static uint32_t get_le(const uint8_t *b, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = size; i-- > 0;)
        v = v << 8 | b[i];
    return v;
}

static void refuse(struct vfio_pci *d, const char *what, unsigned off, unsigned size)
{
    if (d->refusals++ < MAX_LOGGED_REFUSALS)
        log_warn("%s: guest %s of %u bytes at configuration offset 0x%x refused%s", d->label,
                 what, size, off,
                 d->refusals == MAX_LOGGED_REFUSALS ? " (further refusals not logged)" : "");
}

static bool cfg_access_ok(unsigned off, unsigned size)
{
    return (size == 1 || size == 2 || size == 4) && off < PCI_CFG_SIZE && off % 4 + size <= 4;
}

static bool in_cap(unsigned cap, unsigned len, unsigned off, unsigned size)
{
    return cap && off < cap + len && cap < off + size;
}

/* ---- messages ---- */

static void send(struct vfio_pci *d, uint64_t address, uint32_t data)
{
    if (d->env->send_msi(d->env->vm, address, data)) {
        d->sent++;
        return;
    }
    if (d->dropped++ == 0)
        log_warn("%s: the guest programmed a message to 0x%" PRIx64 " (data 0x%x), which no "
                 "interrupt controller decodes: dropped (said once)",
                 d->label, address, data);
}

/* MSI registers after the control word: address (4 or 8 bytes), data,
 * and with per-vector masking the mask and pending bits. */
static unsigned msi_data_reg(const struct vfio_pci *d)
{
    return d->msi.cap + (d->msi.is64 ? PCI_MSI_DATA_64 : PCI_MSI_DATA_32);
}

static unsigned msi_mask_reg(const struct vfio_pci *d)
{
    return d->msi.cap + (d->msi.is64 ? PCI_MSI_MASK_64 : PCI_MSI_MASK_32);
}

static unsigned msi_cap_len(const struct vfio_pci *d)
{
    return (d->msi.maskable ? msi_mask_reg(d) + 8 : msi_data_reg(d) + 2) - d->msi.cap;
}

static void msi_send(struct vfio_pci *d, unsigned v)
{
    const struct pci_config *c = &d->fn.cfg;
    uint64_t address = pci_config_get(c, d->msi.cap + PCI_MSI_ADDRESS_LO, 4);
    if (d->msi.is64)
        address |= (uint64_t)pci_config_get(c, d->msi.cap + PCI_MSI_ADDRESS_HI, 4) << 32;
    /* multiple messages: the vector number replaces the data's low bits */
    uint32_t data = pci_config_get(c, msi_data_reg(d), 2);
    data = (data & ~(d->msi.count - 1)) | v;
    send(d, address, data);
}

static uint32_t msi_mask(const struct vfio_pci *d)
{
    return d->msi.maskable ? pci_config_get(&d->fn.cfg, msi_mask_reg(d), 4) : 0;
}

static void msi_set_pending(struct vfio_pci *d)
{
    if (d->msi.maskable)
        pci_config_set(&d->fn.cfg, msi_mask_reg(d) + 4, 4, d->msi.pending);
}

static void msi_flush(struct vfio_pci *d)
{
    uint32_t due = d->msi.pending & ~msi_mask(d);
    for (unsigned v = 0; v < d->msi.count; v++)
        if (due & 1u << v)
            msi_send(d, v);
    d->msi.pending &= ~due;
    msi_set_pending(d);
}

static bool msix_masked(const struct vfio_pci *d, unsigned v)
{
    uint16_t control = (uint16_t)pci_config_get(&d->fn.cfg, d->msix.cap + PCI_MSIX_FLAGS, 2);
    return (control & PCI_MSIX_FLAGS_MASKALL) ||
           (d->msix.entry[v].word[3] & PCI_MSIX_ENTRY_CTRL_MASKBIT);
}

static void msix_send(struct vfio_pci *d, unsigned v)
{
    const struct msix_entry *e = &d->msix.entry[v];
    send(d, (uint64_t)e->word[1] << 32 | e->word[0], e->word[2]);
}

static bool msix_is_pending(const struct vfio_pci *d, unsigned v)
{
    return d->msix.pending[v / 64] >> (v % 64) & 1;
}

static void msix_set_pending(struct vfio_pci *d, unsigned v, bool on)
{
    uint64_t bit = UINT64_C(1) << (v % 64);
    d->msix.pending[v / 64] = on ? d->msix.pending[v / 64] | bit : d->msix.pending[v / 64] & ~bit;
}

static void msix_flush(struct vfio_pci *d)
{
    for (unsigned v = 0; d->msix.on && v < d->msix.size; v++)
        if (msix_is_pending(d, v) && !msix_masked(d, v)) {
            msix_set_pending(d, v, false);
            msix_send(d, v);
        }
}

void vfio_pci_vector_fired(struct pci_function *f, unsigned index, unsigned vector)
{
    struct vfio_pci *d = of(f);
    pthread_mutex_lock(&f->lock);
    if (index == VFIO_PCI_IRQ_MSI && d->msi.on && vector < d->msi.count) {
        if (msi_mask(d) & 1u << vector) {
            d->msi.pending |= 1u << vector;
            msi_set_pending(d);
            d->held++;
        } else {
            msi_send(d, vector);
        }
    } else if (index == VFIO_PCI_IRQ_MSIX && d->msix.on && vector < d->msix.size) {
        if (msix_masked(d, vector)) {
            msix_set_pending(d, vector, true);
            d->held++;
        } else {
            msix_send(d, vector);
        }
    }
    pthread_mutex_unlock(&f->lock);
}

/* ---- turning vectors on and off at the host ---- */

/* Vectors of index on (count) or off (0); INTx follows. False after logging. */
static bool host_vectors(struct vfio_pci *d, unsigned index, unsigned count)
{
    const char *kind = index == VFIO_PCI_IRQ_MSI ? "MSI" : "MSI-X";
    if (count)
        d->ops->intx(d->dev, false);
    bool ok = d->ops->set_vectors(d->dev, index, count);
    if (!ok)
        log_warn("%s: the host refused to %s %s (%u vectors); the guest's %s stays off", d->label,
                 count ? "enable" : "disable", kind, count, kind);
    if (!count || !ok)
        d->ops->intx(d->dev, true);
    return ok;
}

static void msi_update(struct vfio_pci *d)
{
    struct pci_config *c = &d->fn.cfg;
    unsigned control_reg = d->msi.cap + PCI_MSI_FLAGS;
    uint16_t control = (uint16_t)pci_config_get(c, control_reg, 2);
    bool want = control & PCI_MSI_FLAGS_ENABLE;
    unsigned count = 1u << ((control & PCI_MSI_FLAGS_QSIZE) >> 4);
    if (count > d->msi.vectors)
        count = d->msi.vectors;
    if (want && d->msix.on) {
        log_warn("%s: the guest enabled MSI while MSI-X is on: refused", d->label);
        want = false;
    }
    if (d->msi.on && (!want || count != d->msi.count)) {
        host_vectors(d, VFIO_PCI_IRQ_MSI, 0);
        d->msi.on = false;
        d->msi.pending = 0;
        msi_set_pending(d);
    }
    if (want && !d->msi.on) {
        d->msi.on = count && host_vectors(d, VFIO_PCI_IRQ_MSI, count);
        d->msi.count = d->msi.on ? count : 0;
    }
    if (!d->msi.on)
        pci_config_set(c, control_reg, 2, control & ~PCI_MSI_FLAGS_ENABLE);
    msi_flush(d);
}

static void msix_update(struct vfio_pci *d)
{
    struct pci_config *c = &d->fn.cfg;
    unsigned control_reg = d->msix.cap + PCI_MSIX_FLAGS;
    uint16_t control = (uint16_t)pci_config_get(c, control_reg, 2);
    bool want = control & PCI_MSIX_FLAGS_ENABLE;
    if (want && d->msi.on) {
        log_warn("%s: the guest enabled MSI-X while MSI is on: refused", d->label);
        want = false;
    }
    if (d->msix.on && !want) {
        host_vectors(d, VFIO_PCI_IRQ_MSIX, 0);
        d->msix.on = false;
        memset(d->msix.pending, 0, (d->msix.size + 63) / 64 * sizeof(uint64_t));
    } else if (want && !d->msix.on) {
        d->msix.on = d->msix.host && host_vectors(d, VFIO_PCI_IRQ_MSIX, d->msix.host);
    }
    if (!d->msix.on)
        pci_config_set(c, control_reg, 2, control & ~PCI_MSIX_FLAGS_ENABLE);
    msix_flush(d);
}

/* ---- configuration cycles ---- */

static uint32_t vfio_cfg_read(struct pci_function *f, unsigned off, unsigned size)
{
    struct vfio_pci *d = of(f);
    if (!cfg_access_ok(off, size)) {
        refuse(d, "read", off, size);
        return 0xffffffffu;
    }
    uint8_t buf[4] = { 0xff, 0xff, 0xff, 0xff };
    bool any_device = false;
    for (unsigned i = 0; i < size; i++)
        any_device |= !d->emulated[off + i];
    if (any_device && !d->ops->cfg_read(d->dev, off, buf, size))
        memset(buf, 0xff, sizeof(buf));
    for (unsigned i = 0; i < size; i++)
        if (d->emulated[off + i])
            buf[i] = f->cfg.v[off + i];
    return get_le(buf, size);
}

/* Bytes the device sees: what kqvm does not emulate, and the command register. */
static bool to_device(const struct vfio_pci *d, unsigned off)
{
    return !d->emulated[off] || off == PCI_COMMAND || off == PCI_COMMAND + 1;
}

static void vfio_cfg_write(struct pci_function *f, unsigned off, unsigned size, uint32_t v)
{
    struct vfio_pci *d = of(f);
    if (!cfg_access_ok(off, size)) {
        refuse(d, "write", off, size);
        return;
    }
    uint8_t buf[4];
    for (unsigned i = 0; i < size; i++)
        buf[i] = (uint8_t)(v >> (8 * i));
    /* the device's bytes, in runs: one access when nothing in it is emulated */
    for (unsigned i = 0; i < size;) {
        unsigned run = 0;
        while (i + run < size && to_device(d, off + i + run))
            run++;
        if (run && !d->ops->cfg_write(d->dev, off + i, buf + i, run))
            log_warn("%s: writing configuration offset 0x%x at the device failed", d->label,
                     off + i);
        i += run ? run : 1;
    }
    for (unsigned i = 0; i < size; i++)
        if (d->emulated[off + i])
            pci_config_write(&f->cfg, off + i, 1, buf[i]);
    if (in_cap(d->msi.cap, msi_cap_len(d), off, size))
        msi_update(d);
    if (in_cap(d->msix.cap, PCI_CAP_MSIX_SIZEOF, off, size))
        msix_update(d);
}

/* ---- BAR accesses kqvm handles: the MSI-X table and PBA, and the rest of
 * the BAR through the device file ---- */

static bool bar_access_ok(uint64_t off, unsigned size)
{
    return (size == 1 || size == 2 || size == 4 || size == 8) && off % size == 0;
}

static bool in_range(uint64_t off, unsigned size, uint64_t base, uint64_t len)
{
    return off >= base && off - base < len && size <= len - (off - base);
}

static bool in_table(const struct vfio_pci *d, unsigned bar, uint64_t off, unsigned size)
{
    return d->msix.cap && bar == d->msix.table_bar &&
           in_range(off, size, d->msix.table_off, (uint64_t)d->msix.size * MSIX_ENTRY_SIZE);
}

static bool in_pba(const struct vfio_pci *d, unsigned bar, uint64_t off, unsigned size)
{
    return d->msix.cap && bar == d->msix.pba_bar &&
           in_range(off, size, d->msix.pba_off, (d->msix.size + 63) / 64 * 8);
}

static uint64_t table_read(const struct vfio_pci *d, uint64_t off, unsigned size)
{
    const struct msix_entry *e = &d->msix.entry[off / MSIX_ENTRY_SIZE];
    unsigned w = (unsigned)(off % MSIX_ENTRY_SIZE) / 4;
    uint64_t v = e->word[w];
    if (size == 8)
        v |= (uint64_t)e->word[w + 1] << 32;
    return size < 4 ? v >> (8 * (off % 4)) & ((UINT64_C(1) << (8 * size)) - 1) : v;
}

static void table_write(struct vfio_pci *d, uint64_t off, unsigned size, uint64_t v)
{
    unsigned v_index = (unsigned)(off / MSIX_ENTRY_SIZE);
    struct msix_entry *e = &d->msix.entry[v_index];
    unsigned w = (unsigned)(off % MSIX_ENTRY_SIZE) / 4;
    for (unsigned k = 0; k < size / 4; k++, w++, v >>= 32)
        /* vector control: only the mask bit is defined */
        e->word[w] = w == 3 ? (uint32_t)v & PCI_MSIX_ENTRY_CTRL_MASKBIT : (uint32_t)v;
    msix_flush(d);
}

static uint64_t vfio_bar_read(struct pci_function *f, unsigned bar, uint64_t off, unsigned size)
{
    struct vfio_pci *d = of(f);
    if (!bar_access_ok(off, size))
        return ~UINT64_C(0);
    if (in_table(d, bar, off, size)) {
        off -= d->msix.table_off;
        return size >= 4 || off % 4 + size <= 4 ? table_read(d, off, size) : ~UINT64_C(0);
    }
    if (in_pba(d, bar, off, size)) {
        off -= d->msix.pba_off;
        uint64_t word = d->msix.pending[off / 8];
        return size == 8 ? word : word >> (8 * (off % 8)) & ((UINT64_C(1) << (8 * size)) - 1);
    }
    uint64_t v = 0;
    if (!d->ops->bar_read(d->dev, bar, off, &v, size))
        return ~UINT64_C(0);
    return v;
}

static void vfio_bar_write(struct pci_function *f, unsigned bar, uint64_t off, unsigned size,
                           uint64_t v)
{
    struct vfio_pci *d = of(f);
    if (!bar_access_ok(off, size))
        return;
    if (in_table(d, bar, off, size)) {
        if (size >= 4) /* the table takes dword and qword writes only (PCI 3.0, 6.8.2) */
            table_write(d, off - d->msix.table_off, size, v);
        return;
    }
    if (in_pba(d, bar, off, size))
        return; /* read-only */
    if (!d->ops->bar_write(d->dev, bar, off, &v, size))
        log_warn("%s: BAR%u: writing offset 0x%" PRIx64 " at the device failed", d->label, bar,
                 off);
}

static void vfio_report(struct pci_function *f)
{
    struct vfio_pci *d = of(f);
    log_info("%s: messages sent %" PRIu64 ", held while masked %" PRIu64
             ", dropped (undecoded address) %" PRIu64,
             d->label, d->sent, d->held, d->dropped);
}

static void free_function(struct vfio_pci *d)
{
    free(d->msix.entry);
    free(d->msix.pending);
    free(d);
}

static void vfio_destroy(struct pci_function *f)
{
    struct vfio_pci *d = of(f);
    d->ops->stop(d->dev);
    free_function(d);
}

static const struct pci_function_ops vfio_function_ops = {
    .cfg_read = vfio_cfg_read,
    .cfg_write = vfio_cfg_write,
    .bar_read = vfio_bar_read,
    .bar_write = vfio_bar_write,
    .report = vfio_report,
    .destroy = vfio_destroy,
};

/* ---- building the function ---- */

static void emulate(struct vfio_pci *d, unsigned off, unsigned len)
{
    for (unsigned i = off; i < off + len && i < PCI_CFG_SIZE; i++)
        d->emulated[i] = true;
}

/* The BARs, from the device's registers (their types) and VFIO's region
 * sizes; the host-memory parts are VFIO's mmap-able areas less the MSI-X
 * table and PBA pages. */
static bool declare_bars(struct vfio_pci *d, const struct vfio_pci_desc *desc, const uint8_t *raw)
{
    struct pci_function *f = &d->fn;
    for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
        uint32_t reg = get_le(raw + PCI_BASE_ADDRESS_0 + 4 * n, 4);
        struct pci_bar *bar = &f->bar[n];
        if (!desc->bar[n].size)
            continue;
        bar->size = desc->bar[n].size;
        if (reg & PCI_BASE_ADDRESS_SPACE_IO) {
            bar->kind = PCI_BAR_IO;
        } else {
            bar->prefetchable = reg & PCI_BASE_ADDRESS_MEM_PREFETCH;
            bar->kind = (reg & PCI_BASE_ADDRESS_MEM_TYPE_MASK) == PCI_BASE_ADDRESS_MEM_TYPE_64
                            ? PCI_BAR_MEM64
                            : PCI_BAR_MEM32;
        }
        if (!pci_config_declare_bar(&f->cfg, f->bar, n)) {
            log_error("%s: BAR%u (%" PRIu64 " bytes) is not a BAR kqvm can give the guest", d->label,
                      n, bar->size);
            return false;
        }
        if (bar->kind == PCI_BAR_MEM64)
            n++; /* its upper half */
    }
    for (unsigned n = 0; n < PCI_NUM_BARS; n++) {
        struct pci_bar *bar = &f->bar[n];
        if (bar->kind == PCI_BAR_NONE || bar->kind == PCI_BAR_IO)
            continue;
        /* the pages of the MSI-X structures in this BAR, kept trapped */
        uint64_t hole[2][2];
        unsigned nholes = 0;
        if (d->msix.cap && d->msix.table_bar == n) {
            hole[nholes][0] = d->msix.table_off & ~(PAGE_SIZE - 1);
            hole[nholes++][1] = d->msix.table_off + (uint64_t)d->msix.size * MSIX_ENTRY_SIZE;
        }
        if (d->msix.cap && d->msix.pba_bar == n) {
            hole[nholes][0] = d->msix.pba_off & ~(PAGE_SIZE - 1);
            hole[nholes++][1] = d->msix.pba_off + (d->msix.size + 63) / 64 * 8;
        }
        for (unsigned k = 0; k < desc->bar[n].nareas; k++) {
            uint64_t start = desc->bar[n].areas[k].offset;
            uint64_t end = start + desc->bar[n].areas[k].length;
            uint8_t *host = desc->bar[n].areas[k].host;
            while (start < end && bar->nmaps < PCI_BAR_MAPS) {
                /* the next piece: from start to the first hole that cuts it */
                uint64_t stop = end, skip_to = end;
                for (unsigned h = 0; h < nholes; h++) {
                    uint64_t hs = hole[h][0], he = (hole[h][1] + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
                    if (he <= start || hs >= stop)
                        continue;
                    if (hs <= start) { /* start is inside a hole */
                        stop = start;
                        skip_to = he;
                        break;
                    }
                    stop = hs;
                    skip_to = he;
                }
                if (stop > start)
                    bar->maps[bar->nmaps++] = (struct pci_bar_map){
                        .offset = start, .length = stop - start,
                        .host = host + (start - desc->bar[n].areas[k].offset) };
                start = skip_to > stop ? skip_to : stop;
            }
        }
    }
    return true;
}

/* The MSI and MSI-X capabilities, found by walking the device's list. */
static bool find_caps(struct vfio_pci *d, const struct vfio_pci_desc *desc, const uint8_t *raw)
{
    unsigned ptr = raw[PCI_CAPABILITY_LIST] & ~3u;
    for (unsigned i = 0; i < MAX_CAPS && ptr >= 0x40 && ptr <= PCI_CFG_SIZE - 4; i++) {
        uint8_t id = raw[ptr + PCI_CAP_LIST_ID];
        uint16_t control = (uint16_t)get_le(raw + ptr + 2, 2);
        if (id == PCI_CAP_ID_MSI && !d->msi.cap) {
            d->msi.cap = ptr;
            d->msi.is64 = control & PCI_MSI_FLAGS_64BIT;
            d->msi.maskable = control & PCI_MSI_FLAGS_MASKBIT;
            d->msi.vectors = 1u << ((control & PCI_MSI_FLAGS_QMASK) >> 1);
            if (d->msi.vectors > desc->msi_vectors)
                d->msi.vectors = desc->msi_vectors;
        } else if (id == PCI_CAP_ID_MSIX && !d->msix.cap && ptr <= PCI_CFG_SIZE - PCI_CAP_MSIX_SIZEOF) {
            uint32_t table = get_le(raw + ptr + PCI_MSIX_TABLE, 4);
            uint32_t pba = get_le(raw + ptr + PCI_MSIX_PBA, 4);
            d->msix.cap = ptr;
            d->msix.size = (control & PCI_MSIX_FLAGS_QSIZE) + 1u;
            d->msix.table_bar = table & PCI_MSIX_TABLE_BIR;
            d->msix.table_off = table & PCI_MSIX_TABLE_OFFSET;
            d->msix.pba_bar = pba & PCI_MSIX_PBA_BIR;
            d->msix.pba_off = pba & PCI_MSIX_PBA_OFFSET;
        }
        ptr = raw[ptr + PCI_CAP_LIST_NEXT] & ~3u;
    }
    if (d->msi.cap && msi_cap_len(d) > PCI_CFG_SIZE - d->msi.cap)
        d->msi.cap = 0; /* runs off the space: not a capability kqvm can emulate */
    if (!d->msix.cap)
        return true;
    uint64_t table_len = (uint64_t)d->msix.size * MSIX_ENTRY_SIZE;
    uint64_t pba_len = (d->msix.size + 63) / 64 * 8;
    if (d->msix.table_bar >= PCI_NUM_BARS || d->msix.pba_bar >= PCI_NUM_BARS ||
        !in_range(d->msix.table_off, 1, 0, desc->bar[d->msix.table_bar].size) ||
        table_len > desc->bar[d->msix.table_bar].size - d->msix.table_off ||
        !in_range(d->msix.pba_off, 1, 0, desc->bar[d->msix.pba_bar].size) ||
        pba_len > desc->bar[d->msix.pba_bar].size - d->msix.pba_off ||
        d->msix.size > MSIX_MAX_VECTORS) {
        log_error("%s: its MSI-X capability (%u vectors, table in BAR%u at 0x%" PRIx64
                  ", PBA in BAR%u at 0x%" PRIx64 ") does not fit its BARs",
                  d->label, d->msix.size, d->msix.table_bar, d->msix.table_off, d->msix.pba_bar,
                  d->msix.pba_off);
        return false;
    }
    d->msix.host = d->msix.size < desc->msix_vectors ? d->msix.size : desc->msix_vectors;
    if (d->msix.host < d->msix.size)
        log_warn("%s: MSI-X has %u vectors, the host gives kqvm %u: the others never fire",
                 d->label, d->msix.size, d->msix.host);
    d->msix.entry = calloc(d->msix.size, sizeof(*d->msix.entry));
    d->msix.pending = calloc((d->msix.size + 63) / 64, sizeof(uint64_t));
    if (!d->msix.entry || !d->msix.pending)
        return false;
    for (unsigned v = 0; v < d->msix.size; v++)
        d->msix.entry[v].word[3] = PCI_MSIX_ENTRY_CTRL_MASKBIT; /* masked at reset */
    return true;
}

/* kqvm's registers: values from the device where the guest should see
 * them, the writable bits, and which bytes are emulated. */
static void virtualise(struct vfio_pci *d, const struct vfio_pci_desc *desc, const uint8_t *raw)
{
    struct pci_config *c = &d->fn.cfg;
    pci_config_set_wmask(c, PCI_COMMAND, 2,
                         PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                             PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    emulate(d, PCI_COMMAND, 2);
    emulate(d, PCI_BASE_ADDRESS_0, 4 * PCI_NUM_BARS);
    emulate(d, PCI_ROM_ADDRESS, 4); /* no ROM: reads 0, ignores writes */
    pci_config_set(c, PCI_INTERRUPT_PIN, 1, desc->intx ? raw[PCI_INTERRUPT_PIN] : 0);
    pci_config_set(c, PCI_INTERRUPT_LINE, 1, desc->intx ? desc->intx_line : 0xff);
    pci_config_set_wmask(c, PCI_INTERRUPT_LINE, 1, 0xff);
    emulate(d, PCI_INTERRUPT_LINE, 2);
    pci_config_set(c, PCI_CAPABILITY_LIST, 1, raw[PCI_CAPABILITY_LIST]);
    emulate(d, PCI_CAPABILITY_LIST, 1);
    if (d->msi.cap) {
        unsigned cap = d->msi.cap, len = msi_cap_len(d);
        memcpy(c->v + cap, raw + cap, 2); /* ID and next */
        uint16_t control = (uint16_t)get_le(raw + cap + PCI_MSI_FLAGS, 2);
        control &= PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT;
        /* what the guest may ask for: what VFIO can give */
        unsigned log2 = 0;
        while ((2u << log2) <= d->msi.vectors)
            log2++;
        control |= (uint16_t)(log2 << 1);
        pci_config_set(c, cap + PCI_MSI_FLAGS, 2, control);
        pci_config_set_wmask(c, cap + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE);
        pci_config_set_wmask(c, cap + PCI_MSI_ADDRESS_LO, 4, 0xfffffffcu);
        if (d->msi.is64)
            pci_config_set_wmask(c, cap + PCI_MSI_ADDRESS_HI, 4, 0xffffffffu);
        pci_config_set_wmask(c, msi_data_reg(d), 2, 0xffff);
        if (d->msi.maskable)
            pci_config_set_wmask(c, msi_mask_reg(d), 4,
                                 d->msi.vectors >= 32 ? 0xffffffffu
                                                      : (1u << d->msi.vectors) - 1);
        emulate(d, cap, len);
    }
    if (d->msix.cap) {
        unsigned cap = d->msix.cap;
        memcpy(c->v + cap, raw + cap, PCI_CAP_MSIX_SIZEOF);
        uint16_t control = (uint16_t)get_le(raw + cap + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_QSIZE;
        pci_config_set(c, cap + PCI_MSIX_FLAGS, 2, control);
        pci_config_set_wmask(c, cap + PCI_MSIX_FLAGS, 2,
                             PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
        emulate(d, cap, PCI_CAP_MSIX_SIZEOF);
    }
}

struct pci_function *vfio_pci_create(const struct vfio_pci_desc *desc,
                                     const struct vfio_pci_ops *ops, void *dev,
                                     const struct pci_bus_env *env)
{
    struct vfio_pci *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->ops = ops;
    d->dev = dev;
    d->env = env;
    snprintf(d->label, sizeof(d->label), "%s", desc->label);
    d->fn.name = d->label;
    d->fn.ops = &vfio_function_ops;
    uint8_t raw[PCI_CFG_SIZE];
    if (!ops->cfg_read(dev, 0, raw, sizeof(raw))) {
        log_error("%s: cannot read the device's configuration space", d->label);
        free(d);
        return NULL;
    }
    if (!find_caps(d, desc, raw) || !declare_bars(d, desc, raw)) {
        free_function(d);
        return NULL;
    }
    virtualise(d, desc, raw);
    return &d->fn;
}
