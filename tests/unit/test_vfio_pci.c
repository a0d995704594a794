/* PCI pass-through without a device: the configuration-space
 * virtualisation and the MSI/MSI-X emulation (src/pass/vfio_pci.c) on the
 * guest's PCI bus (src/pci/) against a fake VFIO device, and the IOMMU
 * group checks (src/pass/vfio_sysfs.c) against a fake sysfs tree. */
#include "unit.h"

#include "pass/vfio.h"
#include "pass/vfio_pci.h"
#include "pci/pci.h"

#include <linux/pci_regs.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the fake device ---- */

#define DEVFN PCI_DEVFN(3, 0)
#define MMIO_BASE UINT64_C(0xc0000000)
#define IO_BASE 0xc000u

static struct fake {
    uint8_t cfg[PCI_CFG_SIZE];
    unsigned cfg_writes;
    unsigned last_write_off, last_write_len;
    unsigned vectors_index, vectors_count, set_vectors_calls;
    bool intx_on, stopped;
    uint8_t bar0[0x1000], bar2[0x4000];
    /* the bus's environment */
    unsigned slots_set, slots_removed;
    uint64_t slot_gpa[128], slot_len[128];
    unsigned msis;
    uint64_t msi_address;
    uint32_t msi_data;
} fk;

static void put(unsigned off, unsigned size, uint32_t v)
{
    for (unsigned i = 0; i < size; i++, v >>= 8)
        fk.cfg[off + i] = (uint8_t)v;
}

static bool fake_cfg_read(void *dev, unsigned off, void *buf, unsigned len)
{
    (void)dev;
    memcpy(buf, fk.cfg + off, len);
    return true;
}

static bool fake_cfg_write(void *dev, unsigned off, const void *buf, unsigned len)
{
    (void)dev;
    fk.cfg_writes++;
    fk.last_write_off = off;
    fk.last_write_len = len;
    memcpy(fk.cfg + off, buf, len);
    return true;
}

static bool fake_bar_read(void *dev, unsigned bar, uint64_t off, void *buf, unsigned len)
{
    (void)dev, (void)bar, (void)off;
    memset(buf, 0x5a, len);
    return true;
}

static bool fake_bar_write(void *dev, unsigned bar, uint64_t off, const void *buf, unsigned len)
{
    (void)dev, (void)bar, (void)off, (void)buf, (void)len;
    return true;
}

static bool fake_set_vectors(void *dev, unsigned index, unsigned count)
{
    (void)dev;
    fk.set_vectors_calls++;
    fk.vectors_index = index;
    fk.vectors_count = count;
    return true;
}

static void fake_intx(void *dev, bool on)
{
    (void)dev;
    fk.intx_on = on;
}

static void fake_stop(void *dev)
{
    (void)dev;
    fk.stopped = true;
}

static const struct vfio_pci_ops fake_ops = {
    .cfg_read = fake_cfg_read, .cfg_write = fake_cfg_write,
    .bar_read = fake_bar_read, .bar_write = fake_bar_write,
    .set_vectors = fake_set_vectors, .intx = fake_intx, .stop = fake_stop,
};

static bool env_set_slot(void *vm, unsigned slot, uint64_t gpa, uint64_t length, void *host)
{
    (void)vm, (void)host;
    if (slot >= 128)
        return false;
    if (length)
        fk.slots_set++;
    else
        fk.slots_removed++;
    fk.slot_gpa[slot] = gpa;
    fk.slot_len[slot] = length;
    return true;
}

static bool env_send_msi(void *vm, uint64_t address, uint32_t data)
{
    (void)vm;
    fk.msis++;
    fk.msi_address = address;
    fk.msi_data = data;
    return true;
}

/* A device like a small NIC: BAR0 4 KiB memory, BAR1 32 I/O ports, BAR2-3
 * a 16 KiB 64-bit prefetchable BAR holding the MSI-X table (page 0) and PBA;
 * MSI (64-bit, per-vector masking, 2 vectors) at 0x40, MSI-X (4 vectors)
 * at 0x58, INTA. */
static struct pci_bus *make_bus(struct pci_function **out)
{
    memset(&fk, 0, sizeof(fk));
    fk.intx_on = true;
    put(PCI_VENDOR_ID, 2, 0x8086);
    put(PCI_DEVICE_ID, 2, 0x10d3);
    put(PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
    put(PCI_CLASS_REVISION, 4, 0x02000000);
    put(PCI_BASE_ADDRESS_0, 4, 0xfeb00000);
    put(PCI_BASE_ADDRESS_1, 4, 0x0000e001);
    put(PCI_BASE_ADDRESS_2, 4, 0xfeb0400c);
    put(PCI_INTERRUPT_PIN, 1, 1);
    put(PCI_CAPABILITY_LIST, 1, 0x40);
    put(0x40, 1, PCI_CAP_ID_MSI);
    put(0x41, 1, 0x58);
    put(0x42, 2, PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT | 1u << 1);
    put(0x58, 1, PCI_CAP_ID_MSIX);
    put(0x59, 1, 0);
    put(0x5a, 2, 3); /* 4 entries */
    put(0x5c, 4, 2);          /* table: BAR2 offset 0 */
    put(0x60, 4, 0x800 | 2);  /* PBA: BAR2 offset 0x800 */
    static const struct pci_bus_env env = {
        .set_slot = env_set_slot, .send_msi = env_send_msi, .first_slot = 10, .nslots = 16,
        .mmio_base = MMIO_BASE, .mmio_size = 0x20000000, .io_base = IO_BASE, .io_size = 0x4000,
    };
    struct vfio_pci_desc desc = { .label = "pass pci:0:3.0 (fake)", .msi_vectors = 2,
                                  .msix_vectors = 4, .intx = true, .intx_line = 11 };
    desc.bar[0].size = 0x1000;
    desc.bar[0].areas[0] = (struct pci_bar_map){ 0, 0x1000, fk.bar0 };
    desc.bar[0].nareas = 1;
    desc.bar[1].size = 0x20;
    desc.bar[2].size = 0x4000;
    desc.bar[2].areas[0] = (struct pci_bar_map){ 0, 0x4000, fk.bar2 };
    desc.bar[2].nareas = 1;
    struct pci_bus *b = pci_bus_create(&env);
    assert_non_null(b);
    assert_true(pci_host_bridge_add(b));
    struct pci_function *f = vfio_pci_create(&desc, &fake_ops, NULL, pci_bus_env(b));
    assert_non_null(f);
    assert_true(pci_bus_add(b, f, DEVFN));
    *out = f;
    return b;
}

static uint32_t rd(struct pci_bus *b, unsigned off, unsigned size)
{
    return pci_bus_cfg_read(b, DEVFN, off, size);
}

static void wr(struct pci_bus *b, unsigned off, unsigned size, uint32_t v)
{
    pci_bus_cfg_write(b, DEVFN, off, size, v);
}

/* ---- configuration space ---- */

static void test_identity_from_device(void **state)
{
    (void)state;
    struct pci_function *f;
    struct pci_bus *b = make_bus(&f);
    assert_int_equal(rd(b, PCI_VENDOR_ID, 4), 0x10d38086);
    assert_int_equal(rd(b, PCI_CLASS_REVISION, 4), 0x02000000);
    assert_int_equal(rd(b, PCI_INTERRUPT_PIN, 1), 1);
    assert_int_equal(rd(b, PCI_INTERRUPT_LINE, 1), 11);
    assert_int_equal(rd(b, PCI_ROM_ADDRESS, 4), 0); /* no ROM */
    /* the host's BAR addresses never show */
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_0, 4), 0);
    /* the host bridge at 0:0.0 */
    assert_int_equal(pci_bus_cfg_read(b, 0, PCI_CLASS_DEVICE, 2), 0x0600);
    assert_int_equal(pci_bus_cfg_read(b, PCI_DEVFN(5, 0), PCI_VENDOR_ID, 2), 0xffff);
    pci_bus_destroy(b);
    assert_true(fk.stopped);
}

static void test_bar_sizing(void **state)
{
    (void)state;
    struct pci_function *f;
    struct pci_bus *b = make_bus(&f);
    for (unsigned n = 0; n < 4; n++)
        wr(b, PCI_BASE_ADDRESS_0 + 4 * n, 4, 0xffffffff);
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_0, 4), 0xfffff000);
    /* the I/O bit stays; x86 I/O space is 16-bit, as many devices decode it */
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_1, 4), 0xffe1);
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_2, 4), 0xffffc00c); /* 64-bit, prefetchable */
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_3, 4), 0xffffffff);
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_4, 4), 0); /* the 64-bit BAR's upper half is 3 */
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_5, 4), 0);
    wr(b, PCI_ROM_ADDRESS, 4, 0xffffffff);
    assert_int_equal(rd(b, PCI_ROM_ADDRESS, 4), 0);
    /* BARs are kqvm's: the device's own registers were never written */
    assert_int_equal(fk.cfg[PCI_BASE_ADDRESS_0 + 3], 0xfe);
    pci_bus_destroy(b);
}

static void test_placement_and_relocation(void **state)
{
    (void)state;
    struct pci_function *f;
    struct pci_bus *b = make_bus(&f);
    assert_true(pci_bus_assign(b));
    /* largest first: BAR2 (16 KiB) at the window's base, then BAR0 */
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_2, 4), (uint32_t)MMIO_BASE | 0xc);
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_0, 4), (uint32_t)MMIO_BASE + 0x4000);
    assert_int_equal(rd(b, PCI_BASE_ADDRESS_1, 4), IO_BASE | 1);
    assert_int_equal(rd(b, PCI_COMMAND, 2) & 3, PCI_COMMAND_IO | PCI_COMMAND_MEMORY);
    /* BAR0 whole; BAR2 less its first page (the MSI-X table and PBA) */
    assert_int_equal(fk.slots_set, 2);
    bool bar0 = false, bar2 = false;
    for (unsigned s = 10; s < 26; s++) {
        bar0 |= fk.slot_gpa[s] == MMIO_BASE + 0x4000 && fk.slot_len[s] == 0x1000;
        bar2 |= fk.slot_gpa[s] == MMIO_BASE + 0x1000 && fk.slot_len[s] == 0x3000;
    }
    assert_true(bar0);
    assert_true(bar2);
    /* the guest moves BAR0: its slot follows */
    wr(b, PCI_BASE_ADDRESS_0, 4, (uint32_t)MMIO_BASE + 0x100000);
    assert_int_equal(fk.slots_removed, 1);
    assert_int_equal(fk.slots_set, 3);
    bool moved = false;
    for (unsigned s = 10; s < 26; s++)
        moved |= fk.slot_gpa[s] == MMIO_BASE + 0x100000 && fk.slot_len[s] == 0x1000;
    assert_true(moved);
    /* outside the window, or over BAR2: not decoded, no slot */
    wr(b, PCI_BASE_ADDRESS_0, 4, 0x10000000);
    assert_int_equal(fk.slots_removed, 2);
    wr(b, PCI_BASE_ADDRESS_0, 4, (uint32_t)MMIO_BASE);
    assert_int_equal(fk.slots_set, 3);
    /* memory decoding off: every slot goes */
    wr(b, PCI_COMMAND, 2, PCI_COMMAND_IO);
    assert_int_equal(fk.slots_removed, 3);
    pci_bus_destroy(b);
}

static void test_command_register(void **state)
{
    (void)state;
    struct pci_function *f;
    struct pci_bus *b = make_bus(&f);
    wr(b, PCI_COMMAND, 2, 0xffff);
    uint16_t writable = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
                        PCI_COMMAND_PARITY | PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE;
    assert_int_equal(rd(b, PCI_COMMAND, 2), writable);
    /* and the device saw the write (VFIO filters what it may not do) */
    assert_int_equal(fk.cfg[PCI_COMMAND], 0xff);
    /* the status register is the device's */
    assert_int_equal(rd(b, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
    /* read-only emulated bits: the pin, the capability pointer */
    wr(b, PCI_INTERRUPT_LINE, 2, 0x0405);
    assert_int_equal(rd(b, PCI_INTERRUPT_LINE, 2), 0x0105);
    wr(b, PCI_CAPABILITY_LIST, 1, 0x80);
    assert_int_equal(rd(b, PCI_CAPABILITY_LIST, 1), 0x40);
    pci_bus_destroy(b);
}

static void test_hostile_accesses(void **state)
{
    (void)state;
    struct pci_function *f;
    struct pci_bus *b = make_bus(&f);
    unsigned writes = fk.cfg_writes;
    /* across a dword, an odd length, beyond the space */
    f->ops->cfg_write(f, 0x3e, 4, 0xffffffff);
    f->ops->cfg_write(f, 0x44, 3, 0xffffffff);
    f->ops->cfg_write(f, 0x100, 4, 0xffffffff);
    f->ops->cfg_write(f, UINT32_MAX, 1, 0xff);
    wr(b, 0x1000, 4, 0xffffffff);
    wr(b, 0xfe, 4, 0xffffffff);
    assert_int_equal(fk.cfg_writes, writes);
    assert_int_equal(f->ops->cfg_read(f, 0x3f, 2), 0xffffffff);
    assert_int_equal(f->ops->cfg_read(f, 0x200, 4), 0xffffffff);
    assert_int_equal(rd(b, 0xfff, 1), 0xff);
    /* MSI-X table: bytes and misaligned accesses are not taken */
    f->ops->bar_write(f, 2, 0x8, 2, 0xffff);
    f->ops->bar_write(f, 2, 0x6, 4, 0xffffffff);
    assert_int_equal(f->ops->bar_read(f, 2, 0x8, 4), 0);
    /* past the table of 4 entries: the device's bytes */
    assert_int_equal(f->ops->bar_read(f, 2, 0x40, 4), 0x5a5a5a5a);
    pci_bus_destroy(b);
}

/* ---- MSI and MSI-X ---- */

static void test_msi_route(void **state)
{
    (void)state;
    struct pci_function *f;
    struct pci_bus *b = make_bus(&f);
    /* the guest sees 2 vectors offered, 64-bit, maskable */
    uint16_t control = (uint16_t)rd(b, 0x42, 2);
    assert_int_equal(control & PCI_MSI_FLAGS_QMASK, 1u << 1);
    assert_true(control & PCI_MSI_FLAGS_64BIT);
    wr(b, 0x42, 2, 0); /* read-only bits stay */
    assert_int_equal(rd(b, 0x42, 2), control);
    wr(b, 0x44, 4, 0xfee01000);
    wr(b, 0x48, 4, 0);
    wr(b, 0x4c, 2, 0x40);
    vfio_pci_vector_fired(f, VFIO_PCI_IRQ_MSI, 0); /* not enabled: dropped */
    assert_int_equal(fk.msis, 0);
    wr(b, 0x42, 2, PCI_MSI_FLAGS_ENABLE | 1u << 4); /* 2 vectors */
    assert_int_equal(fk.vectors_index, VFIO_PCI_IRQ_MSI);
    assert_int_equal(fk.vectors_count, 2);
    assert_false(fk.intx_on);
    vfio_pci_vector_fired(f, VFIO_PCI_IRQ_MSI, 1);
    assert_int_equal(fk.msis, 1);
    assert_int_equal(fk.msi_address, 0xfee01000);
    assert_int_equal(fk.msi_data, 0x41);
    vfio_pci_vector_fired(f, VFIO_PCI_IRQ_MSI, 7); /* out of range: dropped */
    assert_int_equal(fk.msis, 1);
    /* masked: held pending, visible, sent on unmask */
    wr(b, 0x50, 4, 1);
    vfio_pci_vector_fired(f, VFIO_PCI_IRQ_MSI, 0);
    assert_int_equal(fk.msis, 1);
    assert_int_equal(rd(b, 0x54, 4), 1);
    wr(b, 0x50, 4, 0);
    assert_int_equal(fk.msis, 2);
    assert_int_equal(fk.msi_data, 0x40);
    assert_int_equal(rd(b, 0x54, 4), 0);
    /* MSI-X cannot go on beside MSI */
    wr(b, 0x5a, 2, PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(rd(b, 0x5a, 2) & PCI_MSIX_FLAGS_ENABLE, 0);
    /* off: vectors off at the host, INTx back */
    wr(b, 0x42, 2, 0);
    assert_int_equal(fk.vectors_count, 0);
    assert_true(fk.intx_on);
    pci_bus_destroy(b);
}

static void test_msix_routes(void **state)
{
    (void)state;
    struct pci_function *f;
    struct pci_bus *b = make_bus(&f);
    assert_int_equal(rd(b, 0x5a, 2), 3); /* table size stays read-only */
    /* entry 2: address, data, unmasked (a qword write, then dwords) */
    f->ops->bar_write(f, 2, 0x20, 8, 0xfee02000);
    f->ops->bar_write(f, 2, 0x28, 4, 0x51);
    f->ops->bar_write(f, 2, 0x2c, 4, 0);
    assert_int_equal(f->ops->bar_read(f, 2, 0x20, 4), 0xfee02000);
    assert_int_equal(f->ops->bar_read(f, 2, 0x3c, 4), PCI_MSIX_ENTRY_CTRL_MASKBIT);
    wr(b, 0x5a, 2, PCI_MSIX_FLAGS_ENABLE | 0x7ff);
    assert_int_equal(rd(b, 0x5a, 2), PCI_MSIX_FLAGS_ENABLE | 3);
    assert_int_equal(fk.vectors_index, VFIO_PCI_IRQ_MSIX);
    assert_int_equal(fk.vectors_count, 4);
    vfio_pci_vector_fired(f, VFIO_PCI_IRQ_MSIX, 2);
    assert_int_equal(fk.msis, 1);
    assert_int_equal(fk.msi_address, 0xfee02000);
    assert_int_equal(fk.msi_data, 0x51);
    /* entry 3 still masked: pending in the PBA; the unmask sends it */
    f->ops->bar_write(f, 2, 0x30, 4, 0xfee00000);
    f->ops->bar_write(f, 2, 0x38, 4, 0x61);
    vfio_pci_vector_fired(f, VFIO_PCI_IRQ_MSIX, 3);
    assert_int_equal(fk.msis, 1);
    assert_int_equal(f->ops->bar_read(f, 2, 0x800, 8), 1u << 3);
    f->ops->bar_write(f, 2, 0x3c, 4, 0xfffffffe); /* reserved bits do not stick */
    assert_int_equal(f->ops->bar_read(f, 2, 0x3c, 4), 0);
    assert_int_equal(fk.msis, 2);
    assert_int_equal(fk.msi_data, 0x61);
    assert_int_equal(f->ops->bar_read(f, 2, 0x800, 8), 0);
    /* function mask: held, then sent */
    wr(b, 0x5a, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    vfio_pci_vector_fired(f, VFIO_PCI_IRQ_MSIX, 2);
    assert_int_equal(fk.msis, 2);
    wr(b, 0x5a, 2, PCI_MSIX_FLAGS_ENABLE);
    assert_int_equal(fk.msis, 3);
    assert_int_equal(fk.msi_data, 0x51);
    /* PBA writes are ignored */
    f->ops->bar_write(f, 2, 0x800, 8, ~UINT64_C(0));
    assert_int_equal(f->ops->bar_read(f, 2, 0x800, 8), 0);
    wr(b, 0x5a, 2, 0);
    assert_int_equal(fk.vectors_count, 0);
    assert_true(fk.intx_on);
    pci_bus_destroy(b);
}

/* ---- the IOMMU group checks, on a fake sysfs ---- */

static char sysfs[64];

static void mkdirs(const char *rel)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", sysfs, rel);
    assert_int_equal(system(cmd), 0);
}

static void mklink(const char *target, const char *rel)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", sysfs, rel);
    unlink(path);
    assert_int_equal(symlink(target, path), 0);
}

static void mkfile(const char *rel, const char *text)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", sysfs, rel);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void make_sysfs(void)
{
    snprintf(sysfs, sizeof(sysfs), "/tmp/kqvm-test-sysfs.XXXXXX");
    assert_non_null(mkdtemp(sysfs));
    mkdirs("bus/pci/devices/0000:01:00.0");
    mkdirs("bus/pci/devices/0000:01:00.1");
    mkdirs("bus/pci/drivers/vfio-pci");
    mkdirs("bus/pci/drivers/snd_hda_intel");
    mkdirs("kernel/iommu_groups/7/devices");
    mkfile("bus/pci/devices/0000:01:00.0/vendor", "0x10de\n");
    mkfile("bus/pci/devices/0000:01:00.0/device", "0x1c82\n");
    mkfile("bus/pci/devices/0000:01:00.1/vendor", "0x10de\n");
    mkfile("bus/pci/devices/0000:01:00.1/device", "0x0fb9\n");
    mklink("../../../../kernel/iommu_groups/7", "bus/pci/devices/0000:01:00.0/iommu_group");
    mklink("../../../../bus/pci/drivers/vfio-pci", "bus/pci/devices/0000:01:00.0/driver");
    mklink("../../../../bus/pci/drivers/snd_hda_intel", "bus/pci/devices/0000:01:00.1/driver");
    mklink("../../../../bus/pci/devices/0000:01:00.0", "kernel/iommu_groups/7/devices/0000:01:00.0");
    mklink("../../../../bus/pci/devices/0000:01:00.1", "kernel/iommu_groups/7/devices/0000:01:00.1");
}

static void remove_sysfs(void)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", sysfs);
    assert_int_equal(system(cmd), 0);
}

static void test_sysfs_groups(void **state)
{
    (void)state;
    make_sysfs();
    char name[VFIO_NAME_MAX], err[512];
    struct guest_loc bdf = { .space = LOC_PCI_BDF, .has_domain = true, .bus = 1, .dev = 0 };
    assert_true(vfio_sysfs_find(sysfs, &bdf, name, err, sizeof(err)));
    assert_string_equal(name, "0000:01:00.0");
    struct guest_loc by_id = { .space = LOC_PCI_ID, .vid = 0x10de, .did = 0x0fb9 };
    assert_true(vfio_sysfs_find(sysfs, &by_id, name, err, sizeof(err)));
    assert_string_equal(name, "0000:01:00.1");
    by_id.index = 1;
    assert_false(vfio_sysfs_find(sysfs, &by_id, name, err, sizeof(err)));
    assert_non_null(strstr(err, "no PCI device 10de:0fb9 (index 1)"));
    struct guest_loc absent = { .space = LOC_PCI_BDF, .bus = 2 };
    assert_false(vfio_sysfs_find(sysfs, &absent, name, err, sizeof(err)));
    assert_non_null(strstr(err, "no PCI device 0000:02:00.0 on this host"));

    /* the other function of the group is still the host's */
    assert_int_equal(vfio_sysfs_group(sysfs, "0000:01:00.0", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "IOMMU group 7 of 0000:01:00.0 is not viable: 0000:01:00.1 in "
                                "the same group is bound to snd_hda_intel"));
    /* it is given to vfio-pci too: viable */
    mklink("../../../../bus/pci/drivers/vfio-pci", "bus/pci/devices/0000:01:00.1/driver");
    assert_int_equal(vfio_sysfs_group(sysfs, "0000:01:00.0", err, sizeof(err)), 7);
    /* or to no driver at all: viable */
    char path[256];
    snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:01:00.1/driver", sysfs);
    unlink(path);
    assert_int_equal(vfio_sysfs_group(sysfs, "0000:01:00.0", err, sizeof(err)), 7);
    /* the device itself on another driver, on none */
    assert_int_equal(vfio_sysfs_group(sysfs, "0000:01:00.1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "0000:01:00.1 is not bound to vfio-pci (it has no driver)"));
    mklink("../../../../bus/pci/drivers/snd_hda_intel", "bus/pci/devices/0000:01:00.1/driver");
    assert_int_equal(vfio_sysfs_group(sysfs, "0000:01:00.1", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "0000:01:00.1 is bound to snd_hda_intel, not vfio-pci"));
    /* no IOMMU */
    snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:01:00.0/iommu_group", sysfs);
    unlink(path);
    assert_int_equal(vfio_sysfs_group(sysfs, "0000:01:00.0", err, sizeof(err)), -1);
    assert_non_null(strstr(err, "0000:01:00.0 has no IOMMU group"));
    remove_sysfs();
}

/* ---- the syntax ---- */

static void test_pass_pci_syntax(void **state)
{
    (void)state;
    struct run *r = run_text("pass loc pci:0:3.0=pci:0000:01:00.0\n");
    assert_true(r->ok);
    const struct pass_spec *p = &r->f.vm.passes[0];
    assert_int_equal(p->host_kind, PASS_HOST_PCI);
    assert_true(p->host.has_domain);
    assert_int_equal(p->host.bus, 1);
    assert_true(r->f.vm.pci.present);
    r = run_text("pass loc pci:0000:00:03.0=pci:0000:01:00.0\n");
    assert_false(r->ok);
    assert_non_null(strstr(r->msgs, "pci:DOMAIN:BUS:DEV.FUNC names a host device"));
    r = run_text("pass loc pci:0:3.0=pci:0000:01:0g.0\n");
    assert_false(r->ok);
    assert_non_null(strstr(r->msgs, "expected pci:DOMAIN:BUS:DEV.FUNC"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_from_device),
        cmocka_unit_test(test_bar_sizing),
        cmocka_unit_test(test_placement_and_relocation),
        cmocka_unit_test(test_command_register),
        cmocka_unit_test(test_hostile_accesses),
        cmocka_unit_test(test_msi_route),
        cmocka_unit_test(test_msix_routes),
        cmocka_unit_test(test_sysfs_groups),
        cmocka_unit_test(test_pass_pci_syntax),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
