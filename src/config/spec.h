/* The resolved VM spec: the single source of truth after configuration. Every
 * value is typed, defaults are applied, automatic numbers are assigned, and each
 * item remembers the configuration line it came from. Nothing after the resolver
 * reads configuration text. */
#ifndef KQVM_CONFIG_SPEC_H
#define KQVM_CONFIG_SPEC_H

#include "config/global.h"
#include "config/options.h"
#include "config/vars.h"

#include <stdbool.h>
#include <stdint.h>

struct vdev_type;

/* What occupies a guest range. */
enum region_kind { REGION_RAM, REGION_ROM, REGION_PASS, REGION_VDEV, REGION_IMPLICIT };

enum space { SPACE_MEM, SPACE_IO };

struct region {
    enum space space;
    uint64_t base, length;
    enum region_kind kind;
    const char *owner; /* "ram", "vdev ser8250 (uart0)", ... */
    const char *what;  /* vdev: which of its ranges ("registers", "ELCR"); may be NULL */
    struct srcloc at;
};

struct mem_spec {
    uint64_t base, length;
    bool rom;
    bool placed; /* START was not given: placed automatically */
    struct srcloc at;
};

enum sched_policy { SCHED_POLICY_INHERIT, SCHED_POLICY_RR, SCHED_POLICY_FIFO, SCHED_POLICY_OTHER };

enum { SPEC_MAX_HOST_CPUS = 1024 };

struct cpu_spec {
    uint64_t runmask[SPEC_MAX_HOST_CPUS / 64];
    bool has_runmask;
    enum sched_policy policy;
    unsigned priority;
    struct srcloc at;
};

struct load_spec {
    enum load_type type;
    bool has_addr;
    uint64_t addr;
    const char *path; /* resolved against the configuration file's directory */
    struct srcloc at;
};

/* pass loc flags */
enum pass_flags {
    PASS_R = 1u << 0,
    PASS_W = 1u << 1,
    PASS_X = 1u << 2,
    PASS_NOCACHE = 1u << 3, /* n */
    PASS_CACHED = 1u << 4,  /* c */
    PASS_RAM = 1u << 5,     /* m: the guest may treat it as normal RAM */
};

/* pass intr attributes */
enum pass_intr_attr {
    PASS_INTR_UNMASK = 1u << 0, /* u: unmask the host source at once, not at the guest's EOI */
    PASS_INTR_THREAD = 1u << 1, /* t: QNX's thread (IST) delivery; kqvm always uses one */
};

enum pass_host_kind {
    PASS_HOST_SAME, /* the host resource at the guest's address */
    PASS_HOST_MEM,  /* host physical memory, through /dev/mem */
    PASS_HOST_IO,
    PASS_HOST_PCI,
    PASS_HOST_FILE, /* =file:PATH[@OFFSET] (kqvm) */
    PASS_HOST_UIO,  /* =uio:N[/MAP] (kqvm): map MAP of /dev/uioN */
};

/* Where a pass intr comes from on the host. */
enum pass_irq_source {
    PASS_IRQ_VECTOR,  /* QNX's host vector (=N, or hostvector + line): not reachable on Linux */
    PASS_IRQ_UIO,     /* =uio:N: /dev/uioN's interrupt (level: masked until the EOI) */
    PASS_IRQ_VFIO,    /* =vfio:DEVICE[/INDEX] */
    PASS_IRQ_EVENTFD, /* =eventfd:FD: an inherited eventfd (edge: each write is one interrupt) */
};

struct pass_spec {
    bool has_loc;
    struct guest_loc loc;
    uint64_t length;
    unsigned flags; /* enum pass_flags */
    enum pass_host_kind host_kind;
    struct guest_loc host; /* PASS_HOST_MEM/IO/PCI */
    const char *host_path; /* PASS_HOST_FILE */
    uint64_t host_offset;
    unsigned uio, uio_map;  /* PASS_HOST_UIO */
    bool has_intr;
    struct intr_ref intr;
    unsigned intr_attr;       /* enum pass_intr_attr bits */
    enum pass_irq_source irq_source;
    bool has_host_vector;
    uint64_t host_vector;      /* PASS_IRQ_VECTOR */
    unsigned irq_uio;          /* PASS_IRQ_UIO */
    int irq_fd;                /* PASS_IRQ_EVENTFD */
    const char *irq_device;    /* PASS_IRQ_VFIO: the device's sysfs name */
    unsigned irq_index;        /* PASS_IRQ_VFIO: its VFIO interrupt index */
    struct srcloc at;
    unsigned seq; /* position of the entry in the input */
};

/* Whether entry p passes a PCI device through (its guest side is a PCI slot). */
static inline bool pass_is_pci(const struct pass_spec *p)
{
    return p->has_loc && (p->loc.space == LOC_PCI_BDF || p->loc.space == LOC_PCI_ID);
}

enum unsupported_what { UNSUP_INSTRUCTION, UNSUP_REFERENCE, UNSUP_REGISTER, UNSUP_COUNT };
enum unsupported_action { UNSUP_ABORT, UNSUP_FAIL, UNSUP_IGNORE };

enum safety_level { SAFETY_NONE, SAFETY_WARN };

struct logger_spec {
    struct log_spec log;
    struct srcloc at;
};

/* An interrupt controller of the VM: a controller vdev, or the implicit apic/gic. */
struct controller_spec {
    const char *name;
    const struct vdev_type *type; /* NULL: the implicit local APIC */
    int vdev;                     /* index into vm_spec.vdevs, -1 for the local APIC */
    unsigned lines, first_line;
    uint32_t hostvector;
    struct srcloc at;
};

/* One assigned line: who raises controller:line. */
struct intr_assign {
    unsigned controller;
    uint32_t line;
    const char *user; /* "vdev ser8250", "pass" */
    int vdev;         /* index into vm_spec.vdevs, -1 for pass-through */
    int pass;         /* index into vm_spec.passes, -1 for a vdev */
    unsigned slot;    /* which of the vdev's intr (hpet timers) */
    bool automatic;
    bool shared;      /* HPET legacy replacement sharing a line with the PIT or RTC */
    struct srcloc at;
};

struct vdev_spec {
    const struct vdev_type *type;
    const char *name;
    bool named;    /* name was given */
    bool implicit; /* added by kqvm (the arm64 gic when none is declared) */
    struct srcloc at;
    /* Placement */
    struct guest_loc loc;
    bool mmio_transport; /* PLACE_PCI_OR_MMIO resolved to MMIO */
    bool pci;
    /* Interrupts: resolved lines (one, or a list for hpet) */
    struct intr_ref *intr;
    unsigned nintr;
    int controller_index; /* when this vdev is a controller: index into vm_spec.controllers */
    uint32_t hostvector;
    bool has_hostvector;
    struct log_spec *logs; /* per-vdev log options, in order (later ones win) */
    unsigned nlogs;
    /* Type-specific options, indexed like type->options; repeats chained by next. */
    struct optval *opts;
    /* Typed data the vdev's own parse/validate produced (its own struct). */
    void *priv;
};

struct reserve_spec {
    bool is_intr;
    struct guest_loc loc;
    uint64_t length;
    const char *controller; /* NULL: every controller */
    uint32_t line;
    struct srcloc at;     /* the reserve word */
    struct srcloc arg_at; /* its argument */
};

/* Where the PCI bus puts BARs (x86, when the VM has a PCI device): ranges
 * the map keeps free. */
struct pci_window_spec {
    bool present;
    uint64_t mmio_base, mmio_size;
    uint32_t io_base, io_size;
};

struct vm_spec {
    const char *system;
    enum arch arch;
    struct mem_spec *mem;
    unsigned nmem;
    struct cpu_spec *cpus;
    unsigned ncpus;
    struct load_spec *loads;
    unsigned nloads;
    const char *cmdline;
    struct pass_spec *passes;
    unsigned npasses;
    struct reserve_spec *reserves;
    unsigned nreserves;
    struct logger_spec *loggers;
    unsigned nloggers;
    enum unsupported_action unsupported[UNSUP_COUNT];
    uint32_t tolerance_us;
    const char *dump_dir;     /* NULL unless dump DIR */
    const char *dump_command; /* NULL unless dump "|COMMAND" */
    bool dryrun;
    enum safety_level safety;
    struct optval vars[VAR_COUNT];
    struct vdev_spec *vdevs;
    unsigned nvdevs;
    struct controller_spec *controllers;
    unsigned ncontrollers;
    struct intr_assign *intrs;
    unsigned nintrs;
    struct region *map; /* sorted by space, then base */
    unsigned nmap;
    struct pci_window_spec pci;
};

#endif
