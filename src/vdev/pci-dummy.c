/* vdev pci-dummy: a read-only placeholder PCI function (for instance function 0
 * of a multi-function pass-through device), its IDs cloned from a host device
 * or given register by register. */
#include "vdev/vdev.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"

#include <inttypes.h>
#include <string.h>

enum dummy_opt { DUMMY_OPT_CLONE, DUMMY_OPT_REG, DUMMY_OPT_COUNT };

struct dummy_reg {
    uint8_t offset, size;
    uint64_t value;
};

static const struct {
    const char *name;
    uint8_t offset, size;
} dummy_reg_names[] = {
    { "Vendor_ID", 0x00, 2 },     { "Device_ID", 0x02, 2 },     { "Revision_ID", 0x08, 1 },
    { "Class_Code[0]", 0x09, 1 }, { "Class_Code[1]", 0x0a, 1 }, { "Class_Code[2]", 0x0b, 1 },
    { "Header_Type", 0x0e, 1 },   { "Sub_Vendor_ID", 0x2c, 2 }, { "Sub_System_ID", 0x2e, 2 },
};

static bool dummy_parse_clone(struct resolver *r, const struct token *t, struct optval *out)
{
    if (!read_loc(r, t, 0, t->len, LOC_NONE, &out->loc))
        return false;
    if (out->loc.space != LOC_PCI_BDF && out->loc.space != LOC_PCI_ID) {
        resolver_error(r, &t->loc, "clone expects a host PCI device, pci:BUS:DEV[.FUNC] or "
                       "pci:VID/DID[/INDEX]");
        return false;
    }
    return true;
}

/* reg OFFSET/SIZE=VALUE or reg NAME=VALUE */
static bool dummy_parse_reg(struct resolver *r, const struct token *t, struct optval *out)
{
    size_t eq = tok_find(t, 0, '=');
    if (eq == 0 || eq >= t->len) {
        resolver_error(r, &t->loc, "reg expects OFFSET/SIZE=VALUE or NAME=VALUE, found '%s'",
                       t->text);
        return false;
    }
    struct dummy_reg *reg = arena_alloc(resolver_arena(r), sizeof(*reg));
    size_t slash = tok_find(t, 0, '/');
    if (slash < eq) {
        uint64_t off, size;
        if (!read_number(r, t, 0, slash, NUM_ADDRESS, "register offset", &off) ||
            !read_number(r, t, slash + 1, eq - slash - 1, NUM_COUNT, "register size", &size))
            return false;
        if (size != 1 && size != 2 && size != 4 && size != 8) {
            resolver_error(r, &t->loc, "reg %s: the size must be 1, 2, 4 or 8", t->text);
            return false;
        }
        if (off > 0xff || off % size || off + size > 0x100) {
            resolver_error(r, &t->loc, "reg %s: the offset must be aligned to the size and lie "
                           "in the 256-byte configuration header", t->text);
            return false;
        }
        reg->offset = (uint8_t)off;
        reg->size = (uint8_t)size;
    } else {
        unsigned i, n = sizeof(dummy_reg_names) / sizeof(dummy_reg_names[0]);
        for (i = 0; i < n; i++)
            if (strlen(dummy_reg_names[i].name) == eq &&
                !memcmp(t->text, dummy_reg_names[i].name, eq))
                break;
        if (i == n) {
            resolver_error(r, &t->loc, "unknown register '%.*s' (known: Vendor_ID, Device_ID, "
                           "Revision_ID, Class_Code[0-2], Header_Type, Sub_Vendor_ID, "
                           "Sub_System_ID)", (int)eq, t->text);
            return false;
        }
        reg->offset = dummy_reg_names[i].offset;
        reg->size = dummy_reg_names[i].size;
    }
    if (!read_number(r, t, eq + 1, t->len - eq - 1, NUM_ADDRESS, "register value", &reg->value))
        return false;
    if (reg->size < 8 && reg->value >> (8 * reg->size)) {
        struct srcloc at = token_loc_at(t, eq + 1);
        resolver_error(r, &at, "value 0x%" PRIx64 " does not fit in %u byte%s", reg->value,
                       reg->size, reg->size > 1 ? "s" : "");
        return false;
    }
    out->custom = reg;
    return true;
}

static const struct option_desc dummy_options[DUMMY_OPT_COUNT] = {
    [DUMMY_OPT_CLONE] = { .name = "clone", .type = VT_CUSTOM, .nargs_custom = 1,
                          .parse = dummy_parse_clone, .arg = "pci:BUS:DEV[.FUNC]|pci:VID/DID",
                          .help = "copy the IDs of this host PCI device" },
    [DUMMY_OPT_REG] = { .name = "reg", .type = VT_CUSTOM, .nargs_custom = 1, .flags = OPT_REPEAT,
                        .parse = dummy_parse_reg, .arg = "OFFSET/SIZE=VALUE|NAME=VALUE",
                        .help = "set a configuration register" },
};

static void dummy_validate(struct resolver *r, struct vdev_spec *v)
{
    if (v->opts[DUMMY_OPT_CLONE].set)
        return;
    for (const struct optval *o = &v->opts[DUMMY_OPT_REG]; o && o->set; o = o->next)
        if (((const struct dummy_reg *)o->custom)->offset == 0)
            return;
    resolver_error(r, &v->at, "vdev pci-dummy needs clone or a Vendor_ID (reg Vendor_ID=... or "
                   "reg 0/2=...): a function without a vendor ID is absent");
}

const struct vdev_type vdev_pci_dummy = {
    .name = "pci-dummy",
    .summary = "placeholder PCI function with cloned or given IDs",
    .arch = ARCH_ANY,
    .placement = PLACE_PCI,
    .common = COMMON_NAME | COMMON_LOC | COMMON_LOG,
    .loc_space = LOC_MEM,
    .options = dummy_options,
    .noptions = DUMMY_OPT_COUNT,
    .validate = dummy_validate,
    .claims = NULL,
};
