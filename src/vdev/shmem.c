/* vdev shmem: shared memory between VMs, reached through a factory page. */
#include "vdev/vdev.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"

#include <string.h>

#define SHMEM_FACTORY_PAGE 0x1000

enum shmem_opt { SHMEM_OPT_CREATE, SHMEM_OPT_ALLOW, SHMEM_OPT_DENY, SHMEM_OPT_COUNT };

struct shmem_region {
    const char *name;
    uint64_t size;
};

/* create NAME,SIZE */
static bool shmem_parse_create(struct resolver *r, const struct token *t, struct optval *out)
{
    size_t comma = tok_find(t, 0, ',');
    if (comma == 0 || comma >= t->len) {
        resolver_error(r, &t->loc, "create expects NAME,SIZE, found '%s'", t->text);
        return false;
    }
    struct shmem_region *sr = arena_alloc(resolver_arena(r), sizeof(*sr));
    sr->name = arena_strndup(resolver_arena(r), t->text, comma);
    if (strchr(sr->name, '/')) {
        resolver_error(r, &t->loc, "shared memory name '%s' may not contain '/'", sr->name);
        return false;
    }
    if (!read_number(r, t, comma + 1, t->len - comma - 1, NUM_SIZE, "shared memory size",
                     &sr->size))
        return false;
    if (sr->size % 0x1000) {
        struct srcloc at = token_loc_at(t, comma + 1);
        resolver_error(r, &at, "shared memory size %s is not a multiple of 4 KiB",
                       t->text + comma + 1);
        return false;
    }
    out->custom = sr;
    return true;
}

static const struct option_desc shmem_options[SHMEM_OPT_COUNT] = {
    [SHMEM_OPT_CREATE] = { .name = "create", .type = VT_CUSTOM, .nargs_custom = 1,
                           .flags = OPT_REPEAT, .parse = shmem_parse_create, .arg = "NAME,SIZE",
                           .help = "create a named region when the VM starts" },
    [SHMEM_OPT_ALLOW] = { .name = "allow", .type = VT_STRING, .flags = OPT_REPEAT,
                          .arg = "PATTERN",
                          .help = "regions (shell pattern) the guest may attach" },
    [SHMEM_OPT_DENY] = { .name = "deny", .type = VT_STRING, .flags = OPT_REPEAT,
                         .arg = "PATTERN",
                         .help = "regions (shell pattern) the guest may not attach" },
};

static void shmem_validate(struct resolver *r, struct vdev_spec *v)
{
    for (const struct optval *a = &v->opts[SHMEM_OPT_CREATE]; a && a->set; a = a->next)
        for (const struct optval *b = a->next; b; b = b->next)
            if (!strcmp(((struct shmem_region *)a->custom)->name,
                        ((struct shmem_region *)b->custom)->name))
                resolver_error(r, &b->arg->loc, "shared memory region '%s' is already created "
                               "at %s", ((struct shmem_region *)b->custom)->name,
                               srcloc_str(&a->arg->loc));
}

static unsigned shmem_claims(const struct vdev_spec *v, const struct vm_spec *vm,
                             struct region *out, unsigned max)
{
    (void)vm;
    if (!v->mmio_transport)
        return 0;
    return vdev_claim_loc(v, SHMEM_FACTORY_PAGE, "factory page", out, max);
}

const struct vdev_type vdev_shmem = {
    .name = "shmem",
    .summary = "inter-VM shared memory with a factory page",
    .arch = ARCH_ANY,
    .placement = PLACE_PCI_OR_MMIO,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_MEM,
    .options = shmem_options,
    .noptions = SHMEM_OPT_COUNT,
    .validate = shmem_validate,
    .claims = shmem_claims,
};
