/* ACPI tables describing the machine the configuration built (x86): RSDP,
 * XSDT, FADT, FACS, DSDT, MADT and HPET, written into the boot data area
 * (docs/guest-abi.md). Guests find each I/O APIC at its configured address
 * and GSI base, each vCPU's local APIC, how to power off and reset, and in
 * the DSDT the UARTs and the keyboard controller with the resources the
 * configuration gave them (an OS then routes their interrupts as configured). */
#include "arch/x86/aml.h"
#include "arch/x86/x86.h"

#include "vdev/ioapic.h"

#include <stdio.h>
#include <string.h>

#define LAPIC_BASE 0xfee00000u
#define PM1A_EVT 0x600
#define PM1A_CNT 0x604
#define KBD_DATA 0x60
#define KBD_CMD 0x64
#define RTC_CENTURY 0x32

struct acpi_builder {
    uint8_t *base; /* host view of the table area */
    uint64_t gpa;  /* its guest address */
    size_t used, size;
    bool overflow;
};

static uint8_t *take(struct acpi_builder *b, size_t len, size_t align, uint64_t *gpa)
{
    size_t at = (b->used + align - 1) & ~(align - 1);
    if (at + len > b->size) {
        b->overflow = true;
        return NULL;
    }
    b->used = at + len;
    *gpa = b->gpa + at;
    memset(b->base + at, 0, len);
    return b->base + at;
}

static void put16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i];
    return (uint8_t)-sum;
}

/* The 36-byte header every table but the RSDP and FACS starts with. */
static void header(uint8_t *t, const char sig[4], uint32_t len, uint8_t revision)
{
    memcpy(t, sig, 4);
    put32(t + 4, len);
    t[8] = revision;
    memcpy(t + 10, "KQVM  ", 6);
    memcpy(t + 16, "KQVMMACH", 8);
    put32(t + 24, 1);
    memcpy(t + 28, "KQVM", 4);
    put32(t + 32, 1);
}

static void seal(uint8_t *t, uint32_t len)
{
    t[9] = 0;
    t[9] = checksum(t, len);
}

/* A Generic Address Structure: space 0 memory, 1 I/O. */
static void gas(uint8_t *p, uint8_t space, uint8_t bits, uint8_t access, uint64_t address)
{
    p[0] = space;
    p[1] = bits;
    p[2] = 0;
    p[3] = access;
    put64(p + 4, address);
}

static const struct vdev_spec *first_of(const struct vm_spec *vm, const char *type)
{
    for (unsigned i = 0; i < vm->nvdevs; i++)
        if (!strcmp(vm->vdevs[i].type->name, type))
            return &vm->vdevs[i];
    return NULL;
}

/* The interrupt an intr raises, as the guest numbers it: ISA IRQs (lines
 * 0-15 of the first I/O APIC or of the 8259; kqvm declares no interrupt
 * source overrides) or a GSI. Nothing for the local APIC. */
static void res_intr(struct aml *a, const struct vm_spec *vm, const struct intr_ref *r)
{
    for (unsigned i = 0; i < vm->ncontrollers; i++) {
        const struct controller_spec *c = &vm->controllers[i];
        if (c->vdev < 0 || strcmp(c->name, r->controller))
            continue;
        uint32_t gsi = r->line;
        if (c->type == &vdev_ioapic)
            gsi += ioapic_gsi_base(vm, &vm->vdevs[c->vdev]);
        if (gsi < 16)
            aml_res_isa_irq(a, gsi);
        else
            aml_res_gsi(a, gsi);
    }
}

/* Device (UAnn): a 16550 (PNP0501) at its loc, with its interrupt if it has one. */
static void dsdt_uart(struct aml *a, const struct vm_spec *vm, const struct vdev_spec *v,
                      unsigned n)
{
    uint8_t res[64], body[128];
    struct aml r = aml_on(res, sizeof(res)), d = aml_on(body, sizeof(body));
    if (v->loc.space == LOC_IO)
        aml_res_io(&r, (uint16_t)v->loc.addr, 8);
    else
        aml_res_mem32(&r, (uint32_t)v->loc.addr, 8);
    if (v->nintr)
        res_intr(&r, vm, &v->intr[0]);
    aml_res_end(&r);
    aml_name_eisaid(&d, "_HID", "PNP0501");
    aml_name_int(&d, "_UID", n + 1);
    aml_name_buffer(&d, "_CRS", &r);
    char name[5];
    snprintf(name, sizeof(name), "UA%02X", n & 0xff);
    aml_device(a, name, &d);
}

/* Device (KBD_): the i8042 (PNP0303) at its data and command ports. It has
 * no interrupt, and no mouse port: the absent PNP0F13 tells the guest so. */
static void dsdt_keyboard(struct aml *a, const struct vdev_spec *v)
{
    uint8_t res[32], body[64];
    struct aml r = aml_on(res, sizeof(res)), d = aml_on(body, sizeof(body));
    aml_res_io(&r, (uint16_t)v->loc.addr, 1);
    aml_res_io(&r, (uint16_t)(v->loc.addr + KBD_CMD - KBD_DATA), 1);
    aml_res_end(&r);
    aml_name_eisaid(&d, "_HID", "PNP0303");
    aml_name_buffer(&d, "_CRS", &r);
    aml_device(a, "KBD_", &d);
}

static uint64_t build_dsdt(struct acpi_builder *b, const struct vm_spec *vm)
{
    /* Name (_S5, Package () { 0, 0, 0, 0 }): sleep type 0 is power-off (acpi-pm) */
    static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
    uint8_t code[2048], sb[2048];
    struct aml a = aml_on(code, sizeof(code)), devs = aml_on(sb, sizeof(sb));
    aml_bytes(&a, s5, sizeof(s5));
    unsigned nuart = 0;
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        const struct vdev_spec *v = &vm->vdevs[i];
        if (!strcmp(v->type->name, "ser8250"))
            dsdt_uart(&devs, vm, v, nuart++);
        else if (!strcmp(v->type->name, "pckeyboard"))
            dsdt_keyboard(&devs, v);
    }
    if (devs.len)
        aml_scope(&a, "\\_SB_", &devs);
    uint64_t gpa;
    uint8_t *t = a.overflow ? NULL : take(b, 36 + a.len, 16, &gpa);
    if (!t) {
        b->overflow = true;
        return 0;
    }
    header(t, "DSDT", (uint32_t)(36 + a.len), 2);
    memcpy(t + 36, code, a.len);
    seal(t, (uint32_t)(36 + a.len));
    return gpa;
}

static uint64_t build_facs(struct acpi_builder *b)
{
    uint64_t gpa;
    uint8_t *t = take(b, 64, 64, &gpa);
    if (!t)
        return 0;
    memcpy(t, "FACS", 4);
    put32(t + 4, 64);
    t[32] = 2; /* version */
    return gpa;
}

static uint64_t build_fadt(struct acpi_builder *b, const struct vm_spec *vm, uint64_t dsdt,
                           uint64_t facs)
{
    enum { LEN = 276 };
    uint64_t gpa;
    uint8_t *t = take(b, LEN, 16, &gpa);
    if (!t)
        return 0;
    header(t, "FACP", LEN, 6);
    bool legacy = !vm->vars[VAR_LEGACY_FREE].b;
    const struct vdev_spec *kbd = first_of(vm, "pckeyboard");
    /* the 64-bit addresses only: ACPI wants FIRMWARE_CTRL zero when X_FIRMWARE_CTRL is set */
    put32(t + 40, (uint32_t)dsdt);
    put16(t + 46, 9);  /* SCI_INT: nothing raises it; SMI_CMD 0: always in ACPI mode */
    put32(t + 56, PM1A_EVT);
    put32(t + 64, PM1A_CNT);
    t[88] = 4; /* PM1_EVT_LEN */
    t[89] = 2; /* PM1_CNT_LEN */
    if (first_of(vm, "mc146818"))
        t[108] = RTC_CENTURY;
    uint16_t boot_arch = 1u << 2; /* no VGA */
    if (legacy)
        boot_arch |= 1u << 0; /* legacy devices */
    if (legacy && kbd)
        boot_arch |= 1u << 1; /* 8042 */
    if (!first_of(vm, "mc146818"))
        boot_arch |= 1u << 5; /* no CMOS RTC */
    put16(t + 109, boot_arch);
    /* WBINVD, C1 on every CPU, no fixed power or sleep button; a reset register */
    uint32_t flags = 1u << 0 | 1u << 2 | 1u << 4 | 1u << 5;
    if (kbd) {
        flags |= 1u << 10;
        gas(t + 116, 1, 8, 1, kbd->loc.addr + KBD_CMD - KBD_DATA); /* its command port */
        t[128] = 0xfe;
    }
    put32(t + 112, flags);
    put64(t + 132, facs);
    put64(t + 140, dsdt);
    gas(t + 148, 1, 32, 2, PM1A_EVT);
    gas(t + 172, 1, 16, 2, PM1A_CNT);
    memcpy(t + 268, "KQVM    ", 8);
    seal(t, LEN);
    return gpa;
}

static uint64_t build_madt(struct acpi_builder *b, const struct vm_spec *vm)
{
    unsigned nioapic = ioapic_total_pins(vm) / IOAPIC_PINS;
    uint32_t len = 44 + 8 * vm->ncpus + 12 * nioapic + 6;
    uint64_t gpa;
    uint8_t *t = take(b, len, 16, &gpa);
    if (!t)
        return 0;
    header(t, "APIC", len, 5);
    put32(t + 36, LAPIC_BASE);
    put32(t + 40, first_of(vm, "8259") ? 1 : 0); /* PCAT_COMPAT: there is an 8259 pair */
    uint8_t *e = t + 44;
    for (unsigned i = 0; i < vm->ncpus; i++, e += 8) {
        e[0] = 0; /* processor local APIC */
        e[1] = 8;
        e[2] = (uint8_t)i;
        e[3] = (uint8_t)i;
        put32(e + 4, 1); /* enabled */
    }
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        const struct vdev_spec *v = &vm->vdevs[i];
        if (v->type != &vdev_ioapic)
            continue;
        e[0] = 1; /* I/O APIC */
        e[1] = 12;
        e[2] = (uint8_t)ioapic_apic_id(vm, v);
        put32(e + 4, (uint32_t)v->loc.addr);
        put32(e + 8, ioapic_gsi_base(vm, v));
        e += 12;
    }
    e[0] = 4; /* local APIC NMI: every processor, LINT1 */
    e[1] = 6;
    e[2] = 0xff;
    e[5] = 1;
    seal(t, len);
    return gpa;
}

static uint64_t build_hpet(struct acpi_builder *b, const struct vm_spec *vm)
{
    const struct vdev_spec *h = first_of(vm, "hpet");
    if (!h || !h->nintr)
        return 0;
    enum { LEN = 56 };
    uint64_t gpa;
    uint8_t *t = take(b, LEN, 16, &gpa);
    if (!t)
        return 0;
    header(t, "HPET", LEN, 1);
    bool common;
    unsigned idx;
    bool legacy_free = vdev_option_find(h->type, "legacy-free", &common, &idx) && h->opts[idx].set;
    /* the event timer block ID mirrors the HPET's capabilities register */
    uint32_t id = 1u | (h->nintr - 1) << 8 | 1u << 13 | (legacy_free ? 0 : 1u << 15) |
                  0x8086u << 16;
    put32(t + 36, id);
    gas(t + 40, 0, 64, 0, h->loc.addr);
    t[52] = 0;          /* HPET number */
    put16(t + 53, 128); /* minimum periodic tick, in counter ticks */
    seal(t, LEN);
    return gpa;
}

uint64_t x86_acpi_build(const struct vm_spec *vm, uint8_t *area, uint64_t gpa, size_t size)
{
    struct acpi_builder b = { .base = area, .gpa = gpa, .size = size };
    uint64_t rsdp_gpa;
    uint8_t *rsdp = take(&b, 36, 16, &rsdp_gpa);
    uint64_t dsdt = build_dsdt(&b, vm), facs = build_facs(&b);
    uint64_t tables[3] = { build_fadt(&b, vm, dsdt, facs), build_madt(&b, vm),
                           build_hpet(&b, vm) };
    unsigned n = tables[2] ? 3 : 2;
    uint64_t xsdt_gpa;
    uint8_t *xsdt = take(&b, 36 + 8 * n, 16, &xsdt_gpa);
    if (b.overflow || !rsdp || !xsdt)
        return 0;
    header(xsdt, "XSDT", 36 + 8 * n, 1);
    for (unsigned i = 0; i < n; i++)
        put64(xsdt + 36 + 8 * i, tables[i]);
    seal(xsdt, 36 + 8 * n);
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "KQVM  ", 6);
    rsdp[15] = 2; /* revision: ACPI 2.0+, XSDT */
    put32(rsdp + 20, 36);
    put64(rsdp + 24, xsdt_gpa);
    rsdp[8] = checksum(rsdp, 20);
    rsdp[32] = checksum(rsdp, 36);
    return rsdp_gpa;
}
