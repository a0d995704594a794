/* A vdev type is one declaration: its QNX name, the architectures it exists
 * on, how it is placed, its option table, its checks, and the bus ranges it
 * claims. The registry (vdev.c) lists every type kqvm knows. */
#ifndef KQVM_VDEV_VDEV_H
#define KQVM_VDEV_VDEV_H

#include "config/options.h"

#include <stdbool.h>

struct resolver;
struct vdev_spec;
struct vm_spec;
struct region;
struct vdev_ctx;

/* A device model: what runs when the guest touches the ranges from claims().
 * region is the index of the claimed range; offset is relative to its base.
 * Handlers run on vCPU threads, concurrently: a model locks its own state. */
struct vdev_model {
    /* Build an instance; NULL after logging why (the VM does not start). */
    void *(*create)(struct vdev_ctx *ctx);
    void (*destroy)(void *dev);
    uint64_t (*read)(void *dev, unsigned region, uint64_t offset, unsigned size);
    void (*write)(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value);
};

enum vdev_placement {
    PLACE_FIXED,       /* memory or I/O ranges; needs loc unless it has a default */
    PLACE_PCI,         /* a PCI function */
    PLACE_PCI_OR_MMIO, /* PCI unless both loc and intr are given (virtio-mmio) */
    PLACE_NONE,        /* no guest-visible registers (e.g. a watchdog on fixed ports) */
};

/* Common options a vdev type accepts (bits). */
enum vdev_common {
    COMMON_NAME = 1u << 0,
    COMMON_LOC = 1u << 1,
    COMMON_INTR = 1u << 2,
    COMMON_LOG = 1u << 3,
    COMMON_HOSTVECTOR = 1u << 4,
};

enum common_opt { COMMON_OPT_NAME, COMMON_OPT_LOC, COMMON_OPT_INTR, COMMON_OPT_LOG,
                  COMMON_OPT_HOSTVECTOR, COMMON_OPT_COUNT };
extern const struct option_desc vdev_common_options[COMMON_OPT_COUNT];

/* What an interrupt-controller vdev looks like to the interrupt resolver. */
struct controller_desc {
    unsigned lines;      /* number of input lines, numbered from first_line */
    unsigned first_line; /* GIC: SPIs start at 32 */
    /* Lines automatic assignment tries, in order; NULL: every line upwards. */
    const uint16_t *auto_lines;
    unsigned nauto;
    /* The controller's line count for this instance, when it depends on the
     * configuration (the 8259 pair); NULL: lines. */
    unsigned (*count_lines)(const struct vdev_spec *v, const struct vm_spec *vm);
    /* Why a line cannot be given to a device (the 8259's cascade, a GICv2m
     * frame's SPIs), or NULL when it can. */
    const char *(*line_reserved)(const struct vdev_spec *v, uint32_t line);
};

struct vdev_type {
    const char *name; /* the QNX name: "ser8250", "8259", ... */
    const char *summary;
    unsigned arch; /* enum arch bits */
    enum vdev_placement placement;
    unsigned common;              /* enum vdev_common bits */
    enum loc_space loc_space;     /* the space of a bare number in loc */
    bool loc_any_space;           /* registers may be in memory or I/O space (ser8250) */
    bool has_default_loc;
    struct guest_loc default_loc;
    bool intr_list;               /* intr takes a list (hpet) */
    bool intr_required;
    const struct controller_desc *controller; /* non-NULL: an interrupt controller */
    const struct option_desc *options;       /* type-specific options */
    unsigned noptions;
    /* Cross-option checks after the options are read; report with resolver_error. */
    void (*validate)(struct resolver *r, struct vdev_spec *v);
    /* The guest ranges this vdev answers (once resolved). Returns the count written. */
    unsigned (*claims)(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                       unsigned max);
    /* NULL while only the declaration exists: dryrun accepts the vdev, running
     * refuses it by name. */
    const struct vdev_model *model;
};

/* Helpers for the declarations. */
#define DELAYED_FOREVER UINT64_MAX
/* "delayed SECONDS|forever" */
bool vdev_parse_delayed(struct resolver *r, const struct token *t, struct optval *out);
/* One range of length bytes at the vdev's loc. */
unsigned vdev_claim_loc(const struct vdev_spec *v, uint64_t length, const char *what,
                        struct region *out, unsigned max);
/* The number of occurrences of a repeatable option. */
unsigned optval_count(const struct optval *v);

/* Option declarations several vdevs share word for word. */
#define VDEV_DELAYED_OPTION                                                                       \
    { .name = "delayed", .type = VT_CUSTOM, .nargs_custom = 1, .parse = vdev_parse_delayed,      \
      .arg = "SECONDS|forever",                                                                   \
      .help = "open the host side at the guest's first access, retrying this long" }
#define VDEV_HOSTDEV_OPTION                                                                       \
    { .name = "hostdev", .type = VT_HOSTDEV, .flags = OPT_REPEAT, .arg = "[<|>]PATH | >-",        \
      .help = "host side: >- the VMM's stdout, >FILE output only, <FILE input only, PATH (a "     \
              "pty or Unix socket) both ways" }
#define VDEV_SCHED_OPTION                                                                         \
    { .name = "sched", .type = VT_COUNT, .min = 1, .max = 99, .arg = "PRIO",                      \
      .help = "real-time priority of the thread that reads host input" }

extern const struct vdev_type *const vdev_types[];
/* Implicit on x86, not declarable: the ACPI power-management block. */
extern const struct vdev_type vdev_acpi_pm;
/* The interrupt controllers other parts of kqvm look for by type. */
extern const struct vdev_type vdev_ioapic, vdev_8259, vdev_gic;
extern const unsigned vdev_types_count;

/* Look a type up by name; "vdev-X" is accepted as "X". */
const struct vdev_type *vdev_type_find(const char *name);
/* An option of type t by name: a type-specific one (*common = false, index
 * into t->options) or a common one it accepts (*common = true). */
const struct option_desc *vdev_option_find(const struct vdev_type *t, const char *name,
                                           bool *common, unsigned *index);

#endif
