/* The pass-through set of a run: opened before the first boot, attached to
 * each boot's VM, closed at the end. */
#include "pass/pass.h"

#include "pass/irq.h"
#include "pass/vfio.h"
#include "util/log.h"

#include <inttypes.h>
#include <stdlib.h>

bool pass_runnable(const struct pass_spec *p)
{
    if (!p->has_intr)
        return true;
    switch (p->irq_source) {
    case PASS_IRQ_UIO:
    case PASS_IRQ_EVENTFD:
        return true;
    case PASS_IRQ_VFIO:
        if (!p->irq_device) /* the INTx of the entry's own PCI device */
            return true;
        log_error("pass intr %s:%u (%s): =vfio:%s: kqvm takes VFIO interrupts only as the INTx of "
                  "a PCI device passed by the same entry (pass loc pci:...=pci:... intr ...); "
                  "dryrun accepts this configuration, running it is refused",
                  p->intr.controller, p->intr.line, srcloc_str(&p->at), p->irq_device);
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
    bool ok = ps->irqs && pass_open_regions(ps) && vfio_open_all(ps);
    for (unsigned i = 0; ok && i < spec->npasses; i++) {
        const struct pass_spec *p = &spec->passes[i];
        if (!p->has_intr)
            continue;
        ps->irqs[ps->nirqs] = pass_irq_open(ps, p);
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
    vfio_close_all(ps);
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
    vfio_detach_all(ps);
}

void pass_irq_report(const struct pass_set *ps)
{
    for (unsigned k = 0; ps && k < ps->nirqs; k++)
        pass_irq_report_one(ps->irqs[k]);
}
