/* dryrun for programs: `set dryrun-format json`. */
#include "config/print.h"

#include "config/resolver.h"
#include "util/json.h"
#include "vdev/vdev.h"

static void json_at(struct json *j, const struct srcloc *at)
{
    json_kstr(j, "at", srcloc_str(at));
}

static void json_map(struct json *j, struct arena *a, const struct vm_spec *vm)
{
    json_key(j, "memory_map");
    json_array(j);
    for (unsigned i = 0; i < vm->nmap; i++) {
        const struct region *g = &vm->map[i];
        json_object(j);
        json_kstr(j, "space", g->space == SPACE_IO ? "io" : "mem");
        json_ku64(j, "base", g->base);
        json_ku64(j, "length", g->length);
        json_kstr(j, "kind", region_kind_name(g->kind));
        json_kstr(j, "owner", g->owner);
        json_kstr(j, "what", g->what);
        json_at(j, &g->at);
        json_end(j, '}');
    }
    json_end(j, ']');
    (void)a;
}

static void json_cpus(struct json *j, struct arena *a, const struct vm_spec *vm)
{
    static const char *const policies[] = { "inherit", "rr", "fifo", "other" };
    json_key(j, "vcpus");
    json_array(j);
    for (unsigned i = 0; i < vm->ncpus; i++) {
        const struct cpu_spec *c = &vm->cpus[i];
        json_object(j);
        json_ku64(j, "index", i);
        json_kstr(j, "host_cpus", runmask_text(a, c));
        json_kstr(j, "policy", policies[c->policy]);
        json_ku64(j, "priority", c->priority);
        json_end(j, '}');
    }
    json_end(j, ']');
}

static void json_vdevs(struct json *j, struct arena *a, const struct vm_spec *vm)
{
    json_key(j, "vdevs");
    json_array(j);
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        const struct vdev_spec *v = &vm->vdevs[i];
        json_object(j);
        json_kstr(j, "type", v->type->name);
        json_kstr(j, "name", v->name);
        json_kstr(j, "loc", v->loc.space == LOC_NONE ? NULL : loc_text(a, &v->loc));
        json_kstr(j, "transport", v->pci ? "pci" : v->mmio_transport ? "mmio" : NULL);
        json_key(j, "intr");
        json_array(j);
        for (unsigned k = 0; k < v->nintr; k++)
            json_str(j, intr_text(a, &v->intr[k]));
        json_end(j, ']');
        if (v->controller_index >= 0)
            json_ku64(j, "hostvector", v->hostvector);
        json_key(j, "options");
        json_object(j);
        for (unsigned k = 0; k < v->type->noptions; k++) {
            const struct option_desc *o = &v->type->options[k];
            const struct optval *val = &v->opts[k];
            if (!val->set) {
                if (o->defval)
                    json_kstr(j, o->name, o->defval);
                continue;
            }
            if (o->flags & OPT_REPEAT) {
                json_key(j, o->name);
                json_array(j);
                for (; val; val = val->next)
                    json_str(j, optval_text(a, o, val));
                json_end(j, ']');
            } else {
                json_kstr(j, o->name, optval_text(a, o, val));
            }
        }
        json_end(j, '}');
        json_key(j, "log");
        json_array(j);
        for (unsigned k = 0; k < v->nlogs; k++)
            json_str(j, log_text(a, &v->logs[k]));
        json_end(j, ']');
        json_kbool(j, "implicit", v->implicit);
        json_at(j, &v->at);
        json_end(j, '}');
    }
    json_end(j, ']');
}

static void json_interrupts(struct json *j, const struct vm_spec *vm)
{
    json_key(j, "interrupt_controllers");
    json_array(j);
    for (unsigned c = 0; c < vm->ncontrollers; c++) {
        const struct controller_spec *cs = &vm->controllers[c];
        json_object(j);
        json_kstr(j, "name", cs->name);
        json_kstr(j, "type", cs->type ? cs->type->name : "lapic");
        json_ku64(j, "first_line", cs->first_line);
        json_ku64(j, "lines", cs->lines);
        json_ku64(j, "hostvector", cs->hostvector);
        json_key(j, "assigned");
        json_array(j);
        for (unsigned i = 0; i < vm->nintrs; i++) {
            const struct intr_assign *ia = &vm->intrs[i];
            if (ia->controller != c)
                continue;
            json_object(j);
            json_ku64(j, "line", ia->line);
            json_kstr(j, "user", ia->user);
            if (ia->vdev >= 0 && vm->vdevs[ia->vdev].nintr > 1)
                json_ku64(j, "timer", ia->slot);
            json_kbool(j, "automatic", ia->automatic);
            json_kbool(j, "shared", ia->shared);
            json_at(j, &ia->at);
            json_end(j, '}');
        }
        json_end(j, ']');
        json_end(j, '}');
    }
    json_end(j, ']');
}

static void json_passes(struct json *j, struct arena *a, const struct vm_spec *vm)
{
    json_key(j, "pass");
    json_array(j);
    for (unsigned i = 0; i < vm->npasses; i++) {
        const struct pass_spec *p = &vm->passes[i];
        json_object(j);
        if (p->has_loc) {
            json_kstr(j, "loc", loc_text(a, &p->loc));
            json_ku64(j, "length", p->length);
            json_kstr(j, "flags", pass_flags_text(a, p->flags));
            json_kstr(j, "host", pass_host_text(a, p));
        }
        if (p->has_intr) {
            json_kstr(j, "intr", arena_printf(a, "%s:%u", p->intr.controller, p->intr.line));
            json_kstr(j, "host_irq", pass_irq_text(a, p));
            if (p->irq_source == PASS_IRQ_VECTOR)
                json_ku64(j, "host_vector", p->host_vector);
            json_kbool(j, "unmask_at_once", p->intr_attr & PASS_INTR_UNMASK);
            json_kbool(j, "thread", p->intr_attr & PASS_INTR_THREAD);
        }
        json_at(j, &p->at);
        json_end(j, '}');
    }
    json_end(j, ']');
}

static void json_misc(struct json *j, struct arena *a, const struct vm_spec *vm)
{
    json_key(j, "loads");
    json_array(j);
    for (unsigned i = 0; i < vm->nloads; i++) {
        const struct load_spec *l = &vm->loads[i];
        json_object(j);
        json_kstr(j, "type", load_type_name(l->type));
        json_kstr(j, "path", l->path);
        if (l->has_addr)
            json_ku64(j, "addr", l->addr);
        json_at(j, &l->at);
        json_end(j, '}');
    }
    json_end(j, ']');
    json_kstr(j, "cmdline", vm->cmdline);
    json_key(j, "reserved");
    json_array(j);
    for (unsigned i = 0; i < vm->nreserves; i++) {
        const struct reserve_spec *rs = &vm->reserves[i];
        json_object(j);
        if (rs->is_intr) {
            json_kstr(j, "controller", rs->controller);
            json_ku64(j, "intr", rs->line);
        } else {
            json_kstr(j, "loc", loc_text(a, &rs->loc));
            if (rs->loc.space != LOC_PCI_BDF)
                json_ku64(j, "length", rs->length);
        }
        json_at(j, &rs->at);
        json_end(j, '}');
    }
    json_end(j, ']');
    json_key(j, "variables");
    json_object(j);
    for (int i = 0; i < VAR_COUNT; i++) {
        const struct option_desc *o = &var_table[i];
        const struct optval *v = &vm->vars[i];
        if ((o->arch && !(o->arch & vm->arch)) || (!v->set && !o->defval && i != VAR_ARCH))
            continue;
        json_kstr(j, o->name, optval_text(a, o, v));
    }
    json_end(j, '}');
    json_key(j, "loggers");
    json_array(j);
    for (unsigned i = 0; i < vm->nloggers; i++)
        json_str(j, log_text(a, &vm->loggers[i].log));
    json_end(j, ']');
    json_key(j, "unsupported");
    json_object(j);
    for (unsigned i = 0; i < UNSUP_COUNT; i++)
        json_kstr(j, unsupported_what_names[i], unsupported_action_names[vm->unsupported[i]]);
    json_end(j, '}');
    json_ku64(j, "tolerance_us", vm->tolerance_us);
    json_kstr(j, "dump_dir", vm->dump_dir);
    json_kstr(j, "dump_command", vm->dump_command);
    json_kstr(j, "safety", vm->safety == SAFETY_WARN ? "warn" : "none");
}

void print_spec_json(FILE *out, struct arena *a, const struct vm_spec *vm)
{
    struct json j;
    json_init(&j, out);
    json_object(&j);
    json_kstr(&j, "system", vm->system);
    json_kstr(&j, "arch", arch_name(vm->arch));
    json_map(&j, a, vm);
    json_cpus(&j, a, vm);
    json_vdevs(&j, a, vm);
    json_interrupts(&j, vm);
    json_passes(&j, a, vm);
    json_misc(&j, a, vm);
    json_end(&j, '}');
}
