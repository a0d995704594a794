#include "acpi.h"

#include "kstring.h"

static const struct acpi_rsdp *rsdp;
static const struct acpi_sdt_header *root;
static unsigned root_entry_size; /* 8 (XSDT) or 4 (RSDT) */
static const char *err = "acpi_init has not run";

const char *acpi_error(void)
{
    return err;
}

const struct acpi_rsdp *acpi_rsdp(void)
{
    return rsdp;
}

const struct acpi_sdt_header *acpi_root(void)
{
    return root;
}

int acpi_checksum_ok(const void *table, uint32_t length)
{
    const volatile uint8_t *p = table;
    uint8_t sum = 0;
    for (uint32_t i = 0; i < length; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum == 0;
}

/* Tables must be mapped: the boot page tables cover 0-4 GiB. */
static int addr_ok(uint64_t addr, uint64_t len)
{
    return addr >= 0x1000 && addr < 0x100000000ull && len <= 0x100000000ull - addr;
}

static int fail(const char *why)
{
    err = why;
    return -1;
}

int acpi_init(const struct kqvm_boot_info *bi)
{
    rsdp = NULL;
    root = NULL;
    if (!bi->rsdp)
        return fail("boot info rsdp is 0: no ACPI tables");
    if (!addr_ok(bi->rsdp, sizeof(struct acpi_rsdp)))
        return fail("boot info rsdp is not below 4 GiB");
    const struct acpi_rsdp *r = (const struct acpi_rsdp *)(uintptr_t)bi->rsdp;
    if (memcmp(r->signature, "RSD PTR ", 8) != 0)
        return fail("no 'RSD PTR ' signature at boot info rsdp");
    if (!acpi_checksum_ok(r, 20))
        return fail("RSDP checksum (first 20 bytes) is wrong");
    const struct acpi_sdt_header *t;
    if (r->revision >= 2) {
        if (r->length < 36 || !acpi_checksum_ok(r, r->length))
            return fail("RSDP extended checksum or length is wrong");
        if (!r->xsdt_address || !addr_ok(r->xsdt_address, sizeof(*t)))
            return fail("RSDP revision 2 without a usable XSDT address");
        t = (const struct acpi_sdt_header *)(uintptr_t)r->xsdt_address;
        if (memcmp(t->signature, "XSDT", 4) != 0)
            return fail("the RSDP's XSDT address holds no 'XSDT'");
        root_entry_size = 8;
    } else {
        if (!r->rsdt_address || !addr_ok(r->rsdt_address, sizeof(*t)))
            return fail("RSDP revision 0 without an RSDT address");
        t = (const struct acpi_sdt_header *)(uintptr_t)r->rsdt_address;
        if (memcmp(t->signature, "RSDT", 4) != 0)
            return fail("the RSDP's RSDT address holds no 'RSDT'");
        root_entry_size = 4;
    }
    if (t->length < sizeof(*t) || !addr_ok((uintptr_t)t, t->length))
        return fail("root table length is wrong");
    if (!acpi_checksum_ok(t, t->length))
        return fail("root table (XSDT/RSDT) checksum is wrong");
    rsdp = r;
    root = t;
    err = "no error";
    return 0;
}

unsigned acpi_root_entries(void)
{
    if (!root)
        return 0;
    return (unsigned)((root->length - sizeof(*root)) / root_entry_size);
}

const struct acpi_sdt_header *acpi_root_entry(unsigned i)
{
    if (i >= acpi_root_entries())
        return NULL;
    const uint8_t *p = (const uint8_t *)(root + 1) + (uint64_t)i * root_entry_size;
    uint64_t a;
    if (root_entry_size == 8)
        memcpy(&a, p, 8); /* XSDT entries are not 8-byte aligned */
    else {
        uint32_t a32;
        memcpy(&a32, p, 4);
        a = a32;
    }
    if (!addr_ok(a, sizeof(struct acpi_sdt_header)))
        return NULL;
    return (const struct acpi_sdt_header *)(uintptr_t)a;
}

const struct acpi_sdt_header *acpi_find(const char sig[4], unsigned index)
{
    unsigned n = acpi_root_entries();
    for (unsigned i = 0; i < n; i++) {
        const struct acpi_sdt_header *t = acpi_root_entry(i);
        if (!t || memcmp(t->signature, sig, 4) != 0)
            continue;
        if (index--)
            continue;
        if (t->length < sizeof(*t) || !addr_ok((uintptr_t)t, t->length) ||
            !acpi_checksum_ok(t, t->length)) {
            err = "a table's length or checksum is wrong";
            return NULL;
        }
        return t;
    }
    err = "no such table";
    return NULL;
}

/* MADT entry types */
#define MADT_LAPIC          0
#define MADT_IOAPIC         1
#define MADT_ISO            2
#define MADT_LAPIC_NMI      4
#define MADT_LAPIC_OVERRIDE 5

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int acpi_parse_madt(struct acpi_madt_info *m)
{
    memset(m, 0, sizeof(*m));
    const struct acpi_sdt_header *t = acpi_find("APIC", 0);
    if (!t)
        return fail("no MADT ('APIC') in the root table, or a bad checksum");
    if (t->length < sizeof(*t) + 8)
        return fail("MADT shorter than its fixed part");
    const uint8_t *base = (const uint8_t *)t;
    m->lapic_address = get32(base + 36);
    m->flags = get32(base + 40);
    uint32_t off = 44;
    while (off < t->length) {
        if (t->length - off < 2)
            return fail("MADT ends inside an entry header");
        const uint8_t *e = base + off;
        uint8_t type = e[0], len = e[1];
        if (len < 2 || len > t->length - off)
            return fail("MADT entry length runs past the table (or is < 2)");
        switch (type) {
        case MADT_LAPIC:
            if (len < 8)
                return fail("MADT processor local APIC entry shorter than 8");
            if (m->ncpus < ACPI_MAX_CPUS)
                m->cpus[m->ncpus++] = (struct acpi_cpu){ e[2], e[3], get32(e + 4) };
            else
                m->ntruncated++;
            break;
        case MADT_IOAPIC:
            if (len < 12)
                return fail("MADT I/O APIC entry shorter than 12");
            if (m->nioapics < ACPI_MAX_IOAPICS)
                m->ioapics[m->nioapics++] = (struct acpi_ioapic){ e[2], get32(e + 4), get32(e + 8) };
            else
                m->ntruncated++;
            break;
        case MADT_ISO:
            if (len < 10)
                return fail("MADT interrupt source override shorter than 10");
            if (m->nisos < ACPI_MAX_ISOS)
                m->isos[m->nisos++] = (struct acpi_iso){ e[2], e[3], get32(e + 4), get16(e + 8) };
            else
                m->ntruncated++;
            break;
        case MADT_LAPIC_NMI:
            if (len < 6)
                return fail("MADT local APIC NMI entry shorter than 6");
            if (m->nnmis < ACPI_MAX_LAPIC_NMIS)
                m->nmis[m->nnmis++] = (struct acpi_lapic_nmi){ e[2], get16(e + 3), e[5] };
            else
                m->ntruncated++;
            break;
        case MADT_LAPIC_OVERRIDE:
            if (len < 12)
                return fail("MADT local APIC address override shorter than 12");
            m->lapic_address = (uint64_t)get32(e + 4) | (uint64_t)get32(e + 8) << 32;
            break;
        default:
            m->nother++;
            break;
        }
        off += len;
    }
    err = "no error";
    return 0;
}

uint32_t acpi_isa_irq_gsi(const struct acpi_madt_info *m, unsigned irq)
{
    for (unsigned i = 0; i < m->nisos; i++)
        if (m->isos[i].bus == 0 && m->isos[i].source == irq)
            return m->isos[i].gsi;
    return irq;
}

const struct acpi_ioapic *acpi_ioapic_for_gsi(const struct acpi_madt_info *m, uint32_t gsi,
                                              const unsigned *pins)
{
    for (unsigned i = 0; i < m->nioapics; i++) {
        unsigned n = pins ? pins[i] : 24;
        if (gsi >= m->ioapics[i].gsi_base && gsi - m->ioapics[i].gsi_base < n)
            return &m->ioapics[i];
    }
    return NULL;
}

const struct acpi_fadt *acpi_fadt(void)
{
    const struct acpi_sdt_header *t = acpi_find("FACP", 0);
    if (t && t->length < 116) {
        err = "FADT shorter than 116 bytes";
        return NULL;
    }
    return (const struct acpi_fadt *)t;
}

const struct acpi_sdt_header *acpi_dsdt(void)
{
    const struct acpi_fadt *f = acpi_fadt();
    if (!f)
        return NULL;
    uint64_t a = f->dsdt;
    if (f->h.length >= 148 && f->x_dsdt)
        a = f->x_dsdt;
    if (!a || !addr_ok(a, sizeof(struct acpi_sdt_header))) {
        err = "the FADT has no usable DSDT address";
        return NULL;
    }
    const struct acpi_sdt_header *d = (const struct acpi_sdt_header *)(uintptr_t)a;
    if (memcmp(d->signature, "DSDT", 4) != 0 || d->length < sizeof(*d) ||
        !addr_ok(a, d->length) || !acpi_checksum_ok(d, d->length)) {
        err = "the FADT's DSDT address holds no valid DSDT";
        return NULL;
    }
    return d;
}

uint64_t acpi_hpet_base(const struct acpi_hpet_table **table)
{
    const struct acpi_sdt_header *t = acpi_find("HPET", 0);
    if (!t || t->length < sizeof(struct acpi_hpet_table)) {
        if (t)
            err = "HPET table shorter than 56 bytes";
        return 0;
    }
    const struct acpi_hpet_table *h = (const struct acpi_hpet_table *)t;
    if (table)
        *table = h;
    return h->base.address;
}
