/* `set exit-stats on`: where the guest leaves KVM, to the log. */
#include "util/log.h"
#include "vm/vm_internal.h"

#include <stdio.h>

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
    }
    print_bus("io", &vm->pio);
    print_bus("mmio", &vm->mmio);
    log_info("exits: unclaimed accesses %llu", (unsigned long long)atomic_load(&vm->unclaimed_count));
}
