/* VM assembly from the spec, the run, and the lifecycle. */
#include "vm/vm_internal.h"

#include "irq/kvm.h"
#include "irq/stats.h"
#include "util/log.h"
#include "vdev/ioapic.h"
#include "vm/vcpu.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

int kvm_ioctl_checked(int fd, unsigned long req, void *arg, const char *what)
{
    int r;
    do
        r = ioctl(fd, req, arg);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        log_error("%s: %s", what, strerror(errno));
    return r;
}

void vm_stop(struct vm *vm, enum vm_outcome why)
{
    int expected = VM_RUNNING;
    if (!atomic_compare_exchange_strong(&vm->outcome, &expected, (int)why))
        return;
    vcpus_kick(vm);
    event_wake(&vm->loop);
}

void vm_request_poweroff(struct vm *vm)
{
    log_info("guest powered off");
    vm_stop(vm, VM_POWEROFF);
}

void vm_request_reset(struct vm *vm)
{
    log_info("guest reset the machine");
    vm_stop(vm, VM_RESET);
}

void vm_request_quit(struct vm *vm)
{
    log_info("quit from the terminal");
    vm->signo = SIGINT;
    vm_stop(vm, VM_SIGNAL);
}

/* ---- refusing what this build cannot run ---- */

static bool check_runnable(const struct vm_spec *spec)
{
    bool ok = true;
    if (spec->arch != arch_host()) {
        log_error("this configuration is for %s; this host is %s (dryrun can check it here)",
                  arch_name(spec->arch), arch_name(arch_host()));
        return false;
    }
    for (unsigned i = 0; i < spec->nvdevs; i++) {
        const struct vdev_spec *v = &spec->vdevs[i];
        if (!v->type->model) {
            log_error("vdev %s (%s): its device model is not built yet; dryrun accepts this "
                      "configuration, running it is refused", v->type->name, srcloc_str(&v->at));
            ok = false;
        }
    }
    for (unsigned i = 0; i < spec->npasses; i++)
        ok &= pass_runnable(&spec->passes[i]);
    return ok;
}

/* ---- memory ---- */

static bool setup_memory(struct vm *vm)
{
    const struct vm_spec *spec = vm->spec;
    vm->mem.r = calloc(spec->nmem ? spec->nmem : 1, sizeof(*vm->mem.r));
    if (!vm->mem.r)
        return false;
    for (unsigned i = 0; i < spec->nmem; i++) {
        const struct mem_spec *m = &spec->mem[i];
        void *host = mmap(NULL, m->length, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (host == MAP_FAILED) {
            log_error("%s at %s: cannot allocate %llu bytes: %s", m->rom ? "rom" : "ram",
                      srcloc_str(&m->at), (unsigned long long)m->length, strerror(errno));
            return false;
        }
        vm->mem.r[vm->mem.n++] = (struct guestmem_region){ .gpa = m->base, .length = m->length,
                                                          .host = host, .rom = m->rom };
        struct kvm_userspace_memory_region slot = {
            .slot = i,
            .flags = m->rom ? KVM_MEM_READONLY : 0,
            .guest_phys_addr = m->base,
            .memory_size = m->length,
            .userspace_addr = (uintptr_t)host,
        };
        if (kvm_ioctl_checked(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot,
                              "KVM_SET_USER_MEMORY_REGION") < 0)
            return false;
    }
    /* pass-through memory: slots after RAM's; not guest memory for the accessor */
    for (unsigned k = 0; vm->pass && k < vm->pass->nslots; k++) {
        const struct pass_slot *ps = &vm->pass->slots[k];
        struct kvm_userspace_memory_region slot = {
            .slot = spec->nmem + k,
            .flags = ps->readonly ? KVM_MEM_READONLY : 0,
            .guest_phys_addr = ps->gpa,
            .memory_size = ps->length,
            .userspace_addr = (uintptr_t)ps->host,
        };
        if (kvm_ioctl_checked(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &slot,
                              "KVM_SET_USER_MEMORY_REGION (pass)") < 0)
            return false;
    }
    /* The accessor binary-searches: sort by GPA (the resolver excluded overlaps). */
    for (unsigned i = 1; i < vm->mem.n; i++)
        for (unsigned j = i; j > 0 && vm->mem.r[j].gpa < vm->mem.r[j - 1].gpa; j--) {
            struct guestmem_region t = vm->mem.r[j];
            vm->mem.r[j] = vm->mem.r[j - 1];
            vm->mem.r[j - 1] = t;
        }
    return true;
}

/* ---- vdevs ---- */

static bool is_controller(const struct vdev_spec *v)
{
    return v->type->controller != NULL;
}

/* The chip a controller name stands for: a controller vdev's, or with
 * kernel-irqchip KVM's GSIs; NULL for the local APIC. */
static struct irq_chip *controller_chip(struct vm *vm, const char *name)
{
    struct irq_chip *kchip = irq_backend_kernel_chip(vm->irqb);
    for (unsigned i = 0; i < vm->nvdevs; i++) {
        const struct vdev_instance *inst = &vm->vdevs[i];
        if (is_controller(inst->spec) && !strcmp(inst->spec->name, name))
            return kchip ? kchip : inst->ctx.chip;
    }
    return NULL;
}

/* Wire l to CONTROLLER:pin. ISA lines (pins 0-15, not the cascade) of the
 * first I/O APIC also reach the 8259 pin of the same number, as on a PC;
 * KVM's in-kernel irqchip wires its GSIs so by itself. */
static bool wire_line(struct vm *vm, struct irq_line *l, const char *controller, unsigned pin)
{
    struct irq_chip *chip = controller_chip(vm, controller);
    if (!chip)
        return true; /* the local APIC: nothing to wire */
    if (!irq_line_connect(l, chip, pin))
        return false;
    if (irq_backend_kernel_chip(vm->irqb))
        return irq_backend_kernel_watch(vm->irqb, pin);
    const struct controller_spec *first_ioapic = NULL, *pic = NULL;
    for (unsigned c = 0; c < vm->spec->ncontrollers; c++) {
        const struct controller_spec *cs = &vm->spec->controllers[c];
        if (cs->type == &vdev_ioapic && !first_ioapic)
            first_ioapic = cs;
        if (cs->type == &vdev_8259)
            pic = cs;
    }
    if (pic && first_ioapic && !strcmp(controller, first_ioapic->name) && pin < 16 && pin != 2) {
        struct irq_chip *pchip = controller_chip(vm, pic->name);
        if (pchip && pin < pchip->npins && !irq_line_connect(l, pchip, pin))
            return false;
    }
    return true;
}

/* A vdev's lines, one per intr. */
static bool wire_lines(struct vm *vm, struct vdev_instance *inst)
{
    const struct vdev_spec *v = inst->spec;
    if (is_controller(v) || !v->nintr)
        return true;
    inst->lines = calloc(v->nintr, sizeof(*inst->lines));
    if (!inst->lines)
        return false;
    for (unsigned k = 0; k < v->nintr; k++) {
        if (!wire_line(vm, &inst->lines[k], v->intr[k].controller, v->intr[k].line))
            return false;
        if (inst->lines[k].nsinks)
            inst->ctx.irq[k] = &inst->lines[k];
    }
    return true;
}

/* Forwarded host interrupts: a line each, attached to its source. */
static bool setup_pass_irqs(struct vm *vm)
{
    if (!vm->pass || !vm->pass->nirqs)
        return true;
    vm->pass_lines = calloc(vm->pass->nirqs, sizeof(*vm->pass_lines));
    if (!vm->pass_lines)
        return false;
    for (unsigned k = 0; k < vm->pass->nirqs; k++) {
        const struct pass_spec *p = pass_irq_spec(vm->pass, k);
        if (!wire_line(vm, &vm->pass_lines[k], p->intr.controller, p->intr.line) ||
            !pass_irq_attach(vm->pass, k, &vm->pass_lines[k], &vm->loop))
            return false;
    }
    return true;
}

static bool create_vdev(struct vm *vm, unsigned i)
{
    const struct vm_spec *spec = vm->spec;
    const struct vdev_spec *v = &spec->vdevs[i];
    struct vdev_instance *inst = &vm->vdevs[i];
    struct vdev_ctx *ctx = &inst->ctx;
    inst->spec = v;
    ctx->spec = v;
    ctx->vm_spec = spec;
    ctx->vm = vm;
    ctx->mem = &vm->mem;
    ctx->loop = &vm->loop;
    ctx->host = vm->hostdevs[i];
    ctx->irqb = vm->irqb;
    char *label = NULL;
    if (asprintf(&label, v->named && strcmp(v->name, v->type->name) ? "vdev %s (%s)" : "vdev %s",
                 v->type->name, v->name) < 0)
        label = NULL;
    log_ctx_for(&ctx->log, label, v->logs, v->nlogs);
    ctx->irq = calloc(v->nintr ? v->nintr : 1, sizeof(*ctx->irq));
    if (!label || !ctx->irq || !wire_lines(vm, inst))
        return false;
    /* With kernel-irqchip, KVM is the I/O APIC and the 8259: no model, no ranges. */
    if (is_controller(v) && vm->kernel_irqchip)
        return true;
    inst->dev = v->type->model->create(ctx);
    if (!inst->dev) {
        log_error("vdev %s (%s) could not be created", v->type->name, srcloc_str(&v->at));
        return false;
    }
    /* The ranges it answers: the same claims the resolver checked. */
    struct region claims[8];
    unsigned n = v->type->claims && !v->pci ? v->type->claims(v, spec, claims, 8) : 0;
    for (unsigned k = 0; k < n; k++) {
        struct bus_range br = { .base = claims[k].base, .length = claims[k].length,
                                .model = v->type->model, .dev = inst->dev, .region = k,
                                .owner = ctx->log.prefix };
        if (!bus_add(claims[k].space == SPACE_IO ? &vm->pio : &vm->mmio, &br))
            return false;
    }
    return true;
}

static bool setup_vdevs(struct vm *vm)
{
    const struct vm_spec *spec = vm->spec;
    vm->vdevs = calloc(spec->nvdevs ? spec->nvdevs : 1, sizeof(*vm->vdevs));
    if (!vm->vdevs)
        return false;
    vm->nvdevs = spec->nvdevs;
    /* Interrupt controllers first: every other vdev's lines end at them. */
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < spec->nvdevs; i++)
            if (is_controller(&spec->vdevs[i]) == (pass == 0) && !create_vdev(vm, i))
                return false;
    for (unsigned k = 0; vm->pass && k < vm->pass->ntraps; k++) {
        struct pass_trap *t = &vm->pass->traps[k];
        struct bus_range br = { .base = t->base, .length = t->length, .model = &pass_trap_model,
                                .dev = t, .owner = "pass" };
        if (!bus_add(t->space == PASS_TRAP_IO ? &vm->pio : &vm->mmio, &br))
            return false;
    }
    if (!vm_pci_setup(vm))
        return false;
    if (!bus_seal(&vm->pio) || !bus_seal(&vm->mmio)) {
        log_internal("overlapping bus ranges after resolution");
        return false;
    }
    return true;
}

static void destroy_vdevs(struct vm *vm)
{
    /* users first, controllers last: nothing raises a line into a freed chip */
    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = vm->nvdevs; i-- > 0;) {
            struct vdev_instance *inst = &vm->vdevs[i];
            if (!inst->spec || is_controller(inst->spec) != (pass == 1))
                continue;
            if (inst->dev && inst->spec->type->model->destroy)
                inst->spec->type->model->destroy(inst->dev);
            free((char *)inst->ctx.log.prefix);
            free(inst->ctx.irq);
            free(inst->lines);
        }
    }
    free(vm->vdevs);
    vm->vdevs = NULL;
    vm->nvdevs = 0;
}

/* ---- signals ---- */

static void on_signal(void *arg, uint32_t events)
{
    (void)events;
    struct vm *vm = arg;
    struct signalfd_siginfo si;
    while (read(vm->sigfd, &si, sizeof(si)) == sizeof(si)) {
        switch (si.ssi_signo) {
        case SIGINT:
        case SIGTERM:
        case SIGHUP:
            log_info("stopping on signal %d", (int)si.ssi_signo);
            vm->signo = (int)si.ssi_signo;
            vm_stop(vm, VM_SIGNAL);
            break;
        case SIGUSR1:
            vm_print_irq_stats(vm);
            if (vm->spec->vars[VAR_EXIT_STATS].b)
                vm_print_exit_stats(vm);
            break;
        default:
            break;
        }
    }
}

static bool stop_requested(void *arg)
{
    struct vm *vm = arg;
    return atomic_load(&vm->outcome) != VM_RUNNING;
}

/* ---- one boot ---- */

static void vm_destroy(struct vm *vm)
{
    vcpus_join(vm);
    if (vm->spec->vars[VAR_EXIT_STATS].b)
        vm_print_exit_stats(vm);
    vcpus_destroy(vm);
    if (vm->spec->vars[VAR_IRQ_STATS].b && vm->vdevs)
        vm_print_irq_stats(vm);
    /* sources masked and cleared while their controllers still exist */
    pass_irq_detach_all(vm->pass);
    vm_pci_teardown(vm);
    free(vm->pass_lines);
    destroy_vdevs(vm);
    irq_backend_destroy(vm->irqb);
    bus_free(&vm->pio);
    bus_free(&vm->mmio);
    for (unsigned i = 0; i < vm->mem.n; i++)
        munmap(vm->mem.r[i].host, vm->mem.r[i].length);
    free(vm->mem.r);
    free(vm->boot.fdt);
    if (vm->irqchip_fd >= 0)
        close(vm->irqchip_fd);
    if (vm->vm_fd >= 0)
        close(vm->vm_fd);
    if (vm->kvm_fd >= 0)
        close(vm->kvm_fd);
    event_free(&vm->loop);
    pthread_mutex_destroy(&vm->unclaimed_lock);
}

static bool create_irq_backend(struct vm *vm)
{
    vm->irqb = arch_irq_backend_create(vm);
    return vm->irqb != NULL;
}

/* The interrupt table: every controller pin that saw traffic. */
void vm_print_irq_stats(struct vm *vm)
{
    struct irq_chip **chips = calloc(vm->nvdevs + 1, sizeof(*chips));
    unsigned n = 0;
    struct irq_chip *kchip = irq_backend_kernel_chip(vm->irqb);
    if (chips && kchip)
        chips[n++] = kchip;
    for (unsigned i = 0; chips && !kchip && i < vm->nvdevs; i++)
        if (vm->vdevs[i].ctx.chip)
            chips[n++] = vm->vdevs[i].ctx.chip;
    irq_stats_print(vm->spec, chips, n);
    free(chips);
    pass_irq_report(vm->pass);
}

static bool open_kvm(struct vm *vm)
{
    vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vm->kvm_fd < 0) {
        log_error("cannot open /dev/kvm: %s (is KVM available on this host?)", strerror(errno));
        return false;
    }
    int version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
    if (version != KVM_API_VERSION) {
        log_error("/dev/kvm speaks API version %d; kqvm needs %d", version, KVM_API_VERSION);
        return false;
    }
    static const struct {
        int cap;
        const char *name;
    } needed[] = {
        { KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY" },
        { KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT" },
        { KVM_CAP_READONLY_MEM, "KVM_CAP_READONLY_MEM" },
    };
    for (unsigned i = 0; i < sizeof(needed) / sizeof(needed[0]); i++) {
        if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, needed[i].cap) <= 0) {
            log_error("this host's KVM lacks %s, which kqvm needs", needed[i].name);
            return false;
        }
    }
    vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
    if (vm->vm_fd < 0) {
        log_error("KVM_CREATE_VM: %s", strerror(errno));
        return false;
    }
    return true;
}

static enum vm_outcome vm_boot(const struct vm_spec *spec, struct hostdev **hostdevs,
                               struct pass_set *pass, int sigfd, int *signo)
{
    struct vm vm = { .spec = spec, .kvm_fd = -1, .vm_fd = -1, .irqchip_fd = -1,
                     .hostdevs = hostdevs, .pass = pass, .sigfd = sigfd };
    atomic_init(&vm.outcome, VM_RUNNING);
    pthread_mutex_init(&vm.unclaimed_lock, NULL);
    vm.kernel_irqchip = spec->vars[VAR_KERNEL_IRQCHIP].b;
    event_set_tolerance((uint64_t)spec->tolerance_us * 1000);
    bool ok = event_init(&vm.loop) && event_add(&vm.loop, sigfd, EPOLLIN, on_signal, &vm) &&
              open_kvm(&vm) && arch_vm_init(&vm) && create_irq_backend(&vm) &&
              setup_memory(&vm) && setup_vdevs(&vm) && setup_pass_irqs(&vm) &&
              load_images(&vm) && vcpus_create(&vm) && arch_boot_setup(&vm) &&
              vcpus_start(&vm);
    if (ok)
        event_run(&vm.loop, stop_requested, &vm);
    else
        vm_stop(&vm, VM_HOST_ERROR);
    enum vm_outcome outcome = (enum vm_outcome)atomic_load(&vm.outcome);
    *signo = vm.signo;
    vm_destroy(&vm);
    return outcome;
}

/* ---- the whole run ---- */

static int open_signals(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    /* Blocked in every thread (vCPU threads inherit the mask); read by the loop. */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed hostdev peer must not kill the VM */
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* `sched PRIO` of the UARTs: the priority of the thread that reads host
 * input, which in kqvm is the event thread (it also runs the device timers).
 * With several, the highest. False (logged) when the host refuses it. */
static bool raise_event_thread(const struct vm_spec *spec)
{
    const struct vdev_spec *top = NULL;
    uint64_t prio = 0;
    for (unsigned i = 0; i < spec->nvdevs; i++) {
        const struct vdev_spec *v = &spec->vdevs[i];
        bool common;
        unsigned idx;
        if (vdev_option_find(v->type, "sched", &common, &idx) && !common && v->opts[idx].set &&
            v->opts[idx].u > prio) {
            prio = v->opts[idx].u;
            top = v;
        }
    }
    if (!top)
        return true;
    int policy;
    struct sched_param orig, sp = { .sched_priority = (int)prio };
    pthread_getschedparam(pthread_self(), &policy, &orig);
    int e = pthread_setschedparam(pthread_self(), SCHED_RR, &sp);
    if (e) {
        log_error("vdev %s sched %llu (%s): the event thread cannot run at SCHED_RR %llu: %s%s",
                  top->type->name, (unsigned long long)prio, srcloc_str(&top->at),
                  (unsigned long long)prio, strerror(e),
                  e == EPERM ? " (needs CAP_SYS_NICE or a high enough RLIMIT_RTPRIO)" : "");
        return false;
    }
    vcpus_set_inherited_sched(policy, &orig);
    log_info("event thread (host input, device timers) at SCHED_RR %llu, for vdev %s",
             (unsigned long long)prio, top->type->name);
    return true;
}

int vm_main(const struct vm_spec *spec)
{
    log_setup(spec->system, spec->loggers, spec->nloggers);
    if (!check_runnable(spec))
        return KQVM_EXIT_CONFIG;
    if (!raise_event_thread(spec))
        return KQVM_EXIT_HOST_ERROR;
    if (spec->nloads == 0) {
        log_error("nothing to run: the configuration loads no guest image (load FILE)");
        return KQVM_EXIT_CONFIG;
    }
    int sigfd = open_signals();
    if (sigfd < 0) {
        log_error("signalfd: %s", strerror(errno));
        return KQVM_EXIT_HOST_ERROR;
    }
    /* Host endpoints outlive guest restarts. */
    struct hostdev **hostdevs = calloc(spec->nvdevs ? spec->nvdevs : 1, sizeof(*hostdevs));
    int status = KQVM_EXIT_HOST_ERROR;
    bool ok = hostdevs != NULL;
    for (unsigned i = 0; ok && i < spec->nvdevs; i++) {
        const struct vdev_spec *v = &spec->vdevs[i];
        bool common;
        unsigned idx;
        if (!vdev_option_find(v->type, "hostdev", &common, &idx) || common ||
            !v->opts[idx].set)
            continue;
        unsigned delayed;
        if (vdev_option_find(v->type, "delayed", &common, &delayed) && v->opts[delayed].set)
            continue; /* opened by the vdev at the guest's first access */
        hostdevs[i] = hostdev_open(v->named ? v->name : v->type->name, &v->opts[idx]);
        ok = hostdevs[i] != NULL;
    }
    /* Pass-through resources too; opened before any vCPU thread exists
     * (host port permissions are inherited by the threads created later). */
    struct pass_set *pass = NULL;
    if (ok && spec->npasses) {
        pass = pass_open(spec);
        ok = pass != NULL;
    }
    const bool restart = spec->vars[VAR_RESET_ACTION].e == 0;
    while (ok) {
        int signo = 0;
        enum vm_outcome o = vm_boot(spec, hostdevs, pass, sigfd, &signo);
        if (o == VM_RESET && restart) {
            log_info("restarting the guest (set reset-action exit ends the VM instead)");
            continue;
        }
        switch (o) {
        case VM_POWEROFF: status = KQVM_EXIT_POWEROFF; break;
        case VM_RESET: status = KQVM_EXIT_RESET; break;
        case VM_CRASH: status = KQVM_EXIT_CRASH; break;
        case VM_UNSUPPORTED: status = KQVM_EXIT_UNSUPPORTED; break;
        case VM_SIGNAL: status = KQVM_EXIT_SIGNAL_BASE + signo; break;
        case VM_RUNNING:
        case VM_HOST_ERROR: status = KQVM_EXIT_HOST_ERROR; break;
        }
        break;
    }
    pass_close(pass);
    for (unsigned i = 0; hostdevs && i < spec->nvdevs; i++)
        hostdev_close(hostdevs[i]);
    free(hostdevs);
    close(sigfd);
    return status;
}
