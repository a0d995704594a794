/* The e820 memory map a Linux guest reads from boot_params, derived from the
 * configuration's memory map: ram is usable; rom, pass-through memory,
 * `reserve loc` ranges and kqvm's implicit ranges (the local APIC, KVM's
 * private pages) are reserved; the ACPI tables' range is ACPI data. Where
 * ranges overlap, reserved wins over RAM, so the guest never takes a reserved
 * page for its own. Device registers (vdevs) are left out, as firmware does. */
#include "arch/x86/e820.h"

#include <stdlib.h>

struct span {
    uint64_t base, end; /* [base, end) */
    uint32_t type;
};

/* RAM is overridden by anything else; among the rest the higher type wins. */
static unsigned rank(uint32_t type)
{
    return type == E820_RAM ? 0 : type;
}

static unsigned collect(const struct vm_spec *spec, uint64_t acpi, uint64_t acpi_len,
                        struct span *s)
{
    unsigned n = 0;
    for (unsigned i = 0; i < spec->nmap; i++) {
        const struct region *r = &spec->map[i];
        if (r->space != SPACE_MEM || r->kind == REGION_VDEV)
            continue;
        s[n++] = (struct span){ r->base, r->base + r->length,
                                r->kind == REGION_RAM ? E820_RAM : E820_RESERVED };
    }
    for (unsigned i = 0; i < spec->nreserves; i++) {
        const struct reserve_spec *rs = &spec->reserves[i];
        if (!rs->is_intr && rs->loc.space == LOC_MEM)
            s[n++] = (struct span){ rs->loc.addr, rs->loc.addr + rs->length, E820_RESERVED };
    }
    if (acpi_len)
        s[n++] = (struct span){ acpi, acpi + acpi_len, E820_ACPI };
    return n;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int x86_e820_build(const struct vm_spec *spec, uint64_t acpi, uint64_t acpi_len,
                   struct boot_e820_entry *out, unsigned max)
{
    size_t cap = (size_t)spec->nmap + spec->nreserves + 1;
    struct span *s = calloc(cap, sizeof(*s));
    uint64_t *cut = calloc(2 * cap, sizeof(*cut));
    int count = -1;
    if (!s || !cut)
        goto out;
    unsigned n = collect(spec, acpi, acpi_len, s), ncut = 0;
    for (unsigned i = 0; i < n; i++) {
        cut[ncut++] = s[i].base;
        cut[ncut++] = s[i].end;
    }
    qsort(cut, ncut, sizeof(*cut), cmp_u64);
    /* each piece between two cut points has one type: the strongest covering it */
    count = 0;
    for (unsigned c = 0; c + 1 < ncut; c++) {
        uint64_t lo = cut[c], hi = cut[c + 1];
        if (lo == hi)
            continue;
        uint32_t type = 0;
        for (unsigned i = 0; i < n; i++)
            if (s[i].base <= lo && hi <= s[i].end && (!type || rank(s[i].type) > rank(type)))
                type = s[i].type;
        if (!type)
            continue;
        struct boot_e820_entry *last = count ? &out[count - 1] : NULL;
        if (last && last->type == type && last->addr + last->size == lo) {
            last->size += hi - lo;
        } else if ((unsigned)count == max) {
            count = -1;
            goto out;
        } else {
            out[count++] = (struct boot_e820_entry){ .addr = lo, .size = hi - lo, .type = type };
        }
    }
out:
    free(s);
    free(cut);
    return count;
}
