/* AML encoding (ACPI 6.5, chapter 20 "ACPI Machine Language Specification"
 * and 6.4 "Resource Data Types for ACPI"). */
#include "arch/x86/aml.h"

#include <string.h>

#define OP_NAME 0x08
#define OP_BYTE 0x0a
#define OP_WORD 0x0b
#define OP_DWORD 0x0c
#define OP_QWORD 0x0e
#define OP_SCOPE 0x10
#define OP_BUFFER 0x11
#define OP_EXT 0x5b
#define OP_DEVICE 0x82

void aml_bytes(struct aml *a, const void *p, size_t n)
{
    if (a->overflow || n > a->cap - a->len) {
        a->overflow = true;
        return;
    }
    memcpy(a->buf + a->len, p, n);
    a->len += n;
}

static void byte(struct aml *a, uint8_t b)
{
    aml_bytes(a, &b, 1);
}

static void le(struct aml *a, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, v >>= 8)
        byte(a, (uint8_t)v);
}

/* PkgLength counts itself: one byte up to 63, else a lead byte holding the
 * low nibble and the number of bytes that follow with the rest. */
static void pkg_length(struct aml *a, size_t body)
{
    size_t n = body + 1;
    if (n < 0x40) {
        byte(a, (uint8_t)n);
        return;
    }
    unsigned extra = 1;
    while (body + 1 + extra >= (size_t)1 << (4 + 8 * extra))
        extra++;
    n = body + 1 + extra;
    byte(a, (uint8_t)(extra << 6 | (n & 0xf)));
    le(a, n >> 4, extra);
}

static void integer(struct aml *a, uint64_t v)
{
    if (v <= 1) {
        byte(a, (uint8_t)v); /* ZeroOp, OneOp */
    } else if (v <= 0xff) {
        byte(a, OP_BYTE);
        le(a, v, 1);
    } else if (v <= 0xffff) {
        byte(a, OP_WORD);
        le(a, v, 2);
    } else if (v <= 0xffffffff) {
        byte(a, OP_DWORD);
        le(a, v, 4);
    } else {
        byte(a, OP_QWORD);
        le(a, v, 8);
    }
}

static void name_op(struct aml *a, const char *name)
{
    byte(a, OP_NAME);
    aml_bytes(a, name, 4);
}

void aml_name_int(struct aml *a, const char *name, uint64_t value)
{
    name_op(a, name);
    integer(a, value);
}

static unsigned hex_digit(char c)
{
    return c <= '9' ? (unsigned)(c - '0') : (unsigned)(c - 'A' + 10);
}

/* Three letters of five bits each, then four hex digits, stored big-endian. */
void aml_name_eisaid(struct aml *a, const char *name, const char *id)
{
    uint32_t v = (uint32_t)(id[0] - 0x40) << 26 | (uint32_t)(id[1] - 0x40) << 21 |
                 (uint32_t)(id[2] - 0x40) << 16 | hex_digit(id[3]) << 12 |
                 hex_digit(id[4]) << 8 | hex_digit(id[5]) << 4 | hex_digit(id[6]);
    name_op(a, name);
    byte(a, OP_DWORD);
    le(a, __builtin_bswap32(v), 4);
}

void aml_name_buffer(struct aml *a, const char *name, const struct aml *data)
{
    uint8_t size[9];
    struct aml s = aml_on(size, sizeof(size));
    integer(&s, data->len);
    name_op(a, name);
    byte(a, OP_BUFFER);
    pkg_length(a, s.len + data->len);
    aml_bytes(a, size, s.len);
    aml_bytes(a, data->buf, data->len);
    a->overflow |= data->overflow;
}

void aml_device(struct aml *a, const char *name, const struct aml *body)
{
    byte(a, OP_EXT);
    byte(a, OP_DEVICE);
    pkg_length(a, 4 + body->len);
    aml_bytes(a, name, 4);
    aml_bytes(a, body->buf, body->len);
    a->overflow |= body->overflow;
}

void aml_scope(struct aml *a, const char *path, const struct aml *body)
{
    size_t n = strlen(path);
    byte(a, OP_SCOPE);
    pkg_length(a, n + body->len);
    aml_bytes(a, path, n);
    aml_bytes(a, body->buf, body->len);
    a->overflow |= body->overflow;
}

void aml_res_io(struct aml *a, uint16_t port, uint8_t length)
{
    /* I/O port descriptor: 16-bit decode, minimum = maximum = port, alignment 1 */
    const uint8_t d[] = { 0x47, 0x01, (uint8_t)port, (uint8_t)(port >> 8), (uint8_t)port,
                          (uint8_t)(port >> 8), 0x01, length };
    aml_bytes(a, d, sizeof(d));
}

void aml_res_mem32(struct aml *a, uint32_t base, uint32_t length)
{
    /* Memory32Fixed, read/write */
    const uint8_t d[] = { 0x86, 0x09, 0x00, 0x01 };
    aml_bytes(a, d, sizeof(d));
    le(a, base, 4);
    le(a, length, 4);
}

void aml_res_isa_irq(struct aml *a, unsigned irq)
{
    /* IRQNoFlags: edge-triggered, active high, exclusive */
    const uint8_t d[] = { 0x22, (uint8_t)(1u << irq), (uint8_t)((1u << irq) >> 8) };
    aml_bytes(a, d, sizeof(d));
}

void aml_res_gsi(struct aml *a, uint32_t gsi)
{
    /* Extended Interrupt: consumer, edge-triggered, active high, exclusive; one GSI */
    const uint8_t d[] = { 0x89, 0x06, 0x00, 0x03, 0x01 };
    aml_bytes(a, d, sizeof(d));
    le(a, gsi, 4);
}

void aml_res_end(struct aml *a)
{
    const uint8_t d[] = { 0x79, 0x00 }; /* checksum 0: "the template is valid" */
    aml_bytes(a, d, sizeof(d));
}
