/* dryrun: the resolved VM, for people (text) or programs (JSON). */
#ifndef KQVM_CONFIG_PRINT_H
#define KQVM_CONFIG_PRINT_H

#include "config/spec.h"
#include "util/arena.h"

#include <stdio.h>

/* In the format `set dryrun-format` chose. */
void print_spec(FILE *out, struct arena *a, const struct vm_spec *vm);
void print_spec_text(FILE *out, struct arena *a, const struct vm_spec *vm);
void print_spec_json(FILE *out, struct arena *a, const struct vm_spec *vm);

/* Shared by both formats. */
const char *optval_text(struct arena *a, const struct option_desc *o, const struct optval *v);
const char *size_text(struct arena *a, uint64_t n);
const char *runmask_text(struct arena *a, const struct cpu_spec *c);
const char *sched_text(struct arena *a, const struct cpu_spec *c);
const char *region_kind_name(enum region_kind k);
const char *load_type_name(enum load_type t);
const char *pass_flags_text(struct arena *a, unsigned flags);
const char *pass_host_text(struct arena *a, const struct pass_spec *p);
const char *pass_irq_text(struct arena *a, const struct pass_spec *p);
const char *log_text(struct arena *a, const struct log_spec *l);
const char *intr_text(struct arena *a, const struct intr_ref *r); /* "ioa0:4", "apic" */
extern const char *const unsupported_what_names[UNSUP_COUNT];
extern const char *const unsupported_action_names[3];

#endif
