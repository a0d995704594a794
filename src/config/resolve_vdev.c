/* vdev contexts: options, defaults, placement and each type's own checks. */
#include "config/resolve_internal.h"

#include "vdev/vdev.h"

#include <string.h>

struct arena *resolver_arena(struct resolver *r)
{
    return r->a;
}

const struct vm_spec *resolver_vm(struct resolver *r)
{
    return r->vm;
}

const char *vdev_label(struct resolver *r, const struct vdev_spec *v)
{
    if (v->named && strcmp(v->name, v->type->name) != 0)
        return arena_printf(r->a, "vdev %s (%s)", v->type->name, v->name);
    return arena_printf(r->a, "vdev %s", v->type->name);
}

/* A new vdev of type declared at `at`; returns its index. */
static unsigned new_vdev(struct resolver *r, const struct vdev_type *type, struct srcloc at)
{
    struct vm_spec *vm = r->vm;
    vm->vdevs = arena_grow(r->a, vm->vdevs, &r->cap_vdevs, vm->nvdevs + 1, sizeof(*vm->vdevs));
    r->vwork = arena_grow(r->a, r->vwork, &r->cap_vwork, vm->nvdevs + 1, sizeof(*r->vwork));
    struct vdev_spec *v = &vm->vdevs[vm->nvdevs];
    memset(v, 0, sizeof(*v));
    memset(&r->vwork[vm->nvdevs], 0, sizeof(r->vwork[0]));
    v->type = type;
    v->at = at;
    v->opts = arena_alloc(r->a, (type->noptions + 1) * sizeof(*v->opts));
    v->controller_index = -1;
    return vm->nvdevs++;
}

void resolve_vdev_open(struct resolver *r, const struct cfg_entry *e)
{
    const struct cfg_context *x = &r->cfg->ctxs[e->ctx];
    r->ctx_index[e->ctx] = -1;
    if (!x->type)
        return;
    unsigned i = new_vdev(r, x->type, x->type_word->loc);
    r->vwork[i].entry = (size_t)(e - r->cfg->entries);
    r->ctx_index[e->ctx] = (int)i;
}

void resolve_vdev_option(struct resolver *r, const struct cfg_entry *e)
{
    int idx = r->ctx_index[e->ctx];
    if (idx < 0 || e->nargs < option_nargs(e->opt))
        return;
    struct vdev_spec *v = &r->vm->vdevs[idx];
    struct vdev_work *w = &r->vwork[idx];
    bool common;
    unsigned oi;
    const struct option_desc *o = vdev_option_find(v->type, e->word->text, &common, &oi);
    struct option_desc adjusted;
    if (common && oi == COMMON_OPT_LOC) {
        adjusted = *o;
        /* No I/O space outside x86: a bare number is a memory address there. */
        adjusted.loc_default = r->vm->arch == ARCH_X86_64 ? v->type->loc_space : LOC_MEM;
        o = &adjusted;
    } else if (common && oi == COMMON_OPT_INTR && v->type->intr_list) {
        /* hpet: every intr adds timers ("intr a,b" == "intr a intr b") */
        adjusted = *o;
        adjusted.type = VT_INTR_LIST;
        adjusted.flags |= OPT_REPEAT;
        o = &adjusted;
    }
    if (o->arch && !(o->arch & r->vm->arch)) {
        resolver_error(r, &e->word->loc, "option '%s' of vdev %s applies to %s only", o->name,
                       v->type->name, arch_name(o->arch));
        return;
    }
    struct optval val;
    if (!read_option(r, o, e->args, &e->word->loc, &val)) {
        w->invalid = true;
        return;
    }
    store_option(r, o, common ? &w->common[oi] : &v->opts[oi], &val);
}

static bool loc_is_pci(const struct guest_loc *l)
{
    return l->space == LOC_PCI_BDF || l->space == LOC_PCI_ID;
}

/* Where the vdev sits: its loc (or default), PCI or not. False after an error. */
static bool vdev_place(struct resolver *r, struct vdev_spec *v, const struct vdev_work *w)
{
    const struct vdev_type *t = v->type;
    const struct optval *loc = &w->common[COMMON_OPT_LOC];
    const struct optval *intr = &w->common[COMMON_OPT_INTR];
    if (loc->set && loc->loc.space == LOC_PCI_ID) {
        resolver_error(r, &loc->arg->loc, "vdev %s: pci:VID/DID names a host device; a vdev's "
                       "loc is a guest slot, pci:BUS:DEV[.FUNC]", t->name);
        return false;
    }
    if (loc->set && loc->loc.space == LOC_IO && r->vm->arch != ARCH_X86_64) {
        resolver_error(r, &loc->arg->loc, "I/O ports exist on x86_64 only; this configuration is "
                       "for %s", arch_name(r->vm->arch));
        return false;
    }
    switch (t->placement) {
    case PLACE_PCI:
        v->pci = true;
        if (loc->set && !loc_is_pci(&loc->loc)) {
            resolver_error(r, &loc->arg->loc, "vdev %s is a PCI device: its loc is "
                           "pci:BUS:DEV[.FUNC]", t->name);
            return false;
        }
        break;
    case PLACE_PCI_OR_MMIO:
        if (loc->set && !loc_is_pci(&loc->loc)) {
            if (loc->loc.space != LOC_MEM) {
                resolver_error(r, &loc->arg->loc, "vdev %s: a memory-mapped transport needs a "
                               "mem: location", t->name);
                return false;
            }
            if (!intr->set) {
                resolver_error(r, &loc->arg->loc, "vdev %s at %s needs an intr as well to be "
                               "memory-mapped (without loc it is a PCI device)", t->name,
                               loc_text(r->a, &loc->loc));
                return false;
            }
            v->mmio_transport = true;
        } else {
            v->pci = true;
        }
        break;
    case PLACE_FIXED:
        if (loc->set && loc_is_pci(&loc->loc)) {
            resolver_error(r, &loc->arg->loc, "vdev %s is not a PCI device: its loc is %s",
                           t->name, t->loc_any_space ? "mem:ADDR or io:PORT"
                                    : t->loc_space == LOC_IO ? "io:PORT" : "mem:ADDR");
            return false;
        }
        if (loc->set && loc->loc.space != t->loc_space && !t->loc_any_space) {
            resolver_error(r, &loc->arg->loc, "vdev %s has %s registers: its loc is %s", t->name,
                           t->loc_space == LOC_IO ? "I/O-port" : "memory-mapped",
                           t->loc_space == LOC_IO ? "io:PORT" : "mem:ADDR");
            return false;
        }
        if (!loc->set && !t->has_default_loc) {
            resolver_error(r, &v->at, "vdev %s needs a loc (it has no default location)",
                           t->name);
            return false;
        }
        if (!loc->set && t->default_loc.space == LOC_IO && r->vm->arch != ARCH_X86_64) {
            resolver_error(r, &v->at, "vdev %s needs a loc on %s (its default, io:0x%x, exists "
                           "on x86_64 only)", t->name, arch_name(r->vm->arch),
                           (unsigned)t->default_loc.addr);
            return false;
        }
        break;
    case PLACE_NONE:
        break;
    }
    if (loc->set)
        v->loc = loc->loc;
    else if (!v->pci)
        v->loc = t->default_loc;
    else
        v->loc.space = LOC_NONE; /* a PCI slot is assigned later */
    return true;
}

bool vdev_valid(const struct resolver *r, unsigned i)
{
    return !r->vwork[i].invalid;
}

static void vdev_finish(struct resolver *r, unsigned idx)
{
    struct vdev_spec *v = &r->vm->vdevs[idx];
    struct vdev_work *w = &r->vwork[idx];
    const struct vdev_type *t = v->type;
    unsigned errors_before = r->d->errors;
    if (!(t->arch & r->vm->arch)) {
        resolver_error(r, &v->at, "vdev %s exists on %s only; this configuration is for %s (set "
                       "arch %s to check it for %s)", t->name, arch_name(t->arch),
                       arch_name(r->vm->arch), arch_name(t->arch), arch_name(t->arch));
        w->invalid = true;
        return;
    }
    v->named = w->common[COMMON_OPT_NAME].set;
    v->name = v->named ? w->common[COMMON_OPT_NAME].s : t->name;
    if (w->invalid || !vdev_place(r, v, w)) {
        /* its options or place were wrong: its lines and checks would only mislead */
        w->invalid = true;
        return;
    }
    const struct optval *intr = &w->common[COMMON_OPT_INTR];
    if (intr->set && t->intr_list) {
        unsigned n = 0;
        for (const struct optval *o = intr; o; o = o->next)
            n += o->list.n;
        v->intr = arena_alloc(r->a, n * sizeof(*v->intr));
        for (const struct optval *o = intr; o; o = o->next)
            for (unsigned i = 0; i < o->list.n; i++)
                v->intr[v->nintr++] = o->list.v[i];
    } else if (intr->set) {
        v->intr = arena_alloc(r->a, sizeof(*v->intr));
        v->intr[0] = intr->intr;
        v->nintr = 1;
    } else if (t->intr_required) {
        resolver_error(r, &v->at, "vdev %s needs an intr", t->name);
    }
    const struct optval *hv = &w->common[COMMON_OPT_HOSTVECTOR];
    if (hv->set)
        v->hostvector = (uint32_t)hv->u;
    v->has_hostvector = hv->set;
    const struct optval *log = &w->common[COMMON_OPT_LOG];
    for (const struct optval *o = log; o && o->set; o = o->next)
        v->nlogs++;
    v->logs = arena_alloc(r->a, (v->nlogs + 1) * sizeof(*v->logs));
    v->nlogs = 0;
    for (const struct optval *o = log; o && o->set; o = o->next)
        v->logs[v->nlogs++] = o->log;
    if (t->validate)
        t->validate(r, v);
    if (r->d->errors != errors_before)
        w->invalid = true;
}

static const struct source implicit_source = { .name = "<implicit>", .dir = "." };

/* A vdev every VM of an architecture has: the arm64 gic (unless the
 * configuration declares one) and the x86 ACPI power-management block. */
static const struct token implicit_token = { .text = "", .loc = { &implicit_source, 1, 1 } };

/* loc: where the implicit vdev sits (NULL: its default); it is added only when
 * no vdev of the type is declared there (or at all, without loc). */
static void add_implicit(struct resolver *r, const struct vdev_type *type,
                         const struct guest_loc *loc)
{
    for (unsigned i = 0; i < r->vm->nvdevs; i++) {
        const struct vdev_spec *o = &r->vm->vdevs[i];
        if (o->type != type)
            continue;
        const struct optval *l = &r->vwork[i].common[COMMON_OPT_LOC];
        if (!loc || (l->set && l->loc.space == loc->space && l->loc.addr == loc->addr))
            return;
    }
    unsigned i = new_vdev(r, type, (struct srcloc){ .src = &implicit_source, .line = 1, .col = 1 });
    r->vm->vdevs[i].implicit = true;
    if (loc)
        r->vwork[i].common[COMMON_OPT_LOC] =
            (struct optval){ .set = true, .loc = *loc, .arg = &implicit_token };
}

/* set kernel-irqchip on: KVM's I/O APIC and 8259 pair exist at their PC
 * addresses whatever the configuration says; declared ones must sit there. */
static void kernel_irqchip_layout(struct resolver *r)
{
    static const struct guest_loc ioapic = { .space = LOC_MEM, .addr = 0xfec00000 };
    static const struct guest_loc master = { .space = LOC_IO, .addr = 0x20 };
    static const struct guest_loc slave = { .space = LOC_IO, .addr = 0xa0 };
    const struct vm_spec *vm = r->vm;
    const struct vdev_spec *first = NULL;
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        const struct vdev_spec *v = &vm->vdevs[i];
        const struct optval *l = &r->vwork[i].common[COMMON_OPT_LOC];
        if (v->type != &vdev_ioapic)
            continue;
        if (first) {
            resolver_error(r, &v->at, "set kernel-irqchip on: KVM has one I/O APIC; a second "
                           "ioapic (the first is at %s) needs kernel-irqchip off",
                           srcloc_str(&first->at));
            continue;
        }
        first = v;
        if (l->set && (l->loc.space != LOC_MEM || l->loc.addr != ioapic.addr))
            resolver_error(r, &l->arg->loc, "set kernel-irqchip on: KVM's I/O APIC is at "
                           "mem:0xfec00000, not %s", loc_text(r->a, &l->loc));
    }
    add_implicit(r, &vdev_ioapic, NULL);
    add_implicit(r, &vdev_8259, &master);
    add_implicit(r, &vdev_8259, &slave);
}

/* Named vdevs appear under the VM's runtime directory: two may not share a name. */
static void check_names(struct resolver *r)
{
    const struct vm_spec *vm = r->vm;
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        const struct vdev_spec *v = &vm->vdevs[i];
        if (!v->named)
            continue;
        for (unsigned j = 0; j < i; j++) {
            if (v->type->controller && vm->vdevs[j].type->controller)
                continue; /* reported as a controller name */
            if (vm->vdevs[j].named && !strcmp(vm->vdevs[j].name, v->name)) {
                resolver_error(r, &r->vwork[i].common[COMMON_OPT_NAME].arg->loc,
                               "vdev name '%s' is already used by %s at %s", v->name,
                               vdev_label(r, &vm->vdevs[j]), srcloc_str(&vm->vdevs[j].at));
                break;
            }
        }
    }
}

void resolve_vdevs_finish(struct resolver *r)
{
    if (r->vm->arch == ARCH_ARM64) {
        add_implicit(r, vdev_type_find("gic"), NULL);
    } else {
        add_implicit(r, &vdev_acpi_pm, NULL);
        if (r->vm->vars[VAR_KERNEL_IRQCHIP].b)
            kernel_irqchip_layout(r);
    }
    for (unsigned i = 0; i < r->vm->nvdevs; i++)
        vdev_finish(r, i);
    check_names(r);
}
