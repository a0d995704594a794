/* kqvm --help and `set ?`, written from the option tables the parser uses. */
#ifndef KQVM_CONFIG_HELP_H
#define KQVM_CONFIG_HELP_H

#include <stdbool.h>
#include <stdio.h>

void help_usage(FILE *out);
void help_variables(FILE *out);
/* One vdev type's options (kqvm --help TYPE); false when there is no such type. */
bool help_vdev(FILE *out, const char *type);

#endif
