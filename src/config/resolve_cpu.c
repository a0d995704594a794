/* cpu contexts: one vCPU each. */
#include "config/resolve_internal.h"

#include <string.h>

enum { MAX_VCPUS = 254 }; /* xAPIC IDs 0..254; the MADT and MP table describe no more */

void resolve_cpu_open(struct resolver *r, const struct cfg_entry *e)
{
    struct vm_spec *vm = r->vm;
    vm->cpus = arena_grow(r->a, vm->cpus, &r->cap_cpus, vm->ncpus + 1, sizeof(*vm->cpus));
    struct cpu_spec *c = &vm->cpus[vm->ncpus];
    memset(c, 0, sizeof(*c));
    c->at = e->word->loc;
    c->policy = SCHED_POLICY_INHERIT;
    r->ctx_index[e->ctx] = (int)vm->ncpus++;
}

static void cpu_runmask(struct resolver *r, struct cpu_spec *c, const struct token *t)
{
    uint64_t mask[SPEC_MAX_HOST_CPUS / 64] = { 0 };
    for (size_t off = 0; off <= t->len;) {
        size_t end = tok_find(t, off, ',');
        uint64_t n;
        if (!read_number(r, t, off, end - off, NUM_COUNT, "runmask CPU", &n))
            return;
        if (n >= SPEC_MAX_HOST_CPUS) {
            struct srcloc at = token_loc_at(t, off);
            resolver_error(r, &at, "runmask CPU %llu is beyond the largest host CPU kqvm "
                           "supports (%d)", (unsigned long long)n, SPEC_MAX_HOST_CPUS - 1);
            return;
        }
        mask[n / 64] |= UINT64_C(1) << (n % 64);
        off = end + 1;
    }
    memcpy(c->runmask, mask, sizeof(mask));
    c->has_runmask = true;
}

/* sched PRIO[r|f|o]; the sporadic form HI,LO,MAXREPL,PERIOD,BUDGETs is QNX-only. */
static void cpu_sched(struct resolver *r, struct cpu_spec *c, const struct token *t)
{
    if (tok_find(t, 0, ',') < t->len) {
        resolver_error(r, &t->loc, "sporadic scheduling (sched HI,LO,MAXREPL,PERIOD,BUDGETs) is "
                       "QNX-only: Linux has no SCHED_SPORADIC; use sched PRIO[r|f|o]");
        return;
    }
    size_t len = t->len;
    enum sched_policy policy = SCHED_POLICY_RR;
    char last = len ? t->text[len - 1] : 0;
    if (last == 'r' || last == 'f' || last == 'o') {
        policy = last == 'r' ? SCHED_POLICY_RR : last == 'f' ? SCHED_POLICY_FIFO
                                                             : SCHED_POLICY_OTHER;
        len--;
    } else if (last == 's') {
        resolver_error(r, &t->loc, "sporadic scheduling (policy 's') is QNX-only: Linux has no "
                       "SCHED_SPORADIC; use r, f or o");
        return;
    }
    uint64_t prio;
    if (!read_number(r, t, 0, len, NUM_COUNT, "sched priority", &prio))
        return;
    if (policy != SCHED_POLICY_OTHER && (prio < 1 || prio > 99)) {
        resolver_error(r, &t->loc, "sched priority %llu is outside Linux's real-time range (1 to "
                       "99)", (unsigned long long)prio);
        return;
    }
    if (policy == SCHED_POLICY_OTHER && (prio < 1 || prio > 255)) {
        resolver_error(r, &t->loc, "sched priority %llu is outside QNX's range (1 to 255)",
                       (unsigned long long)prio);
        return;
    }
    c->policy = policy;
    c->priority = (unsigned)prio;
}

void resolve_cpu_option(struct resolver *r, const struct cfg_entry *e)
{
    if (e->nargs < option_nargs(e->opt))
        return;
    struct cpu_spec *c = &r->vm->cpus[r->ctx_index[e->ctx]];
    const struct token *t = e->args[0];
    switch ((enum cpu_opt)(e->opt - cpu_options)) {
    case CPU_RUNMASK:
        cpu_runmask(r, c, t);
        return;
    case CPU_SCHED:
        cpu_sched(r, c, t);
        return;
    case CPU_PARTITION:
        resolver_error(r, &e->word->loc, "cpu partition: QNX adaptive partitions do not exist on "
                       "Linux; use runmask and sched to place the vCPU thread");
        return;
    case CPU_CLUSTER:
        resolver_error(r, &e->word->loc, "cpu cluster: QNX CPU clusters do not exist on Linux; "
                       "use runmask to choose host CPUs");
        return;
    case CPU_OPT_COUNT:
        break;
    }
}

void resolve_cpus_finish(struct resolver *r)
{
    struct vm_spec *vm = r->vm;
    if (vm->ncpus == 0) {
        vm->cpus = arena_alloc(r->a, sizeof(*vm->cpus));
        vm->cpus[0].policy = SCHED_POLICY_INHERIT;
        vm->ncpus = 1;
    }
    if (vm->ncpus > MAX_VCPUS)
        resolver_error(r, &vm->cpus[MAX_VCPUS].at, "too many vCPUs: %u (kqvm supports up to %d)",
                       vm->ncpus, MAX_VCPUS);
}
