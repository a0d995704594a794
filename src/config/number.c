#include "config/number.h"

#include <stdio.h>

int hex_digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static unsigned suffix_shift(char c)
{
    switch (c) {
    case 'k': case 'K': return 10;
    case 'm': case 'M': return 20;
    case 'g': case 'G': return 30;
    default: return 0;
    }
}

static bool fail(struct num_error *err, size_t off, const char *msg, char c)
{
    err->off = off;
    if (c)
        snprintf(err->msg, sizeof(err->msg), msg, c);
    else
        snprintf(err->msg, sizeof(err->msg), "%s", msg);
    return false;
}

bool parse_number(const char *s, size_t len, enum num_kind kind, uint64_t *out,
                  struct num_error *err)
{
    unsigned base = kind == NUM_ADDRESS ? 16 : 10;
    size_t i = 0;
    if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    } else if (len >= 2 && s[0] == '0' && (s[1] == 'd' || s[1] == 'D')) {
        base = 10;
        i = 2;
    }
    size_t first = i;
    uint64_t v = 0;
    for (; i < len; i++) {
        int dv = hex_digit_value(s[i]);
        if (dv < 0 || (unsigned)dv >= base)
            break;
        if (v > (UINT64_MAX - (unsigned)dv) / base)
            return fail(err, 0, "number does not fit in 64 bits", 0);
        v = v * base + (unsigned)dv;
    }
    if (i == first) {
        if (i < len)
            return fail(err, i, "expected a digit, found '%c'", s[i]);
        return fail(err, i, "expected a number", 0);
    }
    if (i < len && kind != NUM_COUNT) {
        unsigned shift = suffix_shift(s[i]);
        if (shift) {
            if (v > (UINT64_MAX >> shift))
                return fail(err, 0, "number does not fit in 64 bits", 0);
            v <<= shift;
            i++;
        }
    }
    if (i < len)
        return fail(err, i, "unexpected character '%c' after the number", s[i]);
    if (kind == NUM_SIZE && v == 0)
        return fail(err, 0, "a size of zero is not allowed", 0);
    *out = v;
    return true;
}
