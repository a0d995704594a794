/* Reading option arguments into typed values. */
#include "config/resolve_internal.h"
#include "config/suggest.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void resolver_error(struct resolver *r, const struct srcloc *at, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_error(r->d, at, "%s", msg);
}

void resolver_warn(struct resolver *r, const struct srcloc *at, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    diag_warn(r->d, at, "%s", msg);
}

size_t tok_find(const struct token *tok, size_t off, char c)
{
    while (off < tok->len && tok->text[off] != c)
        off++;
    return off;
}

bool read_number(struct resolver *r, const struct token *tok, size_t off, size_t len,
                 enum num_kind kind, const char *what, uint64_t *out)
{
    struct num_error err;
    if (parse_number(tok->text + off, len, kind, out, &err))
        return true;
    struct srcloc at = token_loc_at(tok, off + err.off);
    if (len == 0)
        resolver_error(r, &at, "%s: expected a number", what);
    else
        resolver_error(r, &at, "invalid %s '%.*s': %s", what, (int)len, tok->text + off, err.msg);
    return false;
}

const char *loc_text(struct arena *a, const struct guest_loc *l)
{
    switch (l->space) {
    case LOC_MEM:
        return arena_printf(a, "mem:0x%" PRIx64, l->addr);
    case LOC_IO:
        return arena_printf(a, "io:0x%" PRIx64, l->addr);
    case LOC_PCI_BDF:
        if (l->has_domain)
            return arena_printf(a, "pci:%04x:%02x:%02x.%x", l->domain, l->bus, l->dev, l->fn);
        return arena_printf(a, "pci:%u:%u.%u", l->bus, l->dev, l->fn);
    case LOC_PCI_ID:
        return arena_printf(a, "pci:%04x/%04x/%u", l->vid, l->did, l->index);
    case LOC_NONE:
        break;
    }
    return "none";
}

/* pci:DOMAIN:BUS:DEV.FUNC, a host device as Linux names it in sysfs
 * (hexadecimal: pci:0000:00:1f.0). s has two colons. */
static bool read_pci_linux(struct resolver *r, const struct token *tok, size_t off, size_t len,
                           struct guest_loc *out)
{
    const char *s = tok->text + off;
    unsigned long part[4] = { 0 };
    const unsigned long max[4] = { 0xffff, 0xff, 0x1f, 7 };
    const char sep[4] = { ':', ':', '.', '\0' };
    size_t i = 0;
    for (unsigned k = 0; k < 4; k++) {
        size_t start = i;
        for (; i < len && isxdigit((unsigned char)s[i]) && i - start < 4; i++) {
            char digit[2] = { s[i], '\0' };
            part[k] = part[k] * 16 + strtoul(digit, NULL, 16);
        }
        bool sep_ok = k == 3 ? i == len : i < len && s[i] == sep[k];
        if (i == start || !sep_ok || part[k] > max[k]) {
            struct srcloc at = token_loc_at(tok, off);
            resolver_error(r, &at, "invalid PCI device 'pci:%.*s': expected pci:DOMAIN:BUS:DEV.FUNC "
                           "as in /sys/bus/pci/devices (hexadecimal, e.g. pci:0000:01:00.0)",
                           (int)len, s);
            return false;
        }
        i++;
    }
    *out = (struct guest_loc){ .space = LOC_PCI_BDF, .has_domain = true,
                               .domain = (uint16_t)part[0], .bus = (uint8_t)part[1],
                               .dev = (uint8_t)part[2], .fn = (uint8_t)part[3] };
    return true;
}

/* pci:BUS:DEV[.FUNC] (decimal, as QNX writes them: pci:0:31.0 is lspci's
 * 00:1f.0), pci:DOMAIN:BUS:DEV.FUNC (Linux's name, hexadecimal) or
 * pci:VID/DID[/INDEX] (IDs hexadecimal by default). */
static bool read_pci(struct resolver *r, const struct token *tok, size_t off, size_t len,
                     struct guest_loc *out)
{
    const char *s = tok->text + off;
    size_t slash = 0, colon = 0;
    while (slash < len && s[slash] != '/')
        slash++;
    while (colon < len && s[colon] != ':')
        colon++;
    uint64_t a, b, c = 0;
    if (slash < len) {
        size_t rest = slash + 1, slash2 = rest;
        while (slash2 < len && s[slash2] != '/')
            slash2++;
        if (!read_number(r, tok, off, slash, NUM_ADDRESS, "PCI vendor ID", &a) ||
            !read_number(r, tok, off + rest, slash2 - rest, NUM_ADDRESS, "PCI device ID", &b))
            return false;
        if (slash2 < len &&
            !read_number(r, tok, off + slash2 + 1, len - slash2 - 1, NUM_COUNT, "PCI index", &c))
            return false;
        if (a > 0xffff || b > 0xffff || c > 255) {
            struct srcloc at = token_loc_at(tok, off);
            resolver_error(r, &at, "PCI ID 'pci:%.*s' out of range (vendor and device IDs are 16-bit, "
                           "the index at most 255)", (int)len, s);
            return false;
        }
        *out = (struct guest_loc){ .space = LOC_PCI_ID, .vid = (uint16_t)a, .did = (uint16_t)b,
                                   .index = (uint32_t)c };
        return true;
    }
    if (colon < len && memchr(s + colon + 1, ':', len - colon - 1))
        return read_pci_linux(r, tok, off, len, out);
    if (colon >= len) {
        struct srcloc at = token_loc_at(tok, off);
        resolver_error(r, &at, "invalid PCI location 'pci:%.*s': expected pci:BUS:DEV[.FUNC] or "
                       "pci:VID/DID[/INDEX]", (int)len, s);
        return false;
    }
    size_t dot = colon + 1;
    while (dot < len && s[dot] != '.')
        dot++;
    if (!read_number(r, tok, off, colon, NUM_COUNT, "PCI bus", &a) ||
        !read_number(r, tok, off + colon + 1, dot - colon - 1, NUM_COUNT, "PCI device", &b))
        return false;
    if (dot < len && !read_number(r, tok, off + dot + 1, len - dot - 1, NUM_COUNT,
                                  "PCI function", &c))
        return false;
    if (a > 255 || b > 31 || c > 7) {
        struct srcloc at = token_loc_at(tok, off);
        resolver_error(r, &at, "PCI location 'pci:%.*s' out of range (bus 0-255, device 0-31, "
                       "function 0-7)", (int)len, s);
        return false;
    }
    *out = (struct guest_loc){ .space = LOC_PCI_BDF, .bus = (uint8_t)a, .dev = (uint8_t)b,
                               .fn = (uint8_t)c };
    return true;
}

bool read_loc(struct resolver *r, const struct token *tok, size_t off, size_t len,
              enum loc_space dflt, struct guest_loc *out)
{
    const char *s = tok->text + off;
    size_t colon = 0;
    while (colon < len && s[colon] != ':')
        colon++;
    enum loc_space space = dflt == LOC_NONE ? LOC_MEM : dflt;
    size_t num = 0;
    if (colon < len) {
        if (colon == 3 && !memcmp(s, "mem", 3)) {
            space = LOC_MEM;
        } else if (colon == 2 && !memcmp(s, "io", 2)) {
            space = LOC_IO;
        } else if (colon == 3 && !memcmp(s, "pci", 3)) {
            return read_pci(r, tok, off + 4, len - 4, out);
        } else {
            struct srcloc at = token_loc_at(tok, off);
            resolver_error(r, &at, "unknown location space '%.*s:': expected mem:, io: or pci:",
                           (int)colon, s);
            return false;
        }
        num = colon + 1;
    }
    uint64_t v;
    if (!read_number(r, tok, off + num, len - num, NUM_ADDRESS,
                     space == LOC_IO ? "I/O port" : "address", &v))
        return false;
    if (space == LOC_IO && v > 0xffff) {
        struct srcloc at = token_loc_at(tok, off + num);
        resolver_error(r, &at, "I/O port 0x%" PRIx64 " is beyond 0xffff", v);
        return false;
    }
    *out = (struct guest_loc){ .space = space, .addr = v };
    return true;
}

bool read_intr(struct resolver *r, const struct token *tok, size_t off, size_t len,
               struct intr_ref *out)
{
    const char *s = tok->text + off;
    size_t colon = 0;
    while (colon < len && s[colon] != ':')
        colon++;
    struct srcloc at = token_loc_at(tok, off);
    if (colon == 0) {
        resolver_error(r, &at, "expected an interrupt as CONTROLLER:LINE, found '%.*s'", (int)len,
                       s);
        return false;
    }
    *out = (struct intr_ref){ .controller = arena_strndup(r->a, s, colon), .at = at };
    if (colon == len)
        return true;
    uint64_t line;
    if (!read_number(r, tok, off + colon + 1, len - colon - 1, NUM_COUNT, "interrupt line", &line))
        return false;
    if (line > UINT32_MAX) {
        resolver_error(r, &at, "interrupt line %" PRIu64 " is too large", line);
        return false;
    }
    out->has_line = true;
    out->line = (uint32_t)line;
    return true;
}

const char *resolve_path(struct resolver *r, const struct token *tok, const char *path)
{
    const struct source *src = tok->loc.src;
    if (path[0] == '/' || !src || !src->dir || !strcmp(src->dir, "."))
        return path;
    return arena_printf(r->a, "%s/%s", src->dir, path);
}

static bool read_log(struct resolver *r, const struct token *const *args, struct log_spec *out)
{
    static const char *const filters[] = { "fatal", "internal", "error", "warn",
                                           "info",  "debug",    "verbose" };
    static const char *const dests[] = { "stdout", "stderr", "slog", "none" };
    const struct token *ft = args[0];
    out->filters = 0;
    for (size_t off = 0; off <= ft->len;) {
        size_t end = tok_find(ft, off, ',');
        unsigned i;
        for (i = 0; i < 7; i++)
            if (strlen(filters[i]) == end - off && !memcmp(ft->text + off, filters[i], end - off))
                break;
        if (end - off == 7 && !memcmp(ft->text + off, "warning", 7))
            i = 3; /* QNX's vdev log spells it "warning" */
        if (i == 7) {
            struct suggest s;
            char hint[160], *word = arena_strndup(r->a, ft->text + off, end - off);
            suggest_init(&s, word);
            for (unsigned j = 0; j < 7; j++)
                suggest_consider(&s, filters[j]);
            struct srcloc at = token_loc_at(ft, off);
            resolver_error(r, &at, "unknown log filter '%s' (filters: fatal internal error warn "
                           "info debug verbose)%s", word, suggest_text(&s, hint, sizeof(hint)));
            return false;
        }
        out->filters |= 1u << i;
        off = end + 1;
    }
    const struct token *dt = args[1];
    if (!strcmp(dt->text, "syslog")) {
        out->dest = LOGD_SYSLOG;
        return true;
    }
    for (unsigned i = 0; i < 4; i++) {
        if (!strcmp(dt->text, dests[i])) {
            out->dest = (enum log_dest)i;
            return true;
        }
    }
    resolver_error(r, &dt->loc, "unknown log destination '%s': expected stdout, stderr, slog "
                   "(or syslog) or none", dt->text);
    return false;
}

static bool read_hostdev(struct resolver *r, const struct token *t, struct hostdev_opt *out)
{
    const char *s = t->text;
    *out = (struct hostdev_opt){ .dir = HOSTDEV_BOTH };
    if (s[0] == '>') {
        out->dir = HOSTDEV_OUT;
        s++;
        if (!strcmp(s, "-")) {
            out->to_stdout = true;
            return true;
        }
        if (s[0] == '|') {
            if (!s[1]) {
                resolver_error(r, &t->loc, "hostdev >|COMMAND needs a command after '|'");
                return false;
            }
            out->command = true;
            out->path = s + 1;
            return true;
        }
    } else if (s[0] == '<') {
        out->dir = HOSTDEV_IN;
        s++;
    }
    if (!*s) {
        resolver_error(r, &t->loc, "hostdev needs a path: >-, >FILE, <FILE or a pty/socket path");
        return false;
    }
    out->path = resolve_path(r, t, s);
    return true;
}

static bool read_enum(struct resolver *r, const struct option_desc *o, const struct token *t,
                      unsigned *out)
{
    struct suggest s;
    char hint[160], list[256];
    size_t off = 0;
    suggest_init(&s, t->text);
    for (unsigned i = 0; o->choices[i]; i++) {
        if (!strcmp(t->text, o->choices[i])) {
            *out = i;
            return true;
        }
        suggest_consider(&s, o->choices[i]);
        off += (size_t)snprintf(list + off, sizeof(list) - off, "%s%s", i ? ", " : "",
                                o->choices[i]);
        if (off >= sizeof(list))
            off = sizeof(list) - 1;
    }
    resolver_error(r, &t->loc, "invalid value '%s' for %s: expected one of %s%s", t->text, o->name,
                   list, suggest_text(&s, hint, sizeof(hint)));
    return false;
}

int parse_bool_word(const char *s)
{
    static const char *const on[] = { "on", "1", "yes", "true" };
    static const char *const off[] = { "off", "0", "no", "false" };
    for (unsigned i = 0; i < 4; i++) {
        if (!strcmp(s, on[i]))
            return 1;
        if (!strcmp(s, off[i]))
            return 0;
    }
    return -1;
}

static bool name_ok(const char *s)
{
    if (!*s || !strcmp(s, ".") || !strcmp(s, ".."))
        return false;
    for (; *s; s++)
        if (*s == '/' || (unsigned char)*s <= ' ')
            return false;
    return true;
}

bool read_option(struct resolver *r, const struct option_desc *o, const struct token *const *args,
                 const struct srcloc *at, struct optval *out)
{
    const struct token *t = args[0];
    memset(out, 0, sizeof(*out));
    out->set = true;
    out->at = *at;
    out->arg = t;
    switch (o->type) {
    case VT_FLAG:
        out->b = true;
        return true;
    case VT_STRING:
        out->s = t->text;
        return true;
    case VT_NAME:
        if (!name_ok(t->text)) {
            resolver_error(r, &t->loc, "invalid %s '%s': a name may not be empty, '.', '..', or "
                           "contain '/' or white space", o->name, t->text);
            return false;
        }
        out->s = t->text;
        return true;
    case VT_PATH:
        if (!t->len) {
            resolver_error(r, &t->loc, "%s needs a path", o->name);
            return false;
        }
        out->s = resolve_path(r, t, t->text);
        return true;
    case VT_COUNT:
    case VT_ADDRESS:
    case VT_SIZE: {
        enum num_kind k = o->type == VT_COUNT ? NUM_COUNT : o->type == VT_SIZE ? NUM_SIZE
                                                                              : NUM_ADDRESS;
        if (!read_number(r, t, 0, t->len, k, o->name, &out->u))
            return false;
        if ((o->max && out->u > o->max) || out->u < o->min) {
            resolver_error(r, &t->loc, "%s %s is out of range (%" PRIu64 " to %" PRIu64 ")",
                           o->name, t->text, o->min, o->max);
            return false;
        }
        return true;
    }
    case VT_BOOL:
    case VT_TRISTATE: {
        int b = parse_bool_word(t->text);
        if (b < 0 && o->type == VT_TRISTATE && !strcmp(t->text, "auto"))
            b = TRI_AUTO;
        if (b < 0) {
            resolver_error(r, &t->loc, "invalid value '%s' for %s: expected on or off%s", t->text,
                           o->name, o->type == VT_TRISTATE ? " or auto" : "");
            return false;
        }
        out->b = b == 1;
        out->e = (unsigned)b;
        return true;
    }
    case VT_ENUM:
        return read_enum(r, o, t, &out->e);
    case VT_LOC:
        return read_loc(r, t, 0, t->len, o->loc_default, &out->loc);
    case VT_INTR:
        return read_intr(r, t, 0, t->len, &out->intr);
    case VT_INTR_LIST: {
        unsigned n = 1;
        for (size_t i = 0; i < t->len; i++)
            n += t->text[i] == ',';
        out->list.v = arena_alloc(r->a, n * sizeof(*out->list.v));
        for (size_t off = 0; out->list.n < n;) {
            size_t end = tok_find(t, off, ',');
            if (!read_intr(r, t, off, end - off, &out->list.v[out->list.n++]))
                return false;
            off = end + 1;
        }
        return true;
    }
    case VT_HOSTDEV:
        return read_hostdev(r, t, &out->hostdev);
    case VT_LOG:
        return read_log(r, args, &out->log);
    case VT_CUSTOM:
        return o->parse(r, t, out);
    }
    return false;
}

void store_option(struct resolver *r, const struct option_desc *o, struct optval *slot,
                  const struct optval *val)
{
    if (!(o->flags & OPT_REPEAT) || !slot->set) {
        *slot = *val;
        slot->next = NULL;
        return;
    }
    struct optval *tail = slot;
    while (tail->next)
        tail = tail->next;
    tail->next = arena_alloc(r->a, sizeof(*tail->next));
    *tail->next = *val;
    tail->next->next = NULL;
}
