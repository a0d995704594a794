#include "config/options.h"

#include <string.h>

const char *arch_name(enum arch a)
{
    switch (a) {
    case ARCH_X86_64: return "x86_64";
    case ARCH_ARM64: return "arm64";
    case ARCH_ANY: break;
    }
    return "any";
}

enum arch arch_host(void)
{
#if defined(__aarch64__)
    return ARCH_ARM64;
#else
    return ARCH_X86_64;
#endif
}

unsigned option_nargs(const struct option_desc *o)
{
    switch (o->type) {
    case VT_FLAG: return 0;
    case VT_LOG: return 2;
    case VT_CUSTOM: return o->nargs_custom;
    default: return 1;
    }
}

const struct option_desc *option_find(const struct option_desc *tab, unsigned n, const char *name)
{
    for (unsigned i = 0; i < n; i++)
        if (strcmp(tab[i].name, name) == 0)
            return &tab[i];
    return NULL;
}

const char *option_type_name(const struct option_desc *o)
{
    static const char *const names[] = {
        [VT_FLAG] = "flag",         [VT_STRING] = "string",   [VT_NAME] = "name",
        [VT_PATH] = "path",         [VT_COUNT] = "number",    [VT_ADDRESS] = "address",
        [VT_SIZE] = "size",         [VT_BOOL] = "boolean",    [VT_TRISTATE] = "tristate",
        [VT_ENUM] = "choice",       [VT_LOC] = "location",    [VT_INTR] = "interrupt",
        [VT_INTR_LIST] = "interrupts", [VT_HOSTDEV] = "hostdev", [VT_LOG] = "log",
        [VT_CUSTOM] = "special",
    };
    if (o->type == VT_CUSTOM && o->type_name)
        return o->type_name;
    return names[o->type];
}
