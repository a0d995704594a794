/* The global options of the language (the QNX "components") and the cpu
 * context's options. */
#ifndef KQVM_CONFIG_GLOBAL_H
#define KQVM_CONFIG_GLOBAL_H

#include "config/options.h"

enum global_id {
    G_SYSTEM,
    G_RAM,
    G_ROM,
    G_CPU,
    G_VDEV,
    G_LOAD,
    G_CMDLINE,
    G_PASS,
    G_RESERVE,
    G_SET,
    G_LOGGER,
    G_UNSUPPORTED,
    G_TOLERANCE,
    G_DUMP,
    G_DRYRUN,
    G_SAFETY,
    G_DEBUG,
};

struct global_desc {
    const char *name;
    enum global_id id;
    unsigned nargs;
    const char *syntax;
    const char *help;
};

extern const struct global_desc global_options[];
extern const unsigned global_options_count;
const struct global_desc *global_find(const char *name);

/* TYPE words that may precede "load". */
enum load_type { LOAD_AUTO, LOAD_INITRD, LOAD_DATA, LOAD_ACPI, LOAD_FDT, LOAD_GUEST };

struct load_type_desc {
    const char *name;
    enum load_type type;
    unsigned arch;
    const char *help;
};

extern const struct load_type_desc load_types[];
extern const unsigned load_types_count;
const struct load_type_desc *load_type_find(const char *name);

/* Options of the cpu context. */
enum cpu_opt { CPU_PARTITION, CPU_RUNMASK, CPU_CLUSTER, CPU_SCHED, CPU_OPT_COUNT };
extern const struct option_desc cpu_options[CPU_OPT_COUNT];

#endif
