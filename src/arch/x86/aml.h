/* AML, the byte code of ACPI's DSDT: the few constructs kqvm's tables use
 * (named integers, EISA IDs and buffers, devices, scopes, resource
 * descriptors), written into a caller's buffer. No KVM here. */
#ifndef KQVM_ARCH_X86_AML_H
#define KQVM_ARCH_X86_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aml {
    uint8_t *buf;
    size_t len, cap;
    bool overflow; /* something did not fit: the result is unusable */
};

static inline struct aml aml_on(uint8_t *buf, size_t cap)
{
    return (struct aml){ .buf = buf, .cap = cap };
}

void aml_bytes(struct aml *a, const void *p, size_t n);
/* Name (NAME, value); name is four characters, as AML's NameSeg. */
void aml_name_int(struct aml *a, const char *name, uint64_t value);
void aml_name_eisaid(struct aml *a, const char *name, const char *id); /* "PNP0501" */
/* Name (NAME, Buffer () { data }), e.g. a resource template for _CRS. */
void aml_name_buffer(struct aml *a, const char *name, const struct aml *data);
/* Device (NAME) { body } and Scope (PATH) { body }; PATH such as "\\_SB_". */
void aml_device(struct aml *a, const char *name, const struct aml *body);
void aml_scope(struct aml *a, const char *path, const struct aml *body);

/* Resource descriptors, for a template that aml_res_end closes. */
void aml_res_io(struct aml *a, uint16_t port, uint8_t length);
void aml_res_mem32(struct aml *a, uint32_t base, uint32_t length);
/* An ISA IRQ (0-15, edge, active high) in the short form, or any GSI in the
 * extended form. */
void aml_res_isa_irq(struct aml *a, unsigned irq);
void aml_res_gsi(struct aml *a, uint32_t gsi);
void aml_res_end(struct aml *a);

#endif
