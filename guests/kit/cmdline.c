#include "cmdline.h"

#include "kstring.h"

const char *cmdline_get(const struct kqvm_boot_info *bi, const char *key, size_t *len)
{
    const char *p = kqvm_cmdline(bi);
    size_t klen = strlen(key);
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n')
            p++;
        size_t wlen = (size_t)(p - w);
        if (wlen >= klen && strncmp(w, key, klen) == 0) {
            if (wlen == klen) {
                if (len)
                    *len = 0;
                return w + wlen;
            }
            if (w[klen] == '=') {
                if (len)
                    *len = wlen - klen - 1;
                return w + klen + 1;
            }
        }
    }
    return NULL;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cmdline_u64(const struct kqvm_boot_info *bi, const char *key, uint64_t *out)
{
    size_t len;
    const char *v = cmdline_get(bi, key, &len);
    if (!v || len == 0)
        return 0;
    uint64_t x = 0;
    size_t i = 0;
    unsigned base = 10;
    if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        i = 2;
    }
    for (; i < len; i++) {
        int d = hexval(v[i]);
        if (d < 0 || (unsigned)d >= base)
            return 0;
        x = x * base + (unsigned)d;
    }
    *out = x;
    return 1;
}

int cmdline_hex(const struct kqvm_boot_info *bi, const char *key, uint8_t *buf, size_t max)
{
    size_t len;
    const char *v = cmdline_get(bi, key, &len);
    if (!v)
        return 0;
    if (len % 2 || len / 2 > max)
        return -1;
    for (size_t i = 0; i < len / 2; i++) {
        int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        buf[i] = (uint8_t)(hi << 4 | lo);
    }
    return (int)(len / 2);
}
