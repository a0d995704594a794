/* The resolver's stages, shared between its files. */
#ifndef KQVM_CONFIG_RESOLVE_INTERNAL_H
#define KQVM_CONFIG_RESOLVE_INTERNAL_H

#include "config/resolver.h"
#include "vdev/vdev.h"

#define GUEST_PAGE 4096u
/* Largest guest physical address any architecture kqvm supports can use (52 bits). */
#define GPA_LIMIT (UINT64_C(1) << 52)

/* Per-vdev working state that does not belong in the spec. */
struct vdev_work {
    struct optval common[COMMON_OPT_COUNT];
    size_t entry;            /* index of the opening entry */
    bool invalid;            /* an error was reported: leave it out of later checks */
};

struct resolver {
    struct arena *a;
    struct diag *d;
    const struct cfg *cfg;
    struct vm_spec *vm;
    int *ctx_index; /* context -> index into vm->cpus or vm->vdevs (-1: none) */
    struct vdev_work *vwork;
    size_t cap_mem, cap_cpus, cap_loads, cap_passes, cap_reserves, cap_loggers, cap_vdevs,
        cap_vwork, cap_controllers, cap_intrs, cap_map;
    /* entry index of each pass (vm->passes order), for ordering rules */
    size_t *pass_entry;
    size_t cap_pass_entry;
};

void resolve_cpu_open(struct resolver *r, const struct cfg_entry *e);
void resolve_cpu_option(struct resolver *r, const struct cfg_entry *e);
void resolve_cpus_finish(struct resolver *r);

void resolve_vdev_open(struct resolver *r, const struct cfg_entry *e);
void resolve_vdev_option(struct resolver *r, const struct cfg_entry *e);
void resolve_vdevs_finish(struct resolver *r);

void resolve_pass(struct resolver *r, const struct cfg_entry *e);
void resolve_reserve(struct resolver *r, const struct cfg_entry *e);

void resolve_interrupts(struct resolver *r);
void resolve_pci_slots(struct resolver *r);
void resolve_memory_map(struct resolver *r);

/* Whether vdev i resolved without errors (later stages skip the others, so that
 * one mistake does not cascade into more messages). */
bool vdev_valid(const struct resolver *r, unsigned i);

/* "vdev ser8250" or "vdev ser8250 (uart0)" for messages and the memory map. */
const char *vdev_label(struct resolver *r, const struct vdev_spec *v);

#endif
