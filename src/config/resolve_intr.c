/* Interrupts: the controllers of the VM, every intr resolved to a line,
 * uniqueness per controller, and automatic numbers. */
#include "config/resolve_internal.h"

#include "config/suggest.h"

#include <stdlib.h>
#include <string.h>

static const struct source implicit_source = { .name = "<implicit>", .dir = "." };

static void add_controller(struct resolver *r, const struct controller_spec *c)
{
    struct vm_spec *vm = r->vm;
    vm->controllers = arena_grow(r->a, vm->controllers, &r->cap_controllers, vm->ncontrollers + 1,
                                 sizeof(*c));
    vm->controllers[vm->ncontrollers++] = *c;
}

/* The implicit local APIC (x86), then every controller vdev in order. */
static void collect_controllers(struct resolver *r)
{
    struct vm_spec *vm = r->vm;
    if (vm->arch == ARCH_X86_64)
        add_controller(r, &(struct controller_spec){
                              .name = "apic", .vdev = -1,
                              .at = { .src = &implicit_source, .line = 1, .col = 1 } });
    uint32_t next_hostvector = 0; /* QNX: the previous controller's hostvector + its lines */
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        struct vdev_spec *v = &vm->vdevs[i];
        const struct controller_desc *cd = v->type->controller;
        if (!cd || !vdev_valid(r, i))
            continue;
        unsigned lines = cd->count_lines ? cd->count_lines(v, vm) : cd->lines;
        if (lines == 0)
            continue; /* not a controller of its own (the 8259 slave) */
        if (strchr(v->name, ':')) {
            resolver_error(r, &v->at, "interrupt controller name '%s' may not contain ':'",
                           v->name);
            continue;
        }
        for (unsigned j = 0; j < vm->ncontrollers; j++) {
            if (!strcmp(vm->controllers[j].name, v->name)) {
                resolver_error(r, &v->at, "interrupt controller name '%s' is already used by the "
                               "controller at %s", v->name, srcloc_str(&vm->controllers[j].at));
                break;
            }
        }
        if (!v->has_hostvector)
            v->hostvector = next_hostvector;
        uint64_t end = (uint64_t)v->hostvector + cd->first_line + lines;
        if (end > UINT32_MAX) {
            resolver_error(r, &v->at, "hostvector %u: the %u lines of %s would number past "
                           "4294967295", v->hostvector, lines, v->name);
            continue;
        }
        next_hostvector = (uint32_t)end;
        v->controller_index = (int)vm->ncontrollers;
        add_controller(r, &(struct controller_spec){ .name = v->name, .type = v->type,
                                                     .vdev = (int)i, .lines = lines,
                                                     .first_line = cd->first_line,
                                                     .hostvector = v->hostvector, .at = v->at });
    }
}

static int find_controller(const struct vm_spec *vm, const char *name)
{
    for (unsigned i = 0; i < vm->ncontrollers; i++)
        if (!strcmp(vm->controllers[i].name, name))
            return (int)i;
    return -1;
}

/* Who is asking for a line: a vdev (and which of its intr) or a pass. */
struct intr_user {
    int vdev, pass;
    unsigned slot;
    size_t entry; /* position in the input, for the ordering rule */
    const char *label;
};

static size_t controller_entry(const struct resolver *r, const struct controller_spec *c)
{
    return c->vdev < 0 ? 0 : r->vwork[c->vdev].entry;
}

/* Check a reference and return its controller index, or -1. */
static int check_ref(struct resolver *r, const struct intr_ref *ref, const struct intr_user *u,
                     bool is_controller)
{
    const struct vm_spec *vm = r->vm;
    int ci = find_controller(vm, ref->controller);
    if (ci < 0) {
        struct suggest s;
        char hint[160];
        suggest_init(&s, ref->controller);
        for (unsigned i = 0; i < vm->ncontrollers; i++)
            suggest_consider(&s, vm->controllers[i].name);
        resolver_error(r, &ref->at, "unknown interrupt controller '%s'%s", ref->controller,
                       suggest_text(&s, hint, sizeof(hint)));
        return -1;
    }
    const struct controller_spec *c = &vm->controllers[ci];
    if (c->vdev >= 0 && controller_entry(r, c) > u->entry && !vm->vdevs[c->vdev].implicit) {
        resolver_error(r, &ref->at, "interrupt controller '%s' is declared at %s, after its use "
                       "here: declare controllers before the vdevs that use them", c->name,
                       srcloc_str(&c->at));
        return -1;
    }
    if (c->lines == 0) { /* the local APIC */
        if (!is_controller) {
            resolver_error(r, &ref->at, "only interrupt controllers connect to the local APIC; "
                           "give a line of an ioapic or 8259 (CONTROLLER:LINE)");
            return -1;
        }
        if (ref->has_line) {
            resolver_error(r, &ref->at, "the local APIC takes no line number: write 'intr apic'");
            return -1;
        }
        return ci;
    }
    if (is_controller) {
        resolver_error(r, &ref->at, "an interrupt controller connects to the local APIC: write "
                       "'intr apic'");
        return -1;
    }
    if (ref->has_line) {
        const struct controller_desc *cd = c->type->controller;
        if (ref->line < c->first_line || ref->line - c->first_line >= c->lines) {
            resolver_error(r, &ref->at, "line %u is out of range for %s: lines %u to %u", ref->line,
                           c->name, c->first_line, c->first_line + c->lines - 1);
            return -1;
        }
        const char *why = cd->line_reserved ? cd->line_reserved(&vm->vdevs[c->vdev], ref->line)
                                            : NULL;
        if (why) {
            resolver_error(r, &ref->at, "line %u of %s cannot be given to a device: %s",
                           ref->line, c->name, why);
            return -1;
        }
    }
    return ci;
}

static bool is_type(const struct vm_spec *vm, int vdev, const char *name)
{
    return vdev >= 0 && !strcmp(vm->vdevs[vdev].type->name, name);
}

/* QNX's HPET legacy replacement: hpet timer 0 may share its line with the PIT
 * and timer 1 with the RTC, since the HPET replaces them when it routes so. */
static bool legacy_share(const struct vm_spec *vm, const struct intr_assign *a,
                         const struct intr_user *u)
{
    const struct intr_assign b = { .vdev = u->vdev, .slot = u->slot };
    const struct intr_assign *hpet = is_type(vm, a->vdev, "hpet") ? a : &b;
    const struct intr_assign *other = hpet == a ? &b : a;
    if (!is_type(vm, hpet->vdev, "hpet") || hpet->slot > 1)
        return false;
    /* legacy-free clears the HPET's legacy replacement capability */
    bool common;
    unsigned idx;
    const struct vdev_spec *hv = &vm->vdevs[hpet->vdev];
    if (vdev_option_find(hv->type, "legacy-free", &common, &idx) && hv->opts[idx].set)
        return false;
    return is_type(vm, other->vdev, hpet->slot == 0 ? "timer8254" : "mc146818");
}

/* Lines that are one wire at run time: with kernel-irqchip every number is
 * one KVM GSI for the I/O APIC and the 8259 both; with kqvm's models the
 * first I/O APIC's ISA lines (0-15 but the cascade) reach the 8259's pin of
 * the same number, as on a PC. Two users of such a pair would drive one pin. */
static void check_isa_lines(struct resolver *r)
{
    struct vm_spec *vm = r->vm;
    const bool kernel = vm->vars[VAR_KERNEL_IRQCHIP].b;
    int first_ioapic = -1;
    for (unsigned c = 0; c < vm->ncontrollers && first_ioapic < 0; c++)
        if (vm->controllers[c].type == &vdev_ioapic)
            first_ioapic = (int)c;
    for (unsigned i = 0; i < vm->nintrs; i++) {
        for (unsigned j = 0; j < i; j++) {
            const struct intr_assign *a = &vm->intrs[j], *b = &vm->intrs[i];
            const struct controller_spec *ca = &vm->controllers[a->controller],
                                         *cb = &vm->controllers[b->controller];
            if (a->line != b->line || a->controller == b->controller || !ca->lines ||
                !cb->lines)
                continue;
            bool isa_pair = a->line < 16 && a->line != 2 &&
                            ((ca->type == &vdev_8259 && (int)b->controller == first_ioapic) ||
                             (cb->type == &vdev_8259 && (int)a->controller == first_ioapic));
            if (!kernel && !isa_pair)
                continue;
            const struct intr_user u = { .vdev = b->vdev, .pass = b->pass, .slot = b->slot };
            if (b->vdev >= 0 && a->vdev >= 0 && legacy_share(vm, a, &u))
                continue; /* the HPET replacing the PIT or the RTC */
            const struct intr_assign *later = srcloc_before(&a->at, &b->at) ? b : a;
            const struct intr_assign *earlier = later == b ? a : b;
            const char *why = kernel ? "set kernel-irqchip on: %s:%u and %s:%u are the same KVM "
                                       "GSI %u, already used by %s at %s"
                                     : "%s:%u and %s:%u are one ISA line (kqvm wires the first "
                                       "ioapic's lines 0-15 to the 8259's, as on a PC; line %u), "
                                       "already used by %s at %s";
            resolver_error(r, &later->at, why, vm->controllers[later->controller].name,
                           later->line, vm->controllers[earlier->controller].name, earlier->line,
                           later->line, earlier->user, srcloc_str(&earlier->at));
        }
    }
}

static void assign(struct resolver *r, unsigned ci, uint32_t line, const struct intr_user *u,
                   const struct srcloc *at, bool automatic)
{
    struct vm_spec *vm = r->vm;
    bool shared = false;
    for (unsigned i = 0; i < vm->nintrs; i++) {
        struct intr_assign *a = &vm->intrs[i];
        if (a->controller != ci || a->line != line)
            continue;
        if (legacy_share(vm, a, u)) {
            a->shared = shared = true;
            continue;
        }
        resolver_error(r, at, "interrupt %s:%u is already used by %s at %s",
                       vm->controllers[ci].name, line, a->user, srcloc_str(&a->at));
        return;
    }
    vm->intrs = arena_grow(r->a, vm->intrs, &r->cap_intrs, vm->nintrs + 1, sizeof(*vm->intrs));
    vm->intrs[vm->nintrs++] = (struct intr_assign){ .controller = ci, .line = line,
                                                    .user = u->label, .vdev = u->vdev,
                                                    .pass = u->pass, .slot = u->slot,
                                                    .automatic = automatic, .shared = shared,
                                                    .at = *at };
}

static bool line_taken(const struct resolver *r, unsigned ci, uint32_t line)
{
    const struct vm_spec *vm = r->vm;
    for (unsigned i = 0; i < vm->nintrs; i++)
        if (vm->intrs[i].controller == ci && vm->intrs[i].line == line)
            return true;
    for (unsigned i = 0; i < vm->nreserves; i++) {
        const struct reserve_spec *rs = &vm->reserves[i];
        if (rs->is_intr && rs->line == line &&
            (!rs->controller || !strcmp(rs->controller, vm->controllers[ci].name)))
            return true;
    }
    return false;
}

static void assign_auto(struct resolver *r, unsigned ci, const struct intr_user *u,
                        const struct srcloc *at, uint32_t *out)
{
    const struct controller_spec *c = &r->vm->controllers[ci];
    const struct controller_desc *cd = c->type->controller;
    const struct vdev_spec *cv = &r->vm->vdevs[c->vdev];
    unsigned n = cd->auto_lines ? cd->nauto : c->lines;
    for (unsigned i = 0; i < n; i++) {
        uint32_t line = cd->auto_lines ? cd->auto_lines[i] : c->first_line + i;
        if (line - c->first_line >= c->lines || (cd->line_reserved && cd->line_reserved(cv, line)) ||
            line_taken(r, ci, line))
            continue;
        assign(r, ci, line, u, at, true);
        *out = line;
        return;
    }
    resolver_error(r, at, "no free line left on interrupt controller '%s' for %s", c->name,
                   u->label);
}

/* The controller a PCI device without intr gets its line from: the first one
 * with lines (an ioapic, an 8259 or the gic); none means MSI only. */
static int default_controller(const struct vm_spec *vm)
{
    for (unsigned i = 0; i < vm->ncontrollers; i++)
        if (vm->controllers[i].lines)
            return (int)i;
    return -1;
}

static int assign_cmp(const void *pa, const void *pb)
{
    const struct intr_assign *a = pa, *b = pb;
    if (a->controller != b->controller)
        return a->controller < b->controller ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return srcloc_before(&a->at, &b->at) ? -1 : srcloc_before(&b->at, &a->at);
}

void resolve_interrupts(struct resolver *r)
{
    struct vm_spec *vm = r->vm;
    collect_controllers(r);
    for (unsigned i = 0; i < vm->nreserves; i++) {
        const struct reserve_spec *rs = &vm->reserves[i];
        if (rs->is_intr && rs->controller && find_controller(vm, rs->controller) < 0)
            resolver_error(r, &rs->arg_at, "reserve intr: unknown interrupt controller '%s'",
                           rs->controller);
    }
    /* Explicit lines first, so that automatic ones avoid all of them. */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < vm->nvdevs; i++) {
            struct vdev_spec *v = &vm->vdevs[i];
            if (!vdev_valid(r, i))
                continue;
            struct intr_user u = { .vdev = (int)i, .pass = -1, .entry = r->vwork[i].entry,
                                   .label = vdev_label(r, v) };
            bool is_controller = v->type->controller != NULL;
            for (unsigned k = 0; k < v->nintr; k++) {
                struct intr_ref *ref = &v->intr[k];
                u.slot = k;
                if ((pass == 0) != (ref->has_line || is_controller))
                    continue;
                int ci = check_ref(r, ref, &u, is_controller);
                if (ci < 0 || vm->controllers[ci].lines == 0)
                    continue;
                if (pass == 0) {
                    assign(r, (unsigned)ci, ref->line, &u, &ref->at, false);
                } else if (!v->pci) {
                    resolver_error(r, &ref->at, "intr %s needs a line number: only PCI devices "
                                   "get one assigned (intr %s:N)", ref->controller,
                                   ref->controller);
                } else {
                    assign_auto(r, (unsigned)ci, &u, &ref->at, &ref->line);
                    ref->has_line = true;
                }
            }
            /* A PCI device without intr gets an automatic INTx line. */
            if (pass == 1 && v->pci && v->nintr == 0 && (v->type->common & COMMON_INTR)) {
                int ci = default_controller(vm);
                if (ci < 0)
                    continue;
                v->intr = arena_alloc(r->a, sizeof(*v->intr));
                v->intr[0] = (struct intr_ref){ .controller = vm->controllers[ci].name,
                                                .at = v->at };
                v->nintr = 1;
                assign_auto(r, (unsigned)ci, &u, &v->at, &v->intr[0].line);
                v->intr[0].has_line = true;
            }
        }
        if (pass == 1)
            break;
        for (unsigned i = 0; i < vm->npasses; i++) {
            struct pass_spec *p = &vm->passes[i];
            if (!p->has_intr)
                continue;
            struct intr_user u = { .vdev = -1, .pass = (int)i, .entry = p->seq, .label = "pass" };
            int ci = check_ref(r, &p->intr, &u, false);
            if (ci < 0)
                continue;
            assign(r, (unsigned)ci, p->intr.line, &u, &p->intr.at, false);
            const struct controller_spec *c = &vm->controllers[ci];
            if (p->irq_source == PASS_IRQ_VECTOR && !p->has_host_vector)
                p->host_vector = (uint64_t)c->hostvector + p->intr.line;
        }
    }
    check_isa_lines(r);
    /* The interrupt table reads by controller and line. */
    if (vm->nintrs)
        qsort(vm->intrs, vm->nintrs, sizeof(*vm->intrs), assign_cmp);
}
