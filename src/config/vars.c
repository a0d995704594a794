#include "config/vars.h"

#include "config/resolver.h"

#include <string.h>

static bool parse_message_block_timeout(struct resolver *r, const struct token *t,
                                        struct optval *out)
{
    if (!read_number(r, t, 0, t->len, NUM_COUNT, "message-block-timeout", &out->u))
        return false;
    if (out->u != 0 && (out->u < 5 || out->u > 10000)) {
        resolver_error(r, &t->loc, "message-block-timeout %s is out of range: 5 to 10000 "
                       "milliseconds, or 0 for no limit", t->text);
        return false;
    }
    return true;
}

static const char *const arch_choices[] = { "x86_64", "arm64", NULL };
static const char *const dryrun_formats[] = { "text", "json", NULL };
static const char *const reset_actions[] = { "restart", "exit", NULL };

const struct option_desc var_table[VAR_COUNT] = {
    [VAR_ARCH] = { .name = "arch", .type = VT_ENUM, .choices = arch_choices,
                   .defval = NULL /* the host's */,
                   .help = "architecture the configuration is for; dryrun can resolve the "
                           "other one, running needs a host of that architecture" },
    [VAR_DRYRUN_FORMAT] = { .name = "dryrun-format", .type = VT_ENUM, .choices = dryrun_formats,
                            .defval = "text", .help = "how dryrun prints the resolved VM" },
    [VAR_EXIT_ON_HALT] = { .name = "exit-on-halt", .type = VT_BOOL, .defval = "on",
                           .help = "HLT/WFI leaves the guest (the vCPU thread sleeps) rather than "
                                   "executing in the guest" },
    [VAR_EXIT_STATS] = { .name = "exit-stats", .type = VT_BOOL, .defval = "off",
                         .help = "print each vCPU's exits by reason, and the accesses to each "
                                 "device range, when the VM ends and on SIGUSR1" },
    [VAR_FDT_DUMP_FILE] = { .name = "fdt-dump-file", .type = VT_PATH, .arch = ARCH_ARM64,
                            .arg = "PATH", .help = "write the guest's flattened device tree here" },
    [VAR_GIC_HWASSIST] = { .name = "gic-hwassist", .type = VT_BOOL, .arch = ARCH_ARM64,
                           .defval = "on",
                           .help = "in-kernel vGIC with list registers (on) or kqvm's own GIC "
                                   "driving the vCPU IRQ line (off)" },
    [VAR_IRQ_STATS] = { .name = "irq-stats", .type = VT_BOOL, .defval = "off",
                        .help = "print every interrupt pin's counters and latencies when the "
                                "VM ends, and on SIGUSR1" },
    [VAR_KERNEL_IRQCHIP] = { .name = "kernel-irqchip", .type = VT_BOOL, .arch = ARCH_X86_64,
                             .defval = "off",
                             .help = "KVM's in-kernel I/O APIC and 8259 (fixed addresses) "
                                     "instead of kqvm's; local APICs are in KVM either way" },
    [VAR_LEGACY_FREE] = { .name = "legacy-free", .type = VT_BOOL, .arch = ARCH_X86_64,
                          .defval = "off",
                          .help = "tell the guest (ACPI FADT) that there are no legacy PC devices" },
    [VAR_MESSAGE_BLOCK_TIMEOUT] = { .name = "message-block-timeout", .type = VT_CUSTOM,
                                    .nargs_custom = 1, .parse = parse_message_block_timeout,
                                    .type_name = "number", .defval = "10000", .arg = "MS",
                                    .help = "longest a vCPU waits on a vdev's host I/O, in "
                                            "milliseconds: 5 to 10000, or 0 for no limit" },
    [VAR_PASS_IRQ_BACKOFF] = { .name = "pass-irq-backoff", .type = VT_COUNT, .min = 1,
                               .max = 60000, .defval = "100", .arg = "MS",
                               .help = "how long a pass-through interrupt source that went over "
                                       "its budget stays masked, in milliseconds (1 to 60000)" },
    [VAR_PASS_IRQ_BUDGET] = { .name = "pass-irq-budget", .type = VT_COUNT, .min = 0,
                              .max = 10000000, .defval = "20000", .arg = "PER_SECOND",
                              .help = "interrupts per second a pass-through source may raise "
                                      "(bursts up to a tenth of that); 0: no limit" },
    [VAR_POSTED_INTERRUPTS] = { .name = "posted-interrupts", .type = VT_TRISTATE,
                                .arch = ARCH_X86_64, .defval = "auto",
                                .help = "posted interrupts (host KVM's APICv/AVIC); on: refuse "
                                        "to run without them" },
    [VAR_RESET_ACTION] = { .name = "reset-action", .type = VT_ENUM, .choices = reset_actions,
                           .defval = "restart",
                           .help = "when the guest resets the machine (pckeyboard 0xfe, reboot): "
                                   "restart it, or exit (status 3)" },
    [VAR_VIRTUAL_INTERRUPTS] = { .name = "virtual-interrupts", .type = VT_TRISTATE,
                                 .arch = ARCH_X86_64, .defval = "auto",
                                 .help = "virtual interrupt delivery (host KVM's APICv/AVIC); on: "
                                         "refuse to run without it" },
};

int var_find(const char *name)
{
    for (int i = 0; i < VAR_COUNT; i++)
        if (strcmp(var_table[i].name, name) == 0)
            return i;
    return -1;
}

/* QNX variables that have no meaning for kqvm: refused, with the reason. */
static const struct {
    const char *name, *why;
} refused_vars[] = {
    { "grow-heap", "kqvm's heap grows on demand; remove the line" },
    { "slog-buffer", "kqvm logs through syslog, which has no per-process buffer; remove the line" },
    { "counter-offset", "setting the guest's time-stamp counter offset is not supported yet" },
    { "debug", "QNX's per-vdev status-dump switch is not supported" },
    { "vdev-message-block-timeout", "use the global message-block-timeout" },
    { "host-paddr-gicd", "on Linux the host GIC belongs to KVM; remove the line" },
    { "host-paddr-gich", "on Linux the host GIC belongs to KVM; remove the line" },
    { "host-paddr-gicv", "on Linux the host GIC belongs to KVM; remove the line" },
    { "host-paddr-gicr", "on Linux the host GIC belongs to KVM; remove the line" },
};

const char *var_refusal(const char *name)
{
    for (unsigned i = 0; i < sizeof(refused_vars) / sizeof(refused_vars[0]); i++)
        if (strcmp(refused_vars[i].name, name) == 0)
            return refused_vars[i].why;
    return NULL;
}
