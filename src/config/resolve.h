/* The resolver: parsed entries -> the typed VM spec (config/spec.h). */
#ifndef KQVM_CONFIG_RESOLVE_H
#define KQVM_CONFIG_RESOLVE_H

#include "config/parse.h"
#include "config/spec.h"

/* Fill vm from cfg. Errors go to d; returns false when there were any. */
bool resolve_config(struct arena *a, struct diag *d, const struct cfg *cfg, struct vm_spec *vm);

#endif
