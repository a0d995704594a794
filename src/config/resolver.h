/* Internals shared by the resolver's files and by the vdev declarations'
 * parse/validate hooks. */
#ifndef KQVM_CONFIG_RESOLVER_H
#define KQVM_CONFIG_RESOLVER_H

#include "config/number.h"
#include "config/resolve.h"

struct resolver;

/* The arena the spec lives in, and the VM being resolved. */
struct arena *resolver_arena(struct resolver *r);
const struct vm_spec *resolver_vm(struct resolver *r);

void resolver_error(struct resolver *r, const struct srcloc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void resolver_warn(struct resolver *r, const struct srcloc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Read a number held in tok->text[off..off+len); what names it in messages
 * ("ram start"). Errors point at the offending character when possible. */
bool read_number(struct resolver *r, const struct token *tok, size_t off, size_t len,
                 enum num_kind kind, const char *what, uint64_t *out);
/* Read a location in tok->text[off..off+len); bare numbers are in space dflt. */
bool read_loc(struct resolver *r, const struct token *tok, size_t off, size_t len,
              enum loc_space dflt, struct guest_loc *out);
/* Read CONTROLLER[:LINE] (or apic) from tok->text[off..off+len). */
bool read_intr(struct resolver *r, const struct token *tok, size_t off, size_t len,
               struct intr_ref *out);
/* Read an option's arguments (entry e) according to o into out. */
bool read_option(struct resolver *r, const struct option_desc *o, const struct token *const *args,
                 const struct srcloc *at, struct optval *out);
/* Store an option occurrence: last wins, or appended when OPT_REPEAT. */
void store_option(struct resolver *r, const struct option_desc *o, struct optval *slot,
                  const struct optval *val);
/* A path from the configuration, resolved against its file's directory. */
const char *resolve_path(struct resolver *r, const struct token *tok, const char *path);
/* Position of the first c in tok->text from off, or tok->len. */
size_t tok_find(const struct token *tok, size_t off, char c);
/* "0x..." for a location, into the arena. */
const char *loc_text(struct arena *a, const struct guest_loc *l);

#endif
