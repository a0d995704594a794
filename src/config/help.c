#include "config/help.h"

#include "config/global.h"
#include "config/vars.h"
#include "vdev/vdev.h"

static void print_option(FILE *out, const struct option_desc *o)
{
    char head[64];
    snprintf(head, sizeof(head), "%s %s", o->name, option_nargs(o) ? (o->arg ? o->arg : "VALUE")
                                                                    : "");
    fprintf(out, "    %-34s %s", head, o->help ? o->help : "");
    if (o->defval)
        fprintf(out, " (default %s)", o->defval);
    if (o->flags & OPT_REPEAT)
        fprintf(out, " [repeatable]");
    fputc('\n', out);
}

void help_usage(FILE *out)
{
    fprintf(out,
            "usage: kqvm [@FILE | WORD]...\n"
            "       kqvm --help [VDEV] | --version | set ?\n"
            "\n"
            "Runs one virtual machine described in the .qvmconf language. @FILE reads a\n"
            "configuration file; any other word is configuration text, read in order.\n"
            "Exit status: 0 success, 1 runtime failure, 2 configuration error.\n"
            "\n"
            "Options:\n");
    for (unsigned i = 0; i < global_options_count; i++)
        fprintf(out, "  %s\n      %s\n", global_options[i].syntax, global_options[i].help);
    fprintf(out, "\nLoad types (TYPE load FILE):\n");
    for (unsigned i = 0; i < load_types_count; i++)
        fprintf(out, "  %-8s %s (%s)\n", load_types[i].name, load_types[i].help,
                arch_name(load_types[i].arch));
    fprintf(out, "\ncpu options:\n");
    for (unsigned i = 0; i < CPU_OPT_COUNT; i++)
        print_option(out, &cpu_options[i]);
    fprintf(out, "\nOptions every vdev may take (where they apply):\n");
    for (unsigned i = 0; i < COMMON_OPT_COUNT; i++)
        print_option(out, &vdev_common_options[i]);
    fprintf(out, "\nvdevs ('kqvm --help TYPE' lists a vdev's own options):\n");
    for (unsigned i = 0; i < vdev_types_count; i++)
        fprintf(out, "  %-15s %-7s %s\n", vdev_types[i]->name, arch_name(vdev_types[i]->arch),
                vdev_types[i]->summary);
    fprintf(out, "\nVariables: 'kqvm set ?'.\n");
}

bool help_vdev(FILE *out, const char *type)
{
    const struct vdev_type *t = vdev_type_find(type);
    if (!t)
        return false;
    fprintf(out, "vdev %s (%s): %s\n", t->name, arch_name(t->arch), t->summary);
    if (t->has_default_loc)
        fprintf(out, "  default loc: %s:0x%llx\n", t->default_loc.space == LOC_IO ? "io" : "mem",
                (unsigned long long)t->default_loc.addr);
    fprintf(out, "  options:\n");
    for (unsigned i = 0; i < COMMON_OPT_COUNT; i++) {
        bool common;
        unsigned idx;
        if (vdev_option_find(t, vdev_common_options[i].name, &common, &idx) && common)
            print_option(out, &vdev_common_options[i]);
    }
    for (unsigned i = 0; i < t->noptions; i++)
        print_option(out, &t->options[i]);
    return true;
}

void help_variables(FILE *out)
{
    fprintf(out, "%-22s %-12s %-7s %-8s %s\n", "VARIABLE", "TYPE", "SCOPE", "DEFAULT", "MEANING");
    for (int i = 0; i < VAR_COUNT; i++) {
        const struct option_desc *o = &var_table[i];
        const char *type = option_type_name(o);
        char choices[64] = "";
        if (o->type == VT_ENUM) {
            size_t n = 0;
            for (unsigned k = 0; o->choices[k]; k++)
                n += (size_t)snprintf(choices + n, sizeof(choices) - n, "%s%s", k ? "|" : "",
                                      o->choices[k]);
            type = choices;
        }
        fprintf(out, "%-22s %-12s %-7s %-8s %s\n", o->name, type,
                o->arch ? arch_name(o->arch) : "all",
                i == VAR_ARCH ? "host" : o->defval ? o->defval : "none", o->help);
    }
}
