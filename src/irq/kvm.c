/* The interrupt backend on KVM. x86: MSIs and GSI routes for kqvm's I/O
 * APICs, EOI exits, ExtINT injection for kqvm's 8259 pair (split irqchip);
 * or KVM's in-kernel I/O APIC and 8259 (`set kernel-irqchip on`), driven with
 * KVM_IRQ_LINE_STATUS, with resample irqfds to see EOIs. arm64: KVM's vGIC
 * (`set gic-hwassist on`), its SPIs driven with KVM_IRQ_LINE, with resample
 * irqfds to see EOIs; or kqvm's GIC driving each vCPU's IRQ input. */
#include "irq/kvm.h"

#include "util/log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>


struct irq_backend {
    struct vm *vm;
    bool kernel; /* KVM's in-kernel irqchip */
    pthread_mutex_t lock;
    /* split: one MSI per I/O APIC pin, indexed by GSI */
    struct kvm_irq_routing_entry *routes;
    bool *routed;
    unsigned ngsi;
    struct {
        void (*fn)(void *arg, unsigned vector);
        void *arg;
    } *eoi; /* one per I/O APIC model; fixed once the vCPUs run */
    unsigned neoi;
    bool (*extint_pending)(void *arg);
    unsigned (*extint_ack)(void *arg);
    void *extint_arg;
    /* kernel: the GSIs as one chip, and a resample eventfd per GSI */
    struct irq_chip kchip;
    int *resample_fd, *irq_fd;
    /* arm64, kqvm's GIC: the vCPU timers' levels as last seen, per vCPU */
    void (*timer_fn)(void *arg, unsigned cpu, unsigned intid, bool level);
    void *timer_arg;
    uint64_t *timer_levels;
};

/* ---- split irqchip ---- */

static void push_routes(struct irq_backend *b)
{
    unsigned n = 0;
    for (unsigned i = 0; i < b->ngsi; i++)
        n += b->routed[i];
    struct kvm_irq_routing *r = calloc(1, sizeof(*r) + n * sizeof(r->entries[0]));
    if (!r)
        return;
    for (unsigned i = 0; i < b->ngsi; i++)
        if (b->routed[i])
            r->entries[r->nr++] = b->routes[i];
    /* KVM derives the EOI-exit vectors of level-triggered routes from these */
    kvm_ioctl_checked(b->vm->vm_fd, KVM_SET_GSI_ROUTING, r, "KVM_SET_GSI_ROUTING");
    free(r);
}

void irq_route_msi(struct irq_backend *b, unsigned gsi, uint64_t address, uint32_t data)
{
    if (!b || gsi >= b->ngsi)
        return;
    pthread_mutex_lock(&b->lock);
    struct kvm_irq_routing_entry e = { .gsi = gsi, .type = KVM_IRQ_ROUTING_MSI };
    e.u.msi.address_lo = (uint32_t)address;
    e.u.msi.address_hi = (uint32_t)(address >> 32);
    e.u.msi.data = data;
    bool changed = !b->routed[gsi] || memcmp(&b->routes[gsi], &e, sizeof(e)) != 0;
    b->routes[gsi] = e;
    b->routed[gsi] = true;
    if (changed)
        push_routes(b);
    pthread_mutex_unlock(&b->lock);
}

void irq_send_gsi(struct irq_backend *b, unsigned gsi)
{
    if (!b || gsi >= b->ngsi || !b->routed[gsi])
        return;
    const struct kvm_irq_routing_msi *m = &b->routes[gsi].u.msi;
    struct kvm_msi msi = { .address_lo = m->address_lo, .address_hi = m->address_hi,
                           .data = m->data };
    if (ioctl(b->vm->vm_fd, KVM_SIGNAL_MSI, &msi) < 0)
        log_internal("KVM_SIGNAL_MSI (GSI %u): %s", gsi, strerror(errno));
}

bool irq_send_msi(struct irq_backend *b, uint64_t address, uint32_t data)
{
#ifdef __aarch64__
    (void)b, (void)address, (void)data;
    return false; /* MSIs go through the GIC's ITS or v2m frame, not built for PCI yet */
#else
    if (!b || address >> 20 != 0xfee) /* the local APICs' window; no extended IDs */
        return false;
    struct kvm_msi msi = { .address_lo = (uint32_t)address, .address_hi = 0, .data = data };
    int r = ioctl(b->vm->vm_fd, KVM_SIGNAL_MSI, &msi);
    if (r < 0)
        log_internal("KVM_SIGNAL_MSI (0x%llx, 0x%x): %s", (unsigned long long)address,
                     (unsigned)data, strerror(errno));
    return r >= 0;
#endif
}

bool irq_on_eoi_vector(struct irq_backend *b, void (*fn)(void *arg, unsigned vector), void *arg)
{
    if (!b)
        return true;
    void *grown = realloc(b->eoi, (b->neoi + 1) * sizeof(*b->eoi));
    if (!grown)
        return false;
    b->eoi = grown;
    b->eoi[b->neoi].fn = fn;
    b->eoi[b->neoi].arg = arg;
    b->neoi++;
    return true;
}

void irq_backend_eoi(struct irq_backend *b, unsigned vector)
{
    for (unsigned i = 0; i < b->neoi; i++)
        b->eoi[i].fn(b->eoi[i].arg, vector);
}

void irq_set_extint(struct irq_backend *b, bool (*pending)(void *arg), unsigned (*ack)(void *arg),
                    void *arg)
{
    if (!b)
        return;
    b->extint_pending = pending;
    b->extint_ack = ack;
    b->extint_arg = arg;
}

void irq_extint_changed(struct irq_backend *b)
{
    /* The boot vCPU injects on its own thread: make it come out of KVM_RUN. */
    if (b && b->vm->nvcpus)
        vcpu_kick(&b->vm->vcpus[0]);
}

void irq_backend_before_run(struct irq_backend *b, struct vcpu *v)
{
    if (!b->extint_pending || v->index != 0)
        return;
    struct kvm_run *run = v->run;
    if (!b->extint_pending(b->extint_arg)) {
        run->request_interrupt_window = 0;
        return;
    }
    if (!run->ready_for_interrupt_injection) {
        /* KVM exits (KVM_EXIT_IRQ_WINDOW_OPEN) when the vCPU can take it */
        run->request_interrupt_window = 1;
        return;
    }
    struct kvm_interrupt irq = { .irq = b->extint_ack(b->extint_arg) };
    if (ioctl(v->fd, KVM_INTERRUPT, &irq) < 0 && errno != EEXIST)
        log_internal("KVM_INTERRUPT: %s", strerror(errno));
    run->request_interrupt_window = 0;
}

/* ---- kernel irqchip ---- */

#ifdef __aarch64__
/* An SPI of KVM's vGIC (pin = INTID). KVM_IRQ_LINE says nothing of where the
 * interrupt went: a rising edge counts as delivered. */
static void kernel_set_pin(void *dev, unsigned pin, bool level)
{
    struct irq_backend *b = dev;
    struct kvm_irq_level l = { .irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | pin,
                               .level = level };
    if (ioctl(b->vm->vm_fd, KVM_IRQ_LINE, &l) < 0) {
        log_internal("KVM_IRQ_LINE (INTID %u): %s", pin, strerror(errno));
        return;
    }
    if (level)
        irq_pin_delivered(&b->kchip, pin);
}

/* The vGIC asks for an EOI maintenance interrupt, and so reports the EOI
 * through the resample irqfd, for level-triggered SPIs; kqvm's forwarded
 * interrupts are level on arm64 (the FDT says so). How the guest configured
 * the SPI cannot be asked: KVM reads the vGIC's registers for user space
 * only while no vCPU is in KVM_RUN (EBUSY otherwise). A guest that makes a
 * forwarded SPI edge-triggered against its FDT therefore gets one interrupt
 * and no EOI; `pass intr ...,u` is the edge form (docs/arm64.md). */
static bool kernel_expects_eoi(void *dev, unsigned pin)
{
    (void)dev;
    (void)pin;
    return true;
}

/* KVM's irqfd GSI N is SPI N: INTID N + 32. */
static unsigned kernel_gsi(unsigned pin)
{
    return pin - 32;
}
#else
static void kernel_set_pin(void *dev, unsigned pin, bool level)
{
    struct irq_backend *b = dev;
    struct kvm_irq_level l = { .irq = pin, .level = level };
    if (ioctl(b->vm->vm_fd, KVM_IRQ_LINE_STATUS, &l) < 0) {
        log_internal("KVM_IRQ_LINE_STATUS (GSI %u): %s", pin, strerror(errno));
        return;
    }
    if (!level)
        return;
    if (l.status > 0)
        irq_pin_delivered(&b->kchip, pin);
    else if (l.status == 0)
        irq_pin_coalesced(&b->kchip, pin);
    else
        irq_pin_masked(&b->kchip, pin);
}

/* KVM's I/O APIC reports the EOI of any unmasked entry on a GSI with a
 * resample irqfd (its ack notifier makes even edge vectors exit on EOI), and
 * of a masked level entry once the guest unmasks it; KVM's 8259 that of an
 * unmasked line of a programmed PIC without auto-EOI. */
static bool kernel_expects_eoi(void *dev, unsigned pin)
{
    struct irq_backend *b = dev;
    struct kvm_irqchip chip = { .chip_id = KVM_IRQCHIP_IOAPIC };
    if (ioctl(b->vm->vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
        return true; /* cannot tell: keep the source masked until an EOI */
    if (pin < KVM_IOAPIC_NUM_PINS) {
        if (!chip.chip.ioapic.redirtbl[pin].fields.mask ||
            chip.chip.ioapic.redirtbl[pin].fields.trig_mode)
            return true;
    }
    if (pin >= 16)
        return false;
    chip.chip_id = pin < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
    if (ioctl(b->vm->vm_fd, KVM_GET_IRQCHIP, &chip) < 0)
        return true;
    const struct kvm_pic_state *p = &chip.chip.pic;
    return p->irq_base != 0 && !(p->imr & (1u << (pin % 8))) && !p->auto_eoi;
}


static unsigned kernel_gsi(unsigned pin)
{
    return pin;
}
#endif

static const struct irq_chip_ops kernel_chip_ops = { .set_pin = kernel_set_pin,
                                                     .expects_eoi = kernel_expects_eoi };

struct resample {
    struct irq_backend *b;
    unsigned gsi;
};

static void on_resample(void *arg, uint32_t events)
{
    (void)events;
    struct resample *r = arg;
    uint64_t n; /* EOIs since the last read: an eventfd counts them */
    if (read(r->b->resample_fd[r->gsi], &n, sizeof(n)) != sizeof(n))
        return;
    while (n--)
        irq_pin_eoi(&r->b->kchip, r->gsi);
#ifdef __aarch64__
    /* The vGIC keeps one level per SPI, and the resampler lowered it: a
     * device still asserting (after its EOI handler) asserts it again. */
    struct irq_chip *c = &r->b->kchip;
    pthread_mutex_lock(&c->lock);
    if (c->pins[r->gsi].asserted)
        kernel_set_pin(r->b, r->gsi, true);
    pthread_mutex_unlock(&c->lock);
#endif
}

/* A resample irqfd on gsi: KVM signals it when the guest EOIs a level-triggered
 * interrupt there. Its own eventfd is never written. */
static bool watch_eoi(struct irq_backend *b, unsigned gsi)
{
    if (b->resample_fd[gsi] >= 0)
        return true;
    struct resample *r = calloc(1, sizeof(*r));
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (!r || fd < 0 || rfd < 0) {
        free(r);
        return false;
    }
    *r = (struct resample){ .b = b, .gsi = gsi };
    struct kvm_irqfd irqfd = { .fd = (uint32_t)fd, .gsi = kernel_gsi(gsi),
                               .flags = KVM_IRQFD_FLAG_RESAMPLE,
                               .resamplefd = (uint32_t)rfd };
    if (kvm_ioctl_checked(b->vm->vm_fd, KVM_IRQFD, &irqfd, "KVM_IRQFD") < 0 ||
        !event_add(&b->vm->loop, rfd, EPOLLIN, on_resample, r)) {
        close(fd);
        close(rfd);
        free(r);
        return false;
    }
    b->irq_fd[gsi] = fd;
    b->resample_fd[gsi] = rfd;
    return true;
}

struct irq_chip *irq_backend_kernel_chip(struct irq_backend *b)
{
    return b->kernel ? &b->kchip : NULL;
}

bool irq_backend_kernel_watch(struct irq_backend *b, unsigned gsi)
{
#ifdef __aarch64__
    /* KVM takes irqfds once the vGIC is initialised: irq_backend_kernel_start */
    if (b->kernel && gsi >= 32 && gsi < b->ngsi)
        b->resample_fd[gsi] = -2; /* wanted */
    return true;
#else
    return b->kernel && gsi < b->ngsi && watch_eoi(b, gsi);
#endif
}

bool irq_backend_kernel_start(struct irq_backend *b)
{
    for (unsigned gsi = 0; b->kernel && gsi < b->ngsi; gsi++)
        if (b->resample_fd[gsi] == -2) {
            b->resample_fd[gsi] = -1;
            if (!watch_eoi(b, gsi))
                return false;
        }
    return true;
}

/* ---- arm64: kqvm's own GIC ---- */

void irq_on_cpu_timer(struct irq_backend *b,
                      void (*fn)(void *arg, unsigned cpu, unsigned intid, bool level), void *arg)
{
    if (!b)
        return;
    b->timer_fn = fn;
    b->timer_arg = arg;
}

#ifdef __aarch64__
void irq_cpu_set_irq(struct irq_backend *b, unsigned cpu, bool level)
{
    struct kvm_irq_level l = {
        .irq = KVM_ARM_IRQ_TYPE_CPU << KVM_ARM_IRQ_TYPE_SHIFT | (cpu & 0xff) << 16 |
               KVM_ARM_IRQ_CPU_IRQ,
        .level = level
    };
    if (b && ioctl(b->vm->vm_fd, KVM_IRQ_LINE, &l) < 0)
        log_internal("KVM_IRQ_LINE (vCPU %u IRQ): %s", cpu, strerror(errno));
}

void irq_backend_after_run(struct irq_backend *b, struct vcpu *v)
{
    if (!b->timer_fn || !b->timer_levels)
        return;
    static const struct {
        uint64_t bit;
        unsigned intid;
    } timers[] = { { KVM_ARM_DEV_EL1_VTIMER, 27 }, { KVM_ARM_DEV_EL1_PTIMER, 30 } };
    uint64_t now = v->run->s.regs.device_irq_level, was = b->timer_levels[v->index];
    if (now == was)
        return;
    b->timer_levels[v->index] = now;
    for (unsigned i = 0; i < 2; i++)
        if ((now ^ was) & timers[i].bit)
            b->timer_fn(b->timer_arg, v->index, timers[i].intid, now & timers[i].bit);
}
#else
void irq_cpu_set_irq(struct irq_backend *b, unsigned cpu, bool level)
{
    (void)b, (void)cpu, (void)level;
}

void irq_backend_after_run(struct irq_backend *b, struct vcpu *v)
{
    (void)b, (void)v;
}
#endif

/* ---- life ---- */

struct irq_backend *irq_backend_create(struct vm *vm, bool kernel, unsigned ngsi,
                                       const char *kernel_chip_name)
{
    struct irq_backend *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->vm = vm;
    b->kernel = kernel;
    b->ngsi = ngsi;
    pthread_mutex_init(&b->lock, NULL);
    b->routes = calloc(ngsi ? ngsi : 1, sizeof(*b->routes));
    b->routed = calloc(ngsi ? ngsi : 1, sizeof(*b->routed));
    b->resample_fd = malloc((ngsi ? ngsi : 1) * sizeof(int));
    b->irq_fd = malloc((ngsi ? ngsi : 1) * sizeof(int));
    if (!b->routes || !b->routed || !b->resample_fd || !b->irq_fd) {
        irq_backend_destroy(b);
        return NULL;
    }
    for (unsigned i = 0; i < ngsi; i++)
        b->resample_fd[i] = b->irq_fd[i] = -1;
    b->timer_levels = calloc(vm->spec->ncpus ? vm->spec->ncpus : 1, sizeof(uint64_t));
    if (!b->timer_levels) {
        irq_backend_destroy(b);
        return NULL;
    }
    if (kernel && !irq_chip_init(&b->kchip, kernel_chip_name, ngsi, &kernel_chip_ops, b)) {
        irq_backend_destroy(b);
        return NULL;
    }
    return b;
}

void irq_backend_destroy(struct irq_backend *b)
{
    if (!b)
        return;
    for (unsigned i = 0; b->resample_fd && i < b->ngsi; i++) {
        if (b->resample_fd[i] >= 0 && b->irq_fd[i] >= 0)
            close(b->resample_fd[i]);
        if (b->irq_fd[i] >= 0)
            close(b->irq_fd[i]);
    }
    irq_chip_destroy(&b->kchip);
    free(b->routes);
    free(b->routed);
    free(b->resample_fd);
    free(b->irq_fd);
    free(b->timer_levels);
    free(b->eoi);
    pthread_mutex_destroy(&b->lock);
    free(b);
}
