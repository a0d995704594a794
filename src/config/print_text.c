/* dryrun for people. */
#include "config/print.h"

#include "config/resolver.h"
#include "vdev/vdev.h"

#include <inttypes.h>

static void print_map(FILE *out, struct arena *a, const struct vm_spec *vm)
{
    fprintf(out, "Memory map (guest physical, then I/O ports):\n");
    for (unsigned i = 0; i < vm->nmap; i++) {
        const struct region *g = &vm->map[i];
        int width = g->space == SPACE_IO ? 4 : 12;
        fprintf(out, "  %-3s 0x%0*" PRIx64 "-0x%0*" PRIx64 "  %-9s %s%s%s  (%s)\n",
                g->space == SPACE_IO ? "io" : "mem", width, g->base, width,
                g->base + g->length - 1, size_text(a, g->length), g->owner, g->what ? " " : "",
                g->what ? g->what : "", srcloc_str(&g->at));
    }
}

static void print_cpus(FILE *out, struct arena *a, const struct vm_spec *vm)
{
    fprintf(out, "vCPUs: %u\n", vm->ncpus);
    for (unsigned i = 0; i < vm->ncpus; i++) {
        const struct cpu_spec *c = &vm->cpus[i];
        fprintf(out, "  vcpu%-3u host CPUs %s, scheduling %s\n", i, runmask_text(a, c),
                sched_text(a, c));
    }
}

static void print_vdev_options(FILE *out, struct arena *a, const struct vdev_spec *v)
{
    const struct vdev_type *t = v->type;
    for (unsigned k = 0; k < t->noptions; k++) {
        const struct option_desc *o = &t->options[k];
        const struct optval *val = &v->opts[k];
        if (!val->set) {
            if (o->defval)
                fprintf(out, "      %s %s (default)\n", o->name, o->defval);
            continue;
        }
        for (; val; val = val->next)
            fprintf(out, "      %s %s\n", o->name, optval_text(a, o, val));
    }
    for (unsigned k = 0; k < v->nlogs; k++)
        fprintf(out, "      log %s\n", log_text(a, &v->logs[k]));
}

static void print_vdevs(FILE *out, struct arena *a, const struct vm_spec *vm)
{
    fprintf(out, "vdevs: %u\n", vm->nvdevs);
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        const struct vdev_spec *v = &vm->vdevs[i];
        fprintf(out, "  %s name %s", v->type->name, v->name);
        if (v->loc.space != LOC_NONE)
            fprintf(out, " loc %s%s", loc_text(a, &v->loc),
                    v->pci ? " (PCI)" : v->mmio_transport ? " (memory-mapped)" : "");
        for (unsigned k = 0; k < v->nintr; k++)
            fprintf(out, "%s%s", k ? "," : " intr ", intr_text(a, &v->intr[k]));
        if (v->controller_index >= 0)
            fprintf(out, " hostvector %u", v->hostvector);
        fprintf(out, "  (%s%s)\n", srcloc_str(&v->at), v->implicit ? ", implicit" : "");
        print_vdev_options(out, a, v);
    }
}

static void print_interrupts(FILE *out, const struct vm_spec *vm)
{
    fprintf(out, "Interrupt controllers:\n");
    for (unsigned c = 0; c < vm->ncontrollers; c++) {
        const struct controller_spec *cs = &vm->controllers[c];
        if (!cs->type) {
            fprintf(out, "  apic: local APIC (in KVM), one per vCPU\n");
            continue;
        }
        fprintf(out, "  %s: %s, lines %u-%u, hostvector %u\n", cs->name, cs->type->name,
                cs->first_line, cs->first_line + cs->lines - 1, cs->hostvector);
        for (unsigned i = 0; i < vm->nintrs; i++) {
            const struct intr_assign *ia = &vm->intrs[i];
            if (ia->controller != c)
                continue;
            fprintf(out, "    line %-4u %s", ia->line, ia->user);
            if (ia->vdev >= 0 && vm->vdevs[ia->vdev].nintr > 1)
                fprintf(out, " timer %u", ia->slot);
            fprintf(out, "%s%s  (%s)\n", ia->automatic ? " [automatic]" : "",
                    ia->shared ? " [shared: HPET legacy replacement]" : "", srcloc_str(&ia->at));
        }
    }
}

static void print_passes(FILE *out, struct arena *a, const struct vm_spec *vm)
{
    if (!vm->npasses)
        return;
    fprintf(out, "Pass-through:\n");
    for (unsigned i = 0; i < vm->npasses; i++) {
        const struct pass_spec *p = &vm->passes[i];
        fprintf(out, "  pass");
        if (p->has_loc) {
            fprintf(out, " loc %s", loc_text(a, &p->loc));
            if (p->loc.space == LOC_MEM || p->loc.space == LOC_IO)
                fprintf(out, " length %s flags %s", size_text(a, p->length),
                        pass_flags_text(a, p->flags));
            fprintf(out, " from %s", pass_host_text(a, p));
        }
        if (p->has_intr)
            fprintf(out, " intr %s:%u from %s%s%s", p->intr.controller, p->intr.line,
                    pass_irq_text(a, p),
                    p->intr_attr & PASS_INTR_UNMASK ? " unmask-at-once" : "",
                    p->intr_attr & PASS_INTR_THREAD ? " thread" : "");
        fprintf(out, "  (%s)\n", srcloc_str(&p->at));
    }
}

static void print_misc(FILE *out, struct arena *a, const struct vm_spec *vm)
{
    if (vm->nloads) {
        fprintf(out, "Loads:\n");
        for (unsigned i = 0; i < vm->nloads; i++) {
            const struct load_spec *l = &vm->loads[i];
            fprintf(out, "  %-6s %s", load_type_name(l->type), l->path);
            if (l->has_addr)
                fprintf(out, " at 0x%" PRIx64, l->addr);
            fprintf(out, "  (%s)\n", srcloc_str(&l->at));
        }
    }
    if (vm->cmdline) {
        fputs("Command line: \"", out);
        for (const char *c = vm->cmdline; *c; c++) {
            if (*c == '"' || *c == '\\')
                fputc('\\', out);
            fputc(*c, out);
        }
        fputs("\"\n", out);
    }
    if (vm->nreserves) {
        fprintf(out, "Reserved:\n");
        for (unsigned i = 0; i < vm->nreserves; i++) {
            const struct reserve_spec *rs = &vm->reserves[i];
            if (rs->is_intr)
                fprintf(out, "  intr %s%s%u\n", rs->controller ? rs->controller : "",
                        rs->controller ? ":" : "(every controller) ", rs->line);
            else if (rs->loc.space == LOC_PCI_BDF)
                fprintf(out, "  loc %s\n", loc_text(a, &rs->loc));
            else
                fprintf(out, "  loc %s length %s\n", loc_text(a, &rs->loc),
                        size_text(a, rs->length));
        }
    }
    fprintf(out, "Variables:\n");
    for (int i = 0; i < VAR_COUNT; i++) {
        const struct option_desc *o = &var_table[i];
        const struct optval *v = &vm->vars[i];
        if (o->arch && !(o->arch & vm->arch))
            continue;
        if (!v->set && !o->defval && i != VAR_ARCH)
            continue;
        fprintf(out, "  %-22s %s%s\n", o->name, optval_text(a, o, v), v->set ? "" : " (default)");
    }
    fprintf(out, "Logging:\n");
    for (unsigned i = 0; i < vm->nloggers; i++)
        fprintf(out, "  logger %s\n", log_text(a, &vm->loggers[i].log));
    fprintf(out, "Unsupported: instruction %s, reference %s, register %s\n",
            unsupported_action_names[vm->unsupported[UNSUP_INSTRUCTION]],
            unsupported_action_names[vm->unsupported[UNSUP_REFERENCE]],
            unsupported_action_names[vm->unsupported[UNSUP_REGISTER]]);
    fprintf(out, "Timer tolerance: %u us\n", vm->tolerance_us);
    if (vm->dump_dir)
        fprintf(out, "Dump: to directory %s\n", vm->dump_dir);
    else if (vm->dump_command)
        fprintf(out, "Dump: to command \"%s\"\n", vm->dump_command);
    fprintf(out, "Safety: %s\n", vm->safety == SAFETY_WARN ? "warn" : "none");
}

void print_spec_text(FILE *out, struct arena *a, const struct vm_spec *vm)
{
    fprintf(out, "VM %s (%s)\n", vm->system, arch_name(vm->arch));
    print_map(out, a, vm);
    print_cpus(out, a, vm);
    print_vdevs(out, a, vm);
    print_interrupts(out, vm);
    print_passes(out, a, vm);
    print_misc(out, a, vm);
}

void print_spec(FILE *out, struct arena *a, const struct vm_spec *vm)
{
    if (vm->vars[VAR_DRYRUN_FORMAT].e == 1)
        print_spec_json(out, a, vm);
    else
        print_spec_text(out, a, vm);
}
