/* The emulated configuration space of a PCI function: register values, the
 * bits a guest may write, the bits it clears by writing 1; BARs declared so
 * that the usual sizing works; the capability list. PCI Local Bus 3.0,
 * chapter 6. */
#include "pci/pci.h"

#include <linux/pci_regs.h>

static bool in_space(unsigned off, unsigned size)
{
    return (size == 1 || size == 2 || size == 4) && off < PCI_CFG_SIZE &&
           size <= PCI_CFG_SIZE - off;
}

static uint32_t get_bytes(const uint8_t *a, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = size; i-- > 0;)
        v = v << 8 | a[off + i];
    return v;
}

static void set_bytes(uint8_t *a, unsigned off, unsigned size, uint32_t v)
{
    for (unsigned i = 0; i < size; i++, v >>= 8)
        a[off + i] = (uint8_t)v;
}

uint32_t pci_config_get(const struct pci_config *c, unsigned off, unsigned size)
{
    return in_space(off, size) ? get_bytes(c->v, off, size) : 0;
}

void pci_config_set(struct pci_config *c, unsigned off, unsigned size, uint32_t v)
{
    if (in_space(off, size))
        set_bytes(c->v, off, size, v);
}

void pci_config_set_wmask(struct pci_config *c, unsigned off, unsigned size, uint32_t mask)
{
    if (in_space(off, size))
        set_bytes(c->wmask, off, size, mask);
}

void pci_config_set_w1c(struct pci_config *c, unsigned off, unsigned size, uint32_t mask)
{
    if (in_space(off, size))
        set_bytes(c->w1c, off, size, mask);
}

void pci_config_write(struct pci_config *c, unsigned off, unsigned size, uint32_t v)
{
    if (!in_space(off, size))
        return;
    for (unsigned i = 0; i < size; i++, v >>= 8) {
        uint8_t b = (uint8_t)v, wm = c->wmask[off + i], w1c = c->w1c[off + i];
        c->v[off + i] = (uint8_t)(((c->v[off + i] & ~wm) | (b & wm)) & ~(b & w1c));
    }
}

void pci_config_init(struct pci_config *c, uint16_t vendor, uint16_t device, uint32_t class_code,
                     uint8_t revision)
{
    *c = (struct pci_config){ 0 };
    pci_config_set(c, PCI_VENDOR_ID, 2, vendor);
    pci_config_set(c, PCI_DEVICE_ID, 2, device);
    pci_config_set(c, PCI_CLASS_REVISION, 4, class_code << 8 | revision);
    pci_config_set_wmask(c, PCI_COMMAND, 2,
                         PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                             PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
    pci_config_set_w1c(c, PCI_STATUS, 2,
                       PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
                           PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
                           PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
    pci_config_set_wmask(c, PCI_CACHE_LINE_SIZE, 1, 0xff);
    pci_config_set_wmask(c, PCI_LATENCY_TIMER, 1, 0xff);
    pci_config_set_wmask(c, PCI_INTERRUPT_LINE, 1, 0xff);
}

static bool is_pow2(uint64_t v)
{
    return v && !(v & (v - 1));
}

bool pci_config_declare_bar(struct pci_config *c, const struct pci_bar *bars, unsigned n)
{
    const struct pci_bar *b = &bars[n];
    unsigned reg = PCI_BASE_ADDRESS_0 + 4 * n;
    if (n >= PCI_NUM_BARS)
        return false;
    switch (b->kind) {
    case PCI_BAR_NONE:
        return true;
    case PCI_BAR_IO:
        /* I/O space is 64 KiB on x86; PCI allows at most 256 bytes per BAR */
        if (!is_pow2(b->size) || b->size < 4 || b->size > 256)
            return false;
        pci_config_set(c, reg, 4, PCI_BASE_ADDRESS_SPACE_IO);
        pci_config_set_wmask(c, reg, 4, (uint32_t)~(b->size - 1) & 0xfffcu);
        return true;
    case PCI_BAR_MEM32:
        if (!is_pow2(b->size) || b->size < 16 || b->size > UINT64_C(0x80000000))
            return false;
        pci_config_set(c, reg, 4, b->prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
        pci_config_set_wmask(c, reg, 4, (uint32_t)~(b->size - 1) & 0xfffffff0u);
        return true;
    case PCI_BAR_MEM64: {
        if (!is_pow2(b->size) || b->size < 16 || n == PCI_NUM_BARS - 1 ||
            bars[n + 1].kind != PCI_BAR_NONE)
            return false;
        uint64_t mask = ~(b->size - 1);
        pci_config_set(c, reg, 4,
                       PCI_BASE_ADDRESS_MEM_TYPE_64 |
                           (b->prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0));
        pci_config_set_wmask(c, reg, 4, (uint32_t)mask & 0xfffffff0u);
        pci_config_set(c, reg + 4, 4, 0);
        pci_config_set_wmask(c, reg + 4, 4, (uint32_t)(mask >> 32));
        return true;
    }
    }
    return false;
}

uint64_t pci_config_bar_addr(const struct pci_config *c, const struct pci_bar *bars, unsigned n)
{
    unsigned reg = PCI_BASE_ADDRESS_0 + 4 * n;
    if (n >= PCI_NUM_BARS)
        return 0;
    switch (bars[n].kind) {
    case PCI_BAR_IO:
        return pci_config_get(c, reg, 4) & ~UINT32_C(3);
    case PCI_BAR_MEM32:
        return pci_config_get(c, reg, 4) & ~UINT32_C(15);
    case PCI_BAR_MEM64:
        return (uint64_t)pci_config_get(c, reg + 4, 4) << 32 |
               (pci_config_get(c, reg, 4) & ~UINT32_C(15));
    case PCI_BAR_NONE:
        break;
    }
    return 0;
}

void pci_config_set_bar_addr(struct pci_config *c, const struct pci_bar *bars, unsigned n,
                             uint64_t addr)
{
    unsigned reg = PCI_BASE_ADDRESS_0 + 4 * n;
    if (n >= PCI_NUM_BARS || bars[n].kind == PCI_BAR_NONE)
        return;
    unsigned low_bits = bars[n].kind == PCI_BAR_IO ? 3 : 15;
    uint32_t type = pci_config_get(c, reg, 4) & low_bits;
    pci_config_set(c, reg, 4, ((uint32_t)addr & ~low_bits) | type);
    if (bars[n].kind == PCI_BAR_MEM64)
        pci_config_set(c, reg + 4, 4, (uint32_t)(addr >> 32));
}

bool pci_config_add_cap(struct pci_config *c, uint8_t id, unsigned off, unsigned len)
{
    if (off < 0x40 || off % 4 || len < 2 || off >= PCI_CFG_SIZE || len > PCI_CFG_SIZE - off)
        return false;
    /* the end of the list: follow it from register 0x34 (at most 48 entries) */
    unsigned link = PCI_CAPABILITY_LIST;
    for (unsigned i = 0; i < 48 && c->v[link]; i++)
        link = c->v[link] + PCI_CAP_LIST_NEXT;
    if (c->v[link])
        return false;
    c->v[link] = (uint8_t)off;
    c->v[off + PCI_CAP_LIST_ID] = id;
    c->v[off + PCI_CAP_LIST_NEXT] = 0;
    c->v[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    return true;
}
