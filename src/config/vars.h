/* Variables of `set VARIABLE VALUE`: one table, read by the resolver, by
 * `set ?` and by the documentation. */
#ifndef KQVM_CONFIG_VARS_H
#define KQVM_CONFIG_VARS_H

#include "config/options.h"

enum var_id {
    VAR_ARCH,
    VAR_DRYRUN_FORMAT,
    VAR_EXIT_ON_HALT,
    VAR_EXIT_STATS,
    VAR_FDT_DUMP_FILE,
    VAR_GIC_HWASSIST,
    VAR_IRQ_STATS,
    VAR_KERNEL_IRQCHIP,
    VAR_LEGACY_FREE,
    VAR_MESSAGE_BLOCK_TIMEOUT,
    VAR_PASS_IRQ_BACKOFF,
    VAR_PASS_IRQ_BUDGET,
    VAR_POSTED_INTERRUPTS,
    VAR_RESET_ACTION,
    VAR_VIRTUAL_INTERRUPTS,
    VAR_COUNT
};

/* The variables, as option descriptors: name, type, arch scope, default, help. */
extern const struct option_desc var_table[VAR_COUNT];
int var_find(const char *name);
/* Why kqvm refuses a known QNX variable; NULL when name is not one of them. */
const char *var_refusal(const char *name);

#endif
