/* The pass-through set of a run: opened before the first boot, attached to
 * each boot's VM, closed at the end. */
#include "pass/pass.h"

#include "pass/irq.h"

#include "util/log.h"

#include <inttypes.h>
#include <stdlib.h>

bool pass_runnable(const struct pass_spec *p)
{
    if (p->has_loc && (p->loc.space == LOC_PCI_BDF || p->loc.space == LOC_PCI_ID)) {
        log_error("pass (%s): PCI pass-through (VFIO) is not built yet; dryrun accepts this "
                  "configuration, running it is refused", srcloc_str(&p->at));
        return false;
    }
    if (!p->has_intr)
        return true;
    switch (p->irq_source) {
    case PASS_IRQ_UIO:
    case PASS_IRQ_EVENTFD:
        return true;
    case PASS_IRQ_VFIO:
        log_error("pass intr %s:%u (%s): VFIO interrupts are not built yet; dryrun accepts this "
                  "configuration, running it is refused", p->intr.controller, p->intr.line,
                  srcloc_str(&p->at));
        return false;
    case PASS_IRQ_VECTOR:
        break;
    }
    log_error("pass intr %s:%u (%s): host vector %" PRIu64 ": Linux gives a host interrupt to "
              "user space only through UIO or VFIO; write =uio:N, =vfio:DEVICE[/INDEX] or "
              "=eventfd:FD", p->intr.controller, p->intr.line, srcloc_str(&p->at),
              p->host_vector);
    return false;
}

struct pass_set *pass_open(const struct vm_spec *spec)
{
    struct pass_set *ps = calloc(1, sizeof(*ps));
    if (!ps)
        return NULL;
    ps->spec = spec;
    ps->irqs = calloc(spec->npasses ? spec->npasses : 1, sizeof(*ps->irqs));
    bool ok = ps->irqs && pass_open_regions(ps);
    for (unsigned i = 0; ok && i < spec->npasses; i++) {
        const struct pass_spec *p = &spec->passes[i];
        if (!p->has_intr)
            continue;
        ps->irqs[ps->nirqs] = pass_irq_open(spec, p);
        ok = ps->irqs[ps->nirqs++] != NULL;
    }
    if (!ok) {
        pass_close(ps);
        return NULL;
    }
    return ps;
}

void pass_close(struct pass_set *ps)
{
    if (!ps)
        return;
    for (unsigned k = 0; k < ps->nirqs; k++)
        pass_irq_close(ps->irqs[k]);
    free(ps->irqs);
    pass_close_regions(ps);
    free(ps);
}

const struct pass_spec *pass_irq_spec(const struct pass_set *ps, unsigned k)
{
    return ps->irqs[k]->spec;
}

bool pass_irq_attach(struct pass_set *ps, unsigned k, struct irq_line *l, struct event_loop *loop)
{
    return pass_irq_attach_one(ps->irqs[k], l, loop);
}

void pass_irq_detach_all(struct pass_set *ps)
{
    for (unsigned k = 0; ps && k < ps->nirqs; k++)
        pass_irq_detach_one(ps->irqs[k]);
}

void pass_irq_report(const struct pass_set *ps)
{
    for (unsigned k = 0; ps && k < ps->nirqs; k++)
        pass_irq_report_one(ps->irqs[k]);
}
