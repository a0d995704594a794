/* The vCPU threads and the exit dispatch. */
#include "vm/vcpu.h"

#include "irq/kvm.h"
#include "util/log.h"
#include "vm/vm_internal.h"

#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* The signal that pulls a vCPU thread out of KVM_RUN. */
#define SIG_KICK (SIGRTMIN + 0)

static __thread unsigned current_vcpu = UINT_MAX;

unsigned vdev_current_vcpu(void)
{
    return current_vcpu;
}

static void kick_handler(int sig)
{
    (void)sig; /* only interrupts KVM_RUN (EINTR) */
}

bool vcpus_create(struct vm *vm)
{
    const struct vm_spec *spec = vm->spec;
    int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    if (run_size <= 0) {
        log_error("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(errno));
        return false;
    }
    vm->vcpus = calloc(spec->ncpus, sizeof(*vm->vcpus));
    if (!vm->vcpus)
        return false;
    for (unsigned i = 0; i < spec->ncpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        v->vm = vm;
        v->index = i;
        v->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)i);
        if (v->fd < 0) {
            log_error("KVM_CREATE_VCPU %u: %s", i, strerror(errno));
            return false;
        }
        vm->nvcpus++;
        v->run_size = (size_t)run_size;
        v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
        if (v->run == MAP_FAILED) {
            v->run = NULL;
            log_error("mmap of vCPU %u: %s", i, strerror(errno));
            return false;
        }
        if (!arch_vcpu_init(v))
            return false;
    }
    return true;
}

/* ---- unclaimed accesses: `unsupported reference` ---- */

static void log_unclaimed_once(struct vm *vm, bool io, uint64_t addr, bool write, unsigned size)
{
    uint64_t key = (uint64_t)io << 63 | addr;
    pthread_mutex_lock(&vm->unclaimed_lock);
    bool seen = false;
    for (unsigned i = 0; i < vm->nunclaimed_logged; i++)
        seen |= vm->unclaimed_logged[i] == key;
    bool log = !seen && vm->nunclaimed_logged < UNCLAIMED_LOGGED_MAX;
    if (log)
        vm->unclaimed_logged[vm->nunclaimed_logged++] = key;
    bool last = log && vm->nunclaimed_logged == UNCLAIMED_LOGGED_MAX;
    pthread_mutex_unlock(&vm->unclaimed_lock);
    if (log)
        log_warn("guest %s %s 0x%llx (%u byte%s): nothing there", write ? "wrote" : "read",
                 io ? "I/O port" : "address", (unsigned long long)addr, size, size > 1 ? "s" : "");
    if (last)
        log_warn("further unclaimed addresses are not logged");
}

/* An access nothing answers: reads give all ones, writes are dropped (ignore),
 * or the guest gets a fault (fail), or the VM stops (abort). Returns false
 * when the vCPU must stop. */
static bool unclaimed(struct vcpu *v, bool io, uint64_t addr, bool write, unsigned size,
                      uint8_t *data)
{
    struct vm *vm = v->vm;
    enum unsupported_action act = vm->spec->unsupported[UNSUP_REFERENCE];
    log_unclaimed_once(vm, io, addr, write, size);
    if (act == UNSUP_ABORT) {
        log_error("unsupported reference abort: stopping the VM");
        arch_dump_registers(v, "unclaimed access");
        vm_stop(vm, VM_UNSUPPORTED);
        return false;
    }
    if (!write)
        memset(data, 0xff, size);
    if (act == UNSUP_FAIL)
        arch_fail_access(v);
    return true;
}

static uint64_t le_value(const uint8_t *p, unsigned size)
{
    uint64_t v = 0;
    for (unsigned i = size; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static void le_store(uint8_t *p, unsigned size, uint64_t v)
{
    for (unsigned i = 0; i < size; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static bool dispatch(struct vcpu *v, const struct bus *bus, bool io, uint64_t addr, bool write,
                     unsigned size, uint8_t *data)
{
    const struct bus_range *r = size >= 1 && size <= 8 ? bus_find(bus, addr, size) : NULL;
    if (!r) {
        atomic_fetch_add_explicit(&v->vm->unclaimed_count, 1, memory_order_relaxed);
        return unclaimed(v, io, addr, write, size, data);
    }
    bus_count(bus, r);
    uint64_t off = addr - r->base;
    if (write)
        r->model->write(r->dev, r->region, off, size, le_value(data, size));
    else
        le_store(data, size, r->model->read(r->dev, r->region, off, size));
    return true;
}

static bool handle_io(struct vcpu *v)
{
    struct kvm_run *run = v->run;
    uint8_t *data = (uint8_t *)run + run->io.data_offset;
    unsigned size = run->io.size;
    bool write = run->io.direction == KVM_EXIT_IO_OUT;
    /* String I/O: count elements back to back in the data area. */
    for (uint32_t i = 0; i < run->io.count; i++)
        if (!dispatch(v, &v->vm->pio, true, run->io.port, write, size, data + i * size))
            return false;
    return true;
}

static bool in_rom(const struct vm *vm, uint64_t gpa)
{
    const struct guestmem_region *g = NULL;
    for (unsigned i = 0; i < vm->mem.n; i++)
        if (gpa >= vm->mem.r[i].gpa && gpa - vm->mem.r[i].gpa < vm->mem.r[i].length)
            g = &vm->mem.r[i];
    return g && g->rom;
}

static bool handle_mmio(struct vcpu *v)
{
    struct kvm_run *run = v->run;
    uint64_t gpa = run->mmio.phys_addr;
    if (run->mmio.is_write && in_rom(v->vm, gpa)) {
        /* A write to ROM (a read-only memory slot) follows `unsupported reference`. */
        return unclaimed(v, false, gpa, true, run->mmio.len, run->mmio.data);
    }
    return dispatch(v, &v->vm->mmio, false, gpa, run->mmio.is_write, run->mmio.len,
                    run->mmio.data);
}

/* One exit; false stops this vCPU's loop. */
static bool handle_exit(struct vcpu *v)
{
    struct kvm_run *run = v->run;
    switch (run->exit_reason) {
    case KVM_EXIT_IO:
        return handle_io(v);
    case KVM_EXIT_MMIO:
        return handle_mmio(v);
    case KVM_EXIT_INTR:
        return true;
    case KVM_EXIT_SHUTDOWN:
        log_error("vCPU %u: the guest triple-faulted (x86 shutdown)", v->index);
        arch_dump_registers(v, "triple fault");
        vm_stop(v->vm, VM_CRASH);
        return false;
    case KVM_EXIT_FAIL_ENTRY:
        log_error("vCPU %u: KVM could not enter the guest (hardware reason 0x%llx)", v->index,
                  (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
        arch_dump_registers(v, "entry failure");
        vm_stop(v->vm, VM_UNSUPPORTED);
        return false;
    default:
        return arch_handle_exit(v);
    }
}

static void set_affinity_and_sched(struct vcpu *v)
{
    const struct cpu_spec *c = &v->vm->spec->cpus[v->index];
    char name[16];
    snprintf(name, sizeof(name), "vcpu%u", v->index);
    pthread_setname_np(pthread_self(), name);
    (void)c;
}

static void *vcpu_thread(void *arg)
{
    struct vcpu *v = arg;
    struct vm *vm = v->vm;
    current_vcpu = v->index;
    set_affinity_and_sched(v);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIG_KICK);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    while (atomic_load(&vm->outcome) == VM_RUNNING) {
        irq_backend_before_run(vm->irqb, v);
        int r = ioctl(v->fd, KVM_RUN, 0);
        irq_backend_after_run(vm->irqb, v);
        if (r < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                v->run->immediate_exit = 0;
                continue;
            }
            log_error("vCPU %u: KVM_RUN: %s", v->index, strerror(errno));
            vm_stop(vm, VM_HOST_ERROR);
            break;
        }
        v->exits++;
        unsigned reason = v->run->exit_reason < VCPU_EXIT_REASONS ? v->run->exit_reason : 0;
        atomic_store_explicit(&v->reasons[reason], v->reasons[reason] + 1, memory_order_relaxed);
        if (!handle_exit(v))
            break;
    }
    return NULL;
}

/* kqvm's own scheduling before a vdev's `sched` raised the event thread:
 * what "inherited" means for a vCPU thread. */
static bool inherited_explicit;
static int inherited_policy;
static struct sched_param inherited_param;

void vcpus_set_inherited_sched(int policy, const struct sched_param *param)
{
    inherited_explicit = true;
    inherited_policy = policy;
    inherited_param = *param;
}

static bool apply_thread_attrs(struct vcpu *v, pthread_attr_t *attr)
{
    const struct cpu_spec *c = &v->vm->spec->cpus[v->index];
    pthread_attr_init(attr);
    if (c->has_runmask) {
        cpu_set_t *set = CPU_ALLOC(SPEC_MAX_HOST_CPUS);
        size_t size = CPU_ALLOC_SIZE(SPEC_MAX_HOST_CPUS);
        CPU_ZERO_S(size, set);
        for (unsigned i = 0; i < SPEC_MAX_HOST_CPUS; i++)
            if (c->runmask[i / 64] >> (i % 64) & 1)
                CPU_SET_S(i, size, set);
        int e = pthread_attr_setaffinity_np(attr, size, set);
        CPU_FREE(set);
        if (e) {
            log_error("vcpu%u: runmask: %s", v->index, strerror(e));
            return false;
        }
    }
    if (c->policy != SCHED_POLICY_INHERIT) {
        int policy = c->policy == SCHED_POLICY_RR     ? SCHED_RR
                     : c->policy == SCHED_POLICY_FIFO ? SCHED_FIFO
                                                      : SCHED_OTHER;
        struct sched_param sp = { .sched_priority = policy == SCHED_OTHER ? 0 : (int)c->priority };
        pthread_attr_setinheritsched(attr, PTHREAD_EXPLICIT_SCHED);
        pthread_attr_setschedpolicy(attr, policy);
        pthread_attr_setschedparam(attr, &sp);
    } else if (inherited_explicit) {
        pthread_attr_setinheritsched(attr, PTHREAD_EXPLICIT_SCHED);
        pthread_attr_setschedpolicy(attr, inherited_policy);
        pthread_attr_setschedparam(attr, &inherited_param);
    }
    return true;
}

bool vcpus_start(struct vm *vm)
{
    struct sigaction sa = { .sa_handler = kick_handler };
    sigemptyset(&sa.sa_mask);
    sigaction(SIG_KICK, &sa, NULL);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        pthread_attr_t attr;
        if (!apply_thread_attrs(v, &attr)) {
            pthread_attr_destroy(&attr);
            return false;
        }
        int e = pthread_create(&v->thread, &attr, vcpu_thread, v);
        pthread_attr_destroy(&attr);
        if (e) {
            const struct cpu_spec *c = &vm->spec->cpus[i];
            if (e == EPERM && c->policy != SCHED_POLICY_INHERIT)
                log_error("vcpu%u: sched %u%s at %s is not permitted (needs CAP_SYS_NICE or an "
                          "RLIMIT_RTPRIO of at least %u)", i, c->priority,
                          c->policy == SCHED_POLICY_FIFO ? "f" : c->policy == SCHED_POLICY_RR ? "r" : "o",
                          srcloc_str(&c->at), c->priority);
            else
                log_error("vcpu%u: cannot start its thread: %s", i, strerror(e));
            return false;
        }
        v->thread_started = true;
    }
    return true;
}

void vcpu_kick(struct vcpu *v)
{
    if (v->thread_started && !pthread_equal(v->thread, pthread_self()))
        pthread_kill(v->thread, SIG_KICK);
}

void vcpus_kick(struct vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        if (v->run)
            v->run->immediate_exit = 1;
        if (v->thread_started && !pthread_equal(v->thread, pthread_self()))
            pthread_kill(v->thread, SIG_KICK);
    }
}

void vcpus_join(struct vm *vm)
{
    vcpus_kick(vm);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        if (v->thread_started)
            pthread_join(v->thread, NULL);
        v->thread_started = false;
    }
}

void vcpus_destroy(struct vm *vm)
{
    vcpus_join(vm);
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        struct vcpu *v = &vm->vcpus[i];
        if (v->run)
            munmap(v->run, v->run_size);
        close(v->fd);
    }
    free(vm->vcpus);
    vm->vcpus = NULL;
    vm->nvcpus = 0;
}
