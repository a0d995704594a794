#include "config/global.h"

#include <string.h>

const struct global_desc global_options[] = {
    { "system", G_SYSTEM, 1, "system NAME",
      "name of the VM (logs, dump files, runtime directory); must be the first entry" },
    { "ram", G_RAM, 1, "ram [START,]LENGTH",
      "guest RAM, read/write, zeroed; without START it follows the highest RAM/ROM so far" },
    { "rom", G_ROM, 1, "rom [START,]LENGTH", "guest ROM: like ram, read-only to the guest" },
    { "cpu", G_CPU, 0,
      "cpu [partition NAME] [runmask N{,N}] [cluster NAME] [sched PRIO[r|f|o]]",
      "one vCPU (one host thread); opens a cpu context; none at all means one vCPU" },
    { "vdev", G_VDEV, 1, "vdev TYPE [OPTION ARG]...",
      "a virtual device; opens a vdev context (see the vdev list)" },
    { "load", G_LOAD, 1, "[TYPE] load [ADDR,]FILE",
      "put FILE into guest memory; ELF and Linux kernels are recognised, others copied raw" },
    { "cmdline", G_CMDLINE, 1, "cmdline STRING", "the guest's command line (Linux; ELF guests find it in the boot info)" },
    { "pass", G_PASS, 0, "pass [loc SPEC[,LENGTH][,FLAGS][=HOST]] [intr INTR[,ATTR][=HOST]]",
      "pass-through: map a host resource into the guest, or forward a host interrupt" },
    { "reserve", G_RESERVE, 2, "reserve loc SPEC[,LENGTH] | reserve intr [CONTROLLER:]N",
      "keep a guest range or an interrupt number out of automatic allocation" },
    { "set", G_SET, 2, "set VARIABLE VALUE | set ?",
      "tune a variable; 'set ?' lists them with types, scopes and defaults" },
    { "logger", G_LOGGER, 2, "logger FILTER{,FILTER} DEST",
      "where kqvm's messages go: filters fatal internal error warn info debug verbose; "
      "DEST stdout, stderr, slog (syslog), none" },
    { "unsupported", G_UNSUPPORTED, 2, "unsupported instruction|reference|register abort|fail|ignore",
      "what to do when the guest uses something kqvm does not emulate" },
    { "tolerance", G_TOLERANCE, 1, "tolerance MICROSECONDS",
      "how late a timer expiry may be delivered (default 100)" },
    { "dump", G_DUMP, 1, "dump DIR | dump \"|COMMAND\"",
      "where to write an ELF core of the guest on SIGUSR2 or watchdog expiry" },
    { "dryrun", G_DRYRUN, 0, "dryrun", "validate, print the resolved VM, and exit without running" },
    { "safety", G_SAFETY, 1, "safety none|warn|required",
      "QNX safety variant selection; kqvm accepts none and warn" },
    { "debug", G_DEBUG, 0, "debug", "QNX guest debugging (gdb stub): refused by kqvm" },
};
const unsigned global_options_count = sizeof(global_options) / sizeof(global_options[0]);

const struct global_desc *global_find(const char *name)
{
    for (unsigned i = 0; i < global_options_count; i++)
        if (strcmp(global_options[i].name, name) == 0)
            return &global_options[i];
    return NULL;
}

const struct load_type_desc load_types[] = {
    { "initrd", LOAD_INITRD, ARCH_ANY, "an initial RAM disk for a Linux kernel" },
    { "data", LOAD_DATA, ARCH_ANY, "a blob copied into guest memory, never executed" },
    { "acpi", LOAD_ACPI, ARCH_X86_64, "an ACPI table the guest finds instead of a generated one" },
    { "fdt", LOAD_FDT, ARCH_ARM64, "a flattened device tree used instead of a generated one" },
    { "guest", LOAD_GUEST, ARCH_ANY, "the guest image (the same as no TYPE)" },
};
const unsigned load_types_count = sizeof(load_types) / sizeof(load_types[0]);

const struct load_type_desc *load_type_find(const char *name)
{
    for (unsigned i = 0; i < load_types_count; i++)
        if (strcmp(load_types[i].name, name) == 0)
            return &load_types[i];
    return NULL;
}

const struct option_desc cpu_options[CPU_OPT_COUNT] = {
    [CPU_PARTITION] = { .name = "partition", .type = VT_NAME, .arg = "NAME",
                        .help = "QNX adaptive partition of the vCPU thread (refused on Linux)" },
    [CPU_RUNMASK] = { .name = "runmask", .type = VT_CUSTOM, .nargs_custom = 1, .arg = "N{,N}",
                      .help = "host CPUs (zero-based) the vCPU thread may run on" },
    [CPU_CLUSTER] = { .name = "cluster", .type = VT_NAME, .arg = "NAME",
                      .help = "QNX CPU cluster of the vCPU thread (refused on Linux)" },
    [CPU_SCHED] = { .name = "sched", .type = VT_CUSTOM, .nargs_custom = 1, .arg = "PRIO[r|f|o]",
                    .help = "host scheduling of the vCPU thread: PRIO (1-99) with r round-robin "
                            "(the default) or f FIFO; PRIOo (1-255): SCHED_OTHER, where "
                            "Linux has no priority" },
};
