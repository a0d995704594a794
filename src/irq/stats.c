#include "irq/stats.h"

#include "util/log.h"

#include <stdio.h>
#include <string.h>

/* Who raises chip:pin: the vdevs whose intr names it (several when lines
 * share it, as the HPET's legacy replacement does with the PIT and RTC). */
static void users_of(const struct vm_spec *spec, const char *chip, unsigned pin, char *buf,
                     size_t size)
{
    size_t off = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < spec->nintrs && off < size; i++) {
        const struct intr_assign *a = &spec->intrs[i];
        /* KVM's GSI N is both the I/O APIC's and the 8259's line N */
        bool gsi = !strcmp(chip, "gsi") && spec->controllers[a->controller].lines;
        if (a->line != pin || (!gsi && strcmp(spec->controllers[a->controller].name, chip)))
            continue;
        off += (size_t)snprintf(buf + off, size - off, "%s%s", off ? "+" : "", a->user);
    }
    if (buf[0])
        return;
    if (spec->arch != ARCH_ARM64)
        snprintf(buf, size, "(ISA line %u of the first ioapic)", pin);
    else if (pin == 27 || pin == 30) /* arm64 pins are INTIDs; KVM's timers raise these */
        snprintf(buf, size, "(the vCPUs' %s timer)", pin == 27 ? "virtual" : "physical");
    else
        snprintf(buf, size, "(%s)", pin < 16 ? "SGI" : pin < 32 ? "PPI" : "SPI");
}

void irq_stats_print(const struct vm_spec *spec, struct irq_chip *const *chips, unsigned n)
{
    log_info("interrupts: raised delivered eoi spurious coalesced masked [throttled], then "
             "assert-to-EOI latency buckets (<N us:count)");
    for (unsigned c = 0; c < n; c++) {
        const struct irq_chip *chip = chips[c];
        for (unsigned pin = 0; pin < chip->npins; pin++) {
            const struct irq_stats *s = &chip->pins[pin].stats;
            uint64_t raised = atomic_load(&s->raised), delivered = atomic_load(&s->delivered);
            uint64_t eoi = atomic_load(&s->eoi), spurious = atomic_load(&s->spurious);
            uint64_t coalesced = atomic_load(&s->coalesced), masked = atomic_load(&s->masked);
            uint64_t throttled = atomic_load(&s->throttled);
            if (!(raised | delivered | eoi | spurious | coalesced | masked))
                continue;
            char users[256], hist[256] = "", storms[48] = "";
            if (throttled)
                snprintf(storms, sizeof(storms), " throttled %llu", (unsigned long long)throttled);
            users_of(spec, chip->name, pin, users, sizeof(users));
            size_t off = 0;
            for (unsigned b = 0; b < IRQ_HIST_BUCKETS && off < sizeof(hist); b++) {
                uint64_t h = atomic_load(&s->hist[b]);
                if (h)
                    off += (size_t)snprintf(hist + off, sizeof(hist) - off, " %s%llu:%llu",
                                            b == IRQ_HIST_BUCKETS - 1 ? ">=" : "<",
                                            1ull << (b == IRQ_HIST_BUCKETS - 1 ? b - 1 : b),
                                            (unsigned long long)h);
            }
            log_info("irq %s:%u %s raised %llu delivered %llu eoi %llu spurious %llu coalesced "
                     "%llu masked %llu%s%s", chip->name, pin, users, (unsigned long long)raised,
                     (unsigned long long)delivered, (unsigned long long)eoi,
                     (unsigned long long)spurious, (unsigned long long)coalesced,
                     (unsigned long long)masked, storms, hist);
        }
    }
}
