/* Values of the resolved spec as text, for both dryrun formats. */
#include "config/print.h"

#include "config/resolver.h"

#include <inttypes.h>
#include <string.h>

const char *const unsupported_what_names[UNSUP_COUNT] = { "instruction", "reference", "register" };
const char *const unsupported_action_names[3] = { "abort", "fail", "ignore" };

const char *size_text(struct arena *a, uint64_t n)
{
    static const char *const units[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
    unsigned u = 0;
    uint64_t v = n;
    while (u < 4 && v >= 1024 && v % 1024 == 0) {
        v /= 1024;
        u++;
    }
    return arena_printf(a, "%" PRIu64 " %s", v, u == 0 && v == 1 ? "byte" : units[u]);
}

const char *log_text(struct arena *a, const struct log_spec *l)
{
    static const char *const filters[] = { "fatal", "internal", "error", "warn",
                                           "info",  "debug",    "verbose" };
    static const char *const dests[] = { "stdout", "stderr", "slog", "none" };
    char buf[128] = "";
    for (unsigned i = 0; i < 7; i++) {
        if (!(l->filters & (1u << i)))
            continue;
        if (buf[0])
            strcat(buf, ",");
        strcat(buf, filters[i]);
    }
    return arena_printf(a, "%s %s", buf, dests[l->dest]);
}

const char *intr_text(struct arena *a, const struct intr_ref *r)
{
    if (!r->has_line)
        return r->controller;
    return arena_printf(a, "%s:%u", r->controller, r->line);
}

const char *optval_text(struct arena *a, const struct option_desc *o, const struct optval *v)
{
    switch (o->type) {
    case VT_FLAG:
        return "on";
    case VT_STRING:
    case VT_NAME:
    case VT_PATH:
        return v->s;
    case VT_COUNT:
    case VT_SIZE:
        return arena_printf(a, "%" PRIu64, v->u);
    case VT_ADDRESS:
        return arena_printf(a, "0x%" PRIx64, v->u);
    case VT_BOOL:
        return v->b ? "on" : "off";
    case VT_TRISTATE:
        return v->e == TRI_AUTO ? "auto" : v->e == TRI_ON ? "on" : "off";
    case VT_ENUM:
        return o->choices[v->e];
    case VT_LOC:
        return loc_text(a, &v->loc);
    case VT_INTR:
        return intr_text(a, &v->intr);
    case VT_INTR_LIST: {
        const char *s = "";
        for (unsigned i = 0; i < v->list.n; i++)
            s = arena_printf(a, "%s%s%s", s, i ? "," : "", intr_text(a, &v->list.v[i]));
        return s;
    }
    case VT_HOSTDEV:
        if (v->hostdev.to_stdout)
            return ">-";
        if (v->hostdev.command)
            return arena_printf(a, ">|%s", v->hostdev.path);
        return arena_printf(a, "%s%s", v->hostdev.dir == HOSTDEV_OUT  ? ">"
                                       : v->hostdev.dir == HOSTDEV_IN ? "<"
                                                                      : "",
                            v->hostdev.path);
    case VT_LOG:
        return log_text(a, &v->log);
    case VT_CUSTOM:
        return v->arg ? v->arg->text : "";
    }
    return "";
}

const char *runmask_text(struct arena *a, const struct cpu_spec *c)
{
    if (!c->has_runmask)
        return "any";
    const char *s = "";
    for (unsigned i = 0; i < SPEC_MAX_HOST_CPUS; i++)
        if (c->runmask[i / 64] >> (i % 64) & 1)
            s = arena_printf(a, "%s%s%u", s, *s ? "," : "", i);
    return s;
}

const char *sched_text(struct arena *a, const struct cpu_spec *c)
{
    switch (c->policy) {
    case SCHED_POLICY_INHERIT: return "inherited";
    case SCHED_POLICY_RR: return arena_printf(a, "round-robin priority %u", c->priority);
    case SCHED_POLICY_FIFO: return arena_printf(a, "FIFO priority %u", c->priority);
    case SCHED_POLICY_OTHER:
        return arena_printf(a, "other (Linux SCHED_OTHER has no priority; %u not used)",
                            c->priority);
    }
    return "";
}

const char *region_kind_name(enum region_kind k)
{
    static const char *const names[] = { "ram", "rom", "pass", "vdev", "implicit" };
    return names[k];
}

const char *load_type_name(enum load_type t)
{
    for (unsigned i = 0; i < load_types_count; i++)
        if (load_types[i].type == t)
            return load_types[i].name;
    return "auto";
}

const char *pass_flags_text(struct arena *a, unsigned flags)
{
    static const struct {
        unsigned bit;
        char c;
    } letters[] = { { PASS_R, 'r' },       { PASS_W, 'w' },      { PASS_X, 'x' },
                    { PASS_NOCACHE, 'n' }, { PASS_CACHED, 'c' }, { PASS_RAM, 'm' } };
    char buf[8];
    unsigned n = 0;
    for (unsigned i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
        if (flags & letters[i].bit)
            buf[n++] = letters[i].c;
    buf[n] = '\0';
    return arena_strdup(a, buf);
}

const char *pass_host_text(struct arena *a, const struct pass_spec *p)
{
    switch (p->host_kind) {
    case PASS_HOST_SAME:
        return "same address on the host";
    case PASS_HOST_MEM:
    case PASS_HOST_IO:
    case PASS_HOST_PCI:
        return loc_text(a, &p->host);
    case PASS_HOST_FILE:
        return arena_printf(a, "file:%s@0x%" PRIx64, p->host_path, p->host_offset);
    case PASS_HOST_UIO:
        return arena_printf(a, "uio:%u/%u", p->uio, p->uio_map);
    }
    return "";
}

const char *pass_irq_text(struct arena *a, const struct pass_spec *p)
{
    switch (p->irq_source) {
    case PASS_IRQ_VECTOR:
        return arena_printf(a, "hostvector %" PRIu64, p->host_vector);
    case PASS_IRQ_UIO:
        return arena_printf(a, "uio:%u", p->irq_uio);
    case PASS_IRQ_VFIO:
        if (!p->irq_device)
            return "the device's INTx (VFIO)";
        return arena_printf(a, "vfio:%s/%u", p->irq_device, p->irq_index);
    case PASS_IRQ_EVENTFD:
        return arena_printf(a, "eventfd:%d", p->irq_fd);
    }
    return "";
}
