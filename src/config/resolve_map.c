/* The guest's address spaces: PCI slots, and the memory and I/O map with every
 * pair of overlapping ranges reported. */
#include "config/resolve_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const struct source implicit_source = { .name = "<implicit>", .dir = "." };

/* x86: the PCI configuration ports; arm64: an ECAM window for bus 0. */
#define PCI_CF8_PORT 0xcf8
#define ARM64_ECAM_BASE UINT64_C(0x3f000000)
#define ECAM_BUS_SIZE UINT64_C(0x100000)
/* x86: the PCI windows where BARs are placed: the 512 MiB below the usual
 * MMCONFIG base (0xe0000000), and the top quarter of I/O space. */
#define X86_PCI_MMIO_BASE UINT64_C(0xc0000000)
#define X86_PCI_MMIO_SIZE UINT64_C(0x20000000)
#define X86_PCI_IO_BASE 0xc000u
#define X86_PCI_IO_SIZE 0x4000u
#define LAPIC_BASE UINT64_C(0xfee00000)
/* KVM on Intel needs three pages for the real-mode TSS and one for the
 * identity map (KVM_SET_TSS_ADDR, KVM_SET_IDENTITY_MAP_ADDR), where QEMU puts them. */
#define KVM_PRIVATE_BASE UINT64_C(0xfeffc000)
#define KVM_PRIVATE_SIZE UINT64_C(0x4000)

/* A device with any reserved function is not given away automatically. */
static bool reserved_device(const struct vm_spec *vm, unsigned dev)
{
    for (unsigned i = 0; i < vm->nreserves; i++) {
        const struct reserve_spec *rs = &vm->reserves[i];
        if (!rs->is_intr && rs->loc.space == LOC_PCI_BDF && rs->loc.bus == 0 &&
            rs->loc.dev == dev)
            return true;
    }
    return false;
}

struct slot_owner {
    const char *label;
    struct srcloc at;
};

void resolve_pci_slots(struct resolver *r)
{
    struct vm_spec *vm = r->vm;
    struct slot_owner owner[32][8];
    memset(owner, 0, sizeof(owner));
    owner[0][0] = (struct slot_owner){ "the PCI host bridge", { &implicit_source, 1, 1 } };
    /* Explicit slots: vdevs, then pass-through devices. */
    for (unsigned i = 0; i < vm->nvdevs + vm->npasses; i++) {
        const struct guest_loc *l;
        const char *label;
        struct srcloc at;
        if (i < vm->nvdevs) {
            const struct vdev_spec *v = &vm->vdevs[i];
            if (!v->pci || v->loc.space != LOC_PCI_BDF || !vdev_valid(r, i))
                continue;
            l = &v->loc;
            label = vdev_label(r, v);
            at = v->at;
        } else {
            const struct pass_spec *p = &vm->passes[i - vm->nvdevs];
            if (!p->has_loc || p->loc.space != LOC_PCI_BDF)
                continue;
            l = &p->loc;
            label = "pass";
            at = p->at;
        }
        if (l->bus != 0) {
            resolver_error(r, &at, "PCI bus %u: kqvm has a single PCI bus, 0", l->bus);
            continue;
        }
        struct slot_owner *o = &owner[l->dev][l->fn];
        if (o->label) {
            resolver_error(r, &at, "PCI slot pci:0:%u.%u is already used by %s at %s", l->dev,
                           l->fn, o->label, srcloc_str(&o->at));
            continue;
        }
        *o = (struct slot_owner){ label, at };
    }
    /* Automatic slots: the lowest free device number, function 0. */
    for (unsigned i = 0; i < vm->nvdevs + vm->npasses; i++) {
        struct guest_loc *l;
        const char *label;
        struct srcloc at;
        if (i < vm->nvdevs) {
            struct vdev_spec *v = &vm->vdevs[i];
            if (!v->pci || v->loc.space != LOC_NONE || !vdev_valid(r, i))
                continue;
            l = &v->loc;
            label = vdev_label(r, v);
            at = v->at;
        } else {
            struct pass_spec *p = &vm->passes[i - vm->nvdevs];
            if (!p->has_loc || p->loc.space != LOC_PCI_ID || p->host_kind != PASS_HOST_SAME)
                continue;
            /* pass loc pci:VID/DID alone: the host device, at an automatic guest slot */
            p->host = p->loc;
            p->host_kind = PASS_HOST_PCI;
            l = &p->loc;
            label = "pass";
            at = p->at;
        }
        unsigned dev = 1;
        while (dev < 32) {
            bool busy = false;
            for (unsigned fn = 0; fn < 8; fn++)
                busy |= owner[dev][fn].label != NULL;
            if (!busy && !reserved_device(vm, dev))
                break;
            dev++;
        }
        if (dev == 32) {
            resolver_error(r, &at, "no free PCI slot left on bus 0 for %s", label);
            continue;
        }
        *l = (struct guest_loc){ .space = LOC_PCI_BDF, .bus = 0, .dev = (uint8_t)dev, .fn = 0 };
        owner[dev][0] = (struct slot_owner){ label, at };
    }
}

static void add_region(struct resolver *r, const struct region *g)
{
    struct vm_spec *vm = r->vm;
    vm->map = arena_grow(r->a, vm->map, &r->cap_map, vm->nmap + 1, sizeof(*vm->map));
    vm->map[vm->nmap++] = *g;
}

static bool any_pci_pass(const struct vm_spec *vm)
{
    for (unsigned i = 0; i < vm->npasses; i++)
        if (pass_is_pci(&vm->passes[i]))
            return true;
    return false;
}

static bool any_pci(const struct vm_spec *vm)
{
    for (unsigned i = 0; i < vm->nvdevs; i++)
        if (vm->vdevs[i].pci)
            return true;
    return any_pci_pass(vm);
}

static const char *range_text(struct arena *a, const struct region *g)
{
    return arena_printf(a, "%s 0x%" PRIx64 "-0x%" PRIx64, g->space == SPACE_IO ? "io" : "mem",
                        g->base, g->base + g->length - 1);
}

static int region_cmp(const void *a, const void *b)
{
    const struct region *x = a, *y = b;
    if (x->space != y->space)
        return x->space < y->space ? -1 : 1;
    if (x->base != y->base)
        return x->base < y->base ? -1 : 1;
    return 0;
}

void resolve_memory_map(struct resolver *r)
{
    struct vm_spec *vm = r->vm;
    struct srcloc implicit = { &implicit_source, 1, 1 };
    if (vm->arch == ARCH_X86_64) {
        add_region(r, &(struct region){ .space = SPACE_MEM, .base = LAPIC_BASE, .length = 0x1000,
                                        .kind = REGION_IMPLICIT, .owner = "local APIC",
                                        .at = implicit });
        add_region(r, &(struct region){ .space = SPACE_MEM, .base = KVM_PRIVATE_BASE,
                                        .length = KVM_PRIVATE_SIZE, .kind = REGION_IMPLICIT,
                                        .owner = "KVM private pages (TSS, identity map)",
                                        .at = implicit });
    }
    if (any_pci(vm)) {
        if (vm->arch == ARCH_X86_64)
            add_region(r, &(struct region){ .space = SPACE_IO, .base = PCI_CF8_PORT, .length = 8,
                                            .kind = REGION_IMPLICIT,
                                            .owner = "PCI configuration ports", .at = implicit });
        else
            add_region(r, &(struct region){ .space = SPACE_MEM, .base = ARM64_ECAM_BASE,
                                            .length = ECAM_BUS_SIZE, .kind = REGION_IMPLICIT,
                                            .owner = "PCI ECAM (bus 0)", .at = implicit });
    }
    /* the BAR windows: only for what has BARs when the VM runs (VFIO devices;
     * the PCI vdevs have no model yet) */
    if (any_pci_pass(vm) && vm->arch == ARCH_X86_64) {
        vm->pci = (struct pci_window_spec){ .present = true, .mmio_base = X86_PCI_MMIO_BASE,
                                            .mmio_size = X86_PCI_MMIO_SIZE,
                                            .io_base = X86_PCI_IO_BASE,
                                            .io_size = X86_PCI_IO_SIZE };
        add_region(r, &(struct region){ .space = SPACE_MEM, .base = vm->pci.mmio_base,
                                        .length = vm->pci.mmio_size, .kind = REGION_IMPLICIT,
                                        .owner = "PCI memory window (BARs)", .at = implicit });
        add_region(r, &(struct region){ .space = SPACE_IO, .base = vm->pci.io_base,
                                        .length = vm->pci.io_size, .kind = REGION_IMPLICIT,
                                        .owner = "PCI I/O window (BARs)", .at = implicit });
    }
    for (unsigned i = 0; i < vm->nmem; i++) {
        const struct mem_spec *m = &vm->mem[i];
        add_region(r, &(struct region){ .space = SPACE_MEM, .base = m->base, .length = m->length,
                                        .kind = m->rom ? REGION_ROM : REGION_RAM,
                                        .owner = m->rom ? "rom" : "ram", .at = m->at });
    }
    for (unsigned i = 0; i < vm->npasses; i++) {
        const struct pass_spec *p = &vm->passes[i];
        if (!p->has_loc || (p->loc.space != LOC_MEM && p->loc.space != LOC_IO))
            continue;
        add_region(r, &(struct region){ .space = p->loc.space == LOC_IO ? SPACE_IO : SPACE_MEM,
                                        .base = p->loc.addr, .length = p->length,
                                        .kind = REGION_PASS, .owner = "pass", .at = p->at });
    }
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        const struct vdev_spec *v = &vm->vdevs[i];
        if (!v->type->claims || !vdev_valid(r, i) || v->pci)
            continue;
        struct region claims[8];
        unsigned n = v->type->claims(v, vm, claims, 8);
        for (unsigned k = 0; k < n; k++) {
            claims[k].kind = REGION_VDEV;
            claims[k].owner = vdev_label(r, v);
            claims[k].at = v->at;
            if (claims[k].length > GPA_LIMIT || claims[k].base > GPA_LIMIT - claims[k].length ||
                (claims[k].space == SPACE_IO &&
                 (claims[k].length > 0x10000 || claims[k].base > 0x10000 - claims[k].length))) {
                resolver_error(r, &v->at, "%s: its registers at 0x%" PRIx64 " go beyond the end "
                               "of the address space", claims[k].owner, claims[k].base);
                continue;
            }
            add_region(r, &claims[k]);
        }
    }
    /* Every overlapping pair, reported at the one declared later. */
    for (unsigned i = 0; i < vm->nmap; i++) {
        for (unsigned j = 0; j < i; j++) {
            const struct region *a = &vm->map[j], *b = &vm->map[i];
            if (a->space != b->space || a->base >= b->base + b->length ||
                b->base >= a->base + a->length)
                continue;
            const struct region *later = srcloc_before(&a->at, &b->at) ? b : a;
            const struct region *earlier = later == b ? a : b;
            resolver_error(r, &later->at, "%s (%s) overlaps %s (%s) at %s", later->owner,
                           range_text(r->a, later), earlier->owner, range_text(r->a, earlier),
                           srcloc_str(&earlier->at));
        }
    }
    if (vm->nmap)
        qsort(vm->map, vm->nmap, sizeof(*vm->map), region_cmp);
}
