/* test_madt: kqvm's ACPI tables (docs/guest-abi.md, "ACPI tables") against
 * the configuration, which the command line restates:
 *
 *   ioapics=ADDR[@GSIBASE],...  the configured I/O APICs in declaration
 *                    order (numbers: decimal or 0x hex; GSIBASE defaults
 *                    to the pins of those before, 24 each); default
 *                    0xfec00000
 *   cpus=N           vCPUs (default: boot info ncpus)
 *   ioapic_ids=ID,...  the I/O APIC IDs the MADT must give (default
 *                    ncpus + k, as the ABI says)
 *   pins=N           pins per I/O APIC (default 24)
 *   isos=N           interrupt source overrides (default 0: kqvm has none)
 *   pcat=0|1         the MADT's PCAT_COMPAT flag (8259 configured); not
 *                    checked when absent
 *   hpet=ADDR|none   the HPET table's base, or no HPET table; not checked
 *                    when absent
 *
 * Checks (PASS/FAIL lines):
 *   madt.rsdp        boot info rsdp -> "RSD PTR ", both checksums,
 *                    revision 2, an XSDT with a valid checksum
 *   madt.tables      every XSDT entry is a table with a valid checksum
 *   madt.present     an MADT that parses
 *   madt.lapic       local APIC address 0xfee00000, the same as
 *                    IA32_APIC_BASE, and this CPU's APIC ID is listed
 *   madt.cpus        `cpus` enabled processor entries, APIC IDs 0..cpus-1
 *                    once each, and boot info ncpus == cpus
 *   madt.ioapics     exactly the configured I/O APICs: address and GSI base
 *   madt.ioapic_ids  the MADT's ID of the k-th configured I/O APIC is
 *                    ioapic_ids' k-th (ncpus + k); the entries' order is
 *                    free
 *   madt.ioapic_regs each I/O APIC answers at its address: its ID register
 *                    (bits 24-31) equals its MADT ID, its version register
 *                    gives version 0x1X/0x20 and `pins` pins, and the GSI
 *                    ranges do not overlap
 *   madt.nmi         a local APIC NMI entry: LINT1, all processors (0xff)
 *   madt.isos        `isos` interrupt source overrides
 *   madt.pcat        PCAT_COMPAT as pcat= says
 *   madt.fadt        a FADT: PM1a control io:0x604 (2 bytes), PM1a event
 *                    io:0x600 (4 bytes), and a DSDT with a valid checksum
 *   madt.hpet        the HPET table's base as hpet= says, and the HPET
 *                    there answers with the table's event timer block ID */
#include "acpi.h"
#include "cmdline.h"
#include "hpet.h"
#include "io.h"
#include "ioapic.h"
#include "kit.h"
#include "kstring.h"
#include "lapic.h"
#include "test.h"

#define MAX_CONF 16

struct conf_ioapic {
    uint64_t addr, gsi;
    int has_gsi;
};

static struct acpi_madt_info madt;

/* The first problem of a check goes to why; later ones are only counted. */
struct problems {
    char why[160];
    unsigned n;
};

__attribute__((format(printf, 2, 3))) static void problem(struct problems *p, const char *fmt, ...)
{
    if (p->n++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        kvsnprintf(p->why, sizeof(p->why), fmt, ap);
        va_end(ap);
    }
}

static const char *more(const struct problems *p, char *buf, unsigned size)
{
    if (p->n > 1)
        ksnprintf(buf, size, " (and %u more problems)", p->n - 1);
    else
        buf[0] = 0;
    return buf;
}

/* "a, b, c" ("none" for ~0) */
static void fmt_list(char *buf, unsigned size, const uint64_t *v, unsigned n)
{
    unsigned off = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < n && off + 24 < size; i++) {
        if (v[i] == ~0ull)
            off += (unsigned)ksnprintf(buf + off, size - off, "%snone", i ? ", " : "");
        else
            off += (unsigned)ksnprintf(buf + off, size - off, "%s%lu", i ? ", " : "", v[i]);
    }
}

/* a number at *p (decimal or 0x hex); advances *p */
static int parse_num(const char **p, const char *end, uint64_t *out)
{
    const char *s = *p;
    unsigned base = 10;
    uint64_t v = 0;
    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    const char *digits = s;
    for (; s < end; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = (unsigned)(*s - '0');
        else if (*s >= 'a' && *s <= 'f')
            d = (unsigned)(*s - 'a' + 10);
        else if (*s >= 'A' && *s <= 'F')
            d = (unsigned)(*s - 'A' + 10);
        else
            break;
        if (d >= base)
            break;
        v = v * base + d;
    }
    if (s == digits)
        return 0;
    *p = s;
    *out = v;
    return 1;
}

/* key=N,N,... (with ioapics: ADDR[@GSI],...); returns the count, -1 if bad */
static int parse_list(const struct kqvm_boot_info *bi, const char *key, struct conf_ioapic *out,
                      int with_gsi)
{
    size_t len;
    const char *p = cmdline_get(bi, key, &len);
    if (!p)
        return 0;
    const char *end = p + len;
    int n = 0;
    while (p < end) {
        if (n == MAX_CONF)
            return -1;
        out[n].has_gsi = 0;
        if (!parse_num(&p, end, &out[n].addr))
            return -1;
        if (with_gsi && p < end && *p == '@') {
            p++;
            if (!parse_num(&p, end, &out[n].gsi))
                return -1;
            out[n].has_gsi = 1;
        }
        n++;
        if (p < end && *p++ != ',')
            return -1;
    }
    return n;
}

static void check_rsdp(const struct kqvm_boot_info *bi)
{
    if (acpi_init(bi) != 0) {
        TEST_FAIL("madt.rsdp", "%s (boot info rsdp 0x%lx)", acpi_error(), bi->rsdp);
        return;
    }
    const struct acpi_rsdp *r = acpi_rsdp();
    const struct acpi_sdt_header *x = acpi_root();
    kprintf("test_madt: RSDP at 0x%lx revision %u, %.4s at %p with %u entries\n", bi->rsdp,
            r->revision, x->signature, (const void *)x, acpi_root_entries());
    TEST_CHECK("madt.rsdp", r->revision == 2 && memcmp(x->signature, "XSDT", 4) == 0,
               "RSDP revision %u and root table '%.4s' (expected 2 and XSDT)", r->revision,
               x->signature);
    unsigned bad = 0;
    for (unsigned i = 0; i < acpi_root_entries(); i++) {
        const struct acpi_sdt_header *t = acpi_root_entry(i);
        if (!t || t->length < sizeof(*t) || !acpi_checksum_ok(t, t->length)) {
            kprintf("test_madt: XSDT entry %u (%p) is not a valid table\n", i, (const void *)t);
            bad++;
            continue;
        }
        kprintf("test_madt:   %.4s at %p, %u bytes, revision %u, OEM '%.6s'\n", t->signature,
                (const void *)t, t->length, t->revision, t->oem_id);
    }
    TEST_CHECK("madt.tables", bad == 0, "%u XSDT entries are not valid tables", bad);
}

static void check_lapic(void)
{
    uint64_t msr = rdmsr(0x1b) & ~0xfffull & ((1ull << 52) - 1);
    unsigned id = lapic_id();
    int listed = 0;
    for (unsigned i = 0; i < madt.ncpus; i++)
        listed |= madt.cpus[i].apic_id == id && (madt.cpus[i].flags & ACPI_MADT_CPU_ENABLED);
    TEST_CHECK("madt.lapic", madt.lapic_address == 0xfee00000u && msr == madt.lapic_address && listed,
               "local APIC address 0x%lx (IA32_APIC_BASE 0x%lx, expected 0xfee00000); this "
               "CPU's APIC ID %u %s",
               madt.lapic_address, msr, id, listed ? "listed" : "not listed as enabled");
}

static void check_cpus(const struct kqvm_boot_info *bi, uint64_t cpus)
{
    unsigned enabled = 0, dup = 0, out_of_range = 0;
    uint8_t seen[256] = { 0 };
    for (unsigned i = 0; i < madt.ncpus; i++) {
        const struct acpi_cpu *c = &madt.cpus[i];
        kprintf("test_madt: processor ACPI ID %u APIC ID %u flags 0x%x\n", c->acpi_id, c->apic_id,
                c->flags);
        if (!(c->flags & ACPI_MADT_CPU_ENABLED))
            continue;
        enabled++;
        if (c->apic_id >= cpus)
            out_of_range++;
        if (seen[c->apic_id]++)
            dup++;
    }
    TEST_CHECK("madt.cpus",
               enabled == cpus && !dup && !out_of_range && bi->ncpus == cpus && !madt.ntruncated,
               "%u enabled processor entries of %u (expected %lu, APIC IDs 0-%lu once each: %u "
               "duplicates, %u out of range); boot info ncpus %u",
               enabled, madt.ncpus, cpus, cpus - 1, dup, out_of_range, bi->ncpus);
}

static void check_ioapics(const struct kqvm_boot_info *bi, uint64_t cpus)
{
    struct conf_ioapic conf[MAX_CONF], ids[MAX_CONF];
    int nconf = parse_list(bi, "ioapics", conf, 1);
    if (nconf < 0) {
        TEST_FAIL("madt.ioapics", "bad ioapics= on the command line (ADDR[@GSIBASE],...)");
        return;
    }
    if (nconf == 0) {
        conf[0] = (struct conf_ioapic){ IOAPIC_DEFAULT_BASE, 0, 1 };
        nconf = 1;
    }
    uint64_t pins = 24;
    cmdline_u64(bi, "pins", &pins);
    uint64_t gsi = 0;
    for (int k = 0; k < nconf; k++) {
        if (!conf[k].has_gsi)
            conf[k].gsi = gsi;
        gsi = conf[k].gsi + pins;
    }
    int nids = parse_list(bi, "ioapic_ids", ids, 0);
    if (nids < 0) {
        TEST_FAIL("madt.ioapic_ids", "bad ioapic_ids= on the command line (ID,...)");
        nids = 0;
    }
    if (nids == 0) {
        for (int k = 0; k < nconf; k++)
            ids[k].addr = cpus + (uint64_t)k;
        nids = nconf;
    }

    /* the MADT's entries against the configured ones */
    struct problems pr = { "", 0 };
    char mbuf[48];
    for (unsigned i = 0; i < madt.nioapics; i++)
        kprintf("test_madt: I/O APIC ID %u at 0x%x, GSI base %u\n", madt.ioapics[i].id,
                madt.ioapics[i].address, madt.ioapics[i].gsi_base);
    if ((int)madt.nioapics != nconf)
        problem(&pr, "%u I/O APIC entries, %d configured", madt.nioapics, nconf);
    for (int k = 0; k < nconf; k++) {
        int found = 0;
        for (unsigned i = 0; i < madt.nioapics; i++) {
            if (madt.ioapics[i].address != conf[k].addr)
                continue;
            found = 1;
            if (madt.ioapics[i].gsi_base != conf[k].gsi)
                problem(&pr, "the I/O APIC at 0x%lx has GSI base %u, expected %lu", conf[k].addr,
                        madt.ioapics[i].gsi_base, conf[k].gsi);
        }
        if (!found)
            problem(&pr, "no I/O APIC entry at 0x%lx", conf[k].addr);
    }
    TEST_CHECK("madt.ioapics", pr.n == 0, "%s%s", pr.why, more(&pr, mbuf, sizeof(mbuf)));

    /* IDs: the k-th configured I/O APIC (found by address) has ids[k] */
    uint64_t have[MAX_CONF], want[MAX_CONF];
    int ids_ok = nids == nconf;
    for (int k = 0; k < nconf; k++) {
        have[k] = ~0ull;
        for (unsigned i = 0; i < madt.nioapics; i++)
            if (madt.ioapics[i].address == conf[k].addr)
                have[k] = madt.ioapics[i].id;
        want[k] = k < nids ? ids[k].addr : ~0ull;
        if (have[k] != want[k])
            ids_ok = 0;
    }
    char lh[80], lw[80];
    fmt_list(lh, sizeof(lh), have, (unsigned)nconf);
    fmt_list(lw, sizeof(lw), want, (unsigned)nids);
    TEST_CHECK("madt.ioapic_ids", ids_ok,
               "the configured I/O APICs have MADT IDs [%s], expected [%s]%s",
               lh, lw, cmdline_get(bi, "ioapic_ids", NULL) ? "" : " (ncpus + k)");

    /* the registers at each address */
    struct problems rp = { "", 0 };
    if (!madt.nioapics)
        problem(&rp, "no I/O APIC in the MADT");
    for (unsigned i = 0; i < madt.nioapics; i++) {
        const struct acpi_ioapic *m = &madt.ioapics[i];
        struct ioapic io;
        ioapic_init(&io, m->address, m->gsi_base);
        uint32_t idreg = ioapic_read(&io, IOAPIC_REG_ID);
        uint32_t ver = ioapic_read(&io, IOAPIC_REG_VERSION);
        uint32_t arb = ioapic_read(&io, IOAPIC_REG_ARB);
        unsigned np = ioapic_pins_from_version(ver);
        kprintf("test_madt: I/O APIC at 0x%x: ID register 0x%08x, version 0x%08x (version 0x%x, "
                "%u pins), arbitration 0x%08x\n",
                m->address, idreg, ver, ver & 0xff, np, arb);
        if (ver == 0xffffffffu || idreg == 0xffffffffu) {
            problem(&rp, "nothing answers at 0x%x (all ones)", m->address);
            continue;
        }
        if ((idreg >> 24) != m->id)
            problem(&rp, "ID register 0x%08x at 0x%x: ID %u, the MADT says %u%s", idreg,
                    m->address, idreg >> 24, m->id,
                    m->id > 15 && ((idreg >> 24) & 0xf) == (m->id & 0xf)
                        ? " (the 82093AA's ID field has 4 bits)"
                        : "");
        unsigned v = ver & 0xff;
        if (!((v >= 0x10 && v <= 0x1f) || v == 0x20) || np != pins)
            problem(&rp, "version register 0x%08x at 0x%x: version 0x%x, %u pins (expected 0x1X "
                    "or 0x20, %lu pins)", ver, m->address, v, np, pins);
        for (unsigned j = 0; j < i; j++) {
            const struct acpi_ioapic *o = &madt.ioapics[j];
            if (m->gsi_base < o->gsi_base + pins && o->gsi_base < m->gsi_base + np)
                problem(&rp, "GSIs %u-%u overlap those of the I/O APIC at 0x%x", m->gsi_base,
                        m->gsi_base + np - 1, o->address);
        }
    }
    TEST_CHECK("madt.ioapic_regs", rp.n == 0, "%s%s", rp.why, more(&rp, mbuf, sizeof(mbuf)));
}

static void check_misc(const struct kqvm_boot_info *bi)
{
    int nmi = 0;
    for (unsigned i = 0; i < madt.nnmis; i++) {
        kprintf("test_madt: local APIC NMI: processor 0x%x, flags 0x%x, LINT%u\n",
                madt.nmis[i].acpi_id, madt.nmis[i].flags, madt.nmis[i].lint);
        nmi |= madt.nmis[i].acpi_id == 0xff && madt.nmis[i].lint == 1;
    }
    TEST_CHECK("madt.nmi", nmi, "no local APIC NMI entry for LINT1 of all processors (%u entries)",
               madt.nnmis);

    uint64_t isos = 0;
    cmdline_u64(bi, "isos", &isos);
    for (unsigned i = 0; i < madt.nisos; i++)
        kprintf("test_madt: override: bus %u IRQ %u -> GSI %u, flags 0x%x\n", madt.isos[i].bus,
                madt.isos[i].source, madt.isos[i].gsi, madt.isos[i].flags);
    TEST_CHECK("madt.isos", madt.nisos == isos, "%u interrupt source overrides, expected %lu",
               madt.nisos, isos);
    if (madt.nother)
        kprintf("test_madt: %u MADT entries of other types\n", madt.nother);

    uint64_t pcat;
    kprintf("test_madt: MADT flags 0x%x\n", madt.flags);
    if (cmdline_u64(bi, "pcat", &pcat))
        TEST_CHECK("madt.pcat", !!(madt.flags & ACPI_MADT_PCAT_COMPAT) == !!pcat,
                   "PCAT_COMPAT is %u, expected %u (an 8259 %s configured)",
                   madt.flags & ACPI_MADT_PCAT_COMPAT, (unsigned)!!pcat, pcat ? "is" : "is not");

    const struct acpi_fadt *f = acpi_fadt();
    if (!f) {
        TEST_FAIL("madt.fadt", "no valid FADT (%s)", acpi_error());
    } else {
        const struct acpi_sdt_header *d = acpi_dsdt();
        kprintf("test_madt: FADT revision %u.%u, %u bytes: PM1a event 0x%x/%u, control 0x%x/%u, "
                "boot arch 0x%x, flags 0x%x, DSDT %p\n",
                f->h.revision, f->h.length >= 132 ? f->fadt_minor_version : 0, f->h.length,
                f->pm1a_evt_blk, f->pm1_evt_len, f->pm1a_cnt_blk, f->pm1_cnt_len,
                f->iapc_boot_arch, f->flags, (const void *)d);
        TEST_CHECK("madt.fadt",
                   f->pm1a_cnt_blk == 0x604 && f->pm1_cnt_len == 2 && f->pm1a_evt_blk == 0x600 &&
                       f->pm1_evt_len == 4 && d,
                   "PM1a control 0x%x/%u (expected 0x604/2), event 0x%x/%u (expected 0x600/4), "
                   "DSDT %s",
                   f->pm1a_cnt_blk, f->pm1_cnt_len, f->pm1a_evt_blk, f->pm1_evt_len,
                   d ? "valid" : acpi_error());
    }

    size_t len;
    const char *h = cmdline_get(bi, "hpet", &len);
    const struct acpi_hpet_table *ht = NULL;
    uint64_t base = acpi_hpet_base(&ht);
    if (ht)
        kprintf("test_madt: HPET table: base 0x%lx (space %u), block ID 0x%x, number %u, "
                "min tick %u\n",
                base, ht->base.space_id, ht->event_timer_block_id, ht->hpet_number, ht->min_tick);
    if (!h)
        return;
    if (len == 4 && strncmp(h, "none", 4) == 0) {
        TEST_CHECK("madt.hpet", !ht, "an HPET table (base 0x%lx), but no hpet is configured",
                   base);
        return;
    }
    uint64_t want;
    if (!cmdline_u64(bi, "hpet", &want)) {
        TEST_FAIL("madt.hpet", "bad hpet= on the command line (ADDR or none)");
        return;
    }
    if (!ht) {
        TEST_FAIL("madt.hpet", "no HPET table; expected one at 0x%lx", want);
        return;
    }
    struct hpet hp;
    int answers = base == want && hpet_init(&hp, base) == 0;
    TEST_CHECK("madt.hpet",
               base == want && ht->base.space_id == 0 && answers &&
                   hp.cap_lo == ht->event_timer_block_id,
               "HPET table base 0x%lx (space %u), expected 0x%lx; GCAP_ID 0x%x there, table block "
               "ID 0x%x",
               base, ht->base.space_id, want, base == want ? hp.cap_lo : 0,
               ht->event_timer_block_id);
}

void kmain(const struct kqvm_boot_info *bi)
{
    kprintf("test_madt: cmdline '%s'\n", kqvm_cmdline(bi));
    uint64_t cpus = bi->ncpus;
    cmdline_u64(bi, "cpus", &cpus);
    check_rsdp(bi);
    if (!acpi_root()) {
        TEST_DONE();
    }
    if (acpi_parse_madt(&madt) != 0) {
        TEST_FAIL("madt.present", "%s", acpi_error());
        TEST_DONE();
    }
    TEST_PASS("madt.present");
    if (madt.lapic_address && madt.lapic_address < 0x100000000ull)
        lapic_set_base(madt.lapic_address);
    check_lapic();
    check_cpus(bi, cpus);
    check_ioapics(bi, cpus);
    check_misc(bi);
    TEST_DONE();
}
