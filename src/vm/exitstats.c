/* `set exit-stats on`: where the guest leaves KVM for kqvm, to the log, and
 * what KVM counted itself (exits it handled in the kernel too). */
#include "util/log.h"
#include "vm/vm_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static const char *const reason_names[VCPU_EXIT_REASONS] = {
    [KVM_EXIT_UNKNOWN] = "unknown",       [KVM_EXIT_IO] = "io",
    [KVM_EXIT_HLT] = "hlt",               [KVM_EXIT_MMIO] = "mmio",
    [KVM_EXIT_IRQ_WINDOW_OPEN] = "irq-window", [KVM_EXIT_SHUTDOWN] = "shutdown",
    [KVM_EXIT_FAIL_ENTRY] = "fail-entry", [KVM_EXIT_INTR] = "signal",
    [KVM_EXIT_INTERNAL_ERROR] = "internal-error", [KVM_EXIT_SYSTEM_EVENT] = "system-event",
    [KVM_EXIT_IOAPIC_EOI] = "ioapic-eoi",
};

static void print_bus(const char *space, const struct bus *b)
{
    char line[512];
    size_t off = 0;
    line[0] = '\0';
    for (unsigned i = 0; i < b->n && b->hits && off < sizeof(line); i++) {
        uint64_t h = atomic_load(&b->hits[i]);
        if (h)
            off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s 0x%llx: %llu",
                                    off ? ", " : "", b->v[i].owner,
                                    (unsigned long long)b->v[i].base, (unsigned long long)h);
    }
    log_info("exits: %s by range: %s", space, off ? line : "none");
}

/* KVM's own counters of vCPU v's exits (KVM_GET_STATS_FD, Linux 5.14),
 * those handled in the kernel included: every cumulative counter whose name
 * says exit ("exits", "wfi_exit_stat", "mmio_exit_user", ...), if nonzero.
 * Nothing when the kernel has no binary statistics, and nothing while the
 * vCPU's thread runs (SIGUSR1): a vCPU ioctl waits for KVM_RUN to return,
 * which a guest that does not exit may never do. */
static void print_kvm_counters(const struct vcpu *v)
{
    if (v->thread_started)
        return;
    int fd = ioctl(v->fd, KVM_GET_STATS_FD, NULL);
    if (fd < 0)
        return;
    struct kvm_stats_header h;
    char line[512];
    size_t off = 0;
    char *descs = NULL;
    if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || h.name_size == 0 || h.num_desc > 4096)
        goto out;
    size_t dsize = sizeof(struct kvm_stats_desc) + h.name_size;
    descs = malloc(dsize * h.num_desc);
    if (!descs ||
        pread(fd, descs, dsize * h.num_desc, h.desc_offset) != (ssize_t)(dsize * h.num_desc))
        goto out;
    for (unsigned i = 0; i < h.num_desc && off < sizeof(line); i++) {
        const struct kvm_stats_desc *d = (const void *)(descs + i * dsize);
        uint64_t n;
        if ((d->flags & KVM_STATS_TYPE_MASK) != KVM_STATS_TYPE_CUMULATIVE || d->size != 1 ||
            !memchr(d->name, '\0', h.name_size) || !strstr(d->name, "exit") ||
            pread(fd, &n, sizeof(n), h.data_offset + d->offset) != (ssize_t)sizeof(n) || !n)
            continue;
        off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s %llu", off ? ", " : "",
                                d->name, (unsigned long long)n);
    }
    if (off)
        log_info("exits: vcpu%u counted by KVM: %s", v->index, line);
out:
    free(descs);
    close(fd);
}

void vm_print_exit_stats(const struct vm *vm)
{
    for (unsigned i = 0; i < vm->nvcpus; i++) {
        const struct vcpu *v = &vm->vcpus[i];
        char line[512];
        size_t off = 0;
        uint64_t total = 0;
        for (unsigned r = 0; r < VCPU_EXIT_REASONS && off < sizeof(line); r++) {
            uint64_t n = atomic_load(&v->reasons[r]);
            total += n;
            if (!n)
                continue;
            if (reason_names[r])
                off += (size_t)snprintf(line + off, sizeof(line) - off, "%s%s %llu",
                                        off ? ", " : "", reason_names[r], (unsigned long long)n);
            else
                off += (size_t)snprintf(line + off, sizeof(line) - off, "%sreason %u: %llu",
                                        off ? ", " : "", r, (unsigned long long)n);
        }
        log_info("exits: vcpu%u %llu (%s)", i, (unsigned long long)total, off ? line : "none");
        print_kvm_counters(v);
    }
    print_bus("io", &vm->pio);
    print_bus("mmio", &vm->mmio);
    log_info("exits: unclaimed accesses %llu", (unsigned long long)atomic_load(&vm->unclaimed_count));
}
