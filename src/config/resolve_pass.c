/* pass (pass-through regions and interrupts) and reserve. */
#include "config/resolve_internal.h"

#include <inttypes.h>
#include <string.h>
#include <unistd.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* FLAGS: access letters (r w x) given plainly set the access exactly; the
 * default is rw. After '+' letters are added, after '-' removed. The attributes
 * (n uncached, c cached, m RAM-like) add to the access. */
struct pass_flag_state {
    unsigned flags;    /* starts as rw */
    bool access_given; /* plain access letters replaced the default already */
};

/* One FLAGS field; several fields (",r,+x") continue one another. */
static bool pass_flags(struct resolver *r, const struct token *t, size_t off, size_t len,
                       struct pass_flag_state *st)
{
    const unsigned access = PASS_R | PASS_W | PASS_X;
    unsigned flags = st->flags;
    bool access_given = st->access_given;
    int mode = 0; /* 0: plain, 1: add, -1: remove */
    for (size_t i = 0; i < len; i++) {
        char c = t->text[off + i];
        struct srcloc at = token_loc_at(t, off + i);
        unsigned bit = 0;
        switch (c) {
        case '+': mode = 1; continue;
        case '-': mode = -1; continue;
        case 'r': bit = PASS_R; break;
        case 'w': bit = PASS_W; break;
        case 'x': bit = PASS_X; break;
        case 'n': bit = PASS_NOCACHE; break;
        case 'c': bit = PASS_CACHED; break;
        case 'm': bit = PASS_RAM; break;
        case 'd': case 'e': case 's': case 't':
            resolver_error(r, &at, "pass flag '%c': the DMA attributes (d, e, s, t) need QNX's "
                           "SMMU manager, which kqvm does not have", c);
            return false;
        default:
            resolver_error(r, &at, "unknown pass flag '%c' (flags: r w x n c m, with + and -)", c);
            return false;
        }
        if (mode == 0 && (bit & access) && !access_given) {
            flags &= ~access;
            access_given = true;
        }
        if (mode >= 0)
            flags |= bit;
        else
            flags &= ~bit;
    }
    st->flags = flags;
    st->access_given = access_given;
    return true;
}

/* The flags as a whole: what KVM can do. */
static bool pass_flags_check(struct resolver *r, const struct token *t, unsigned flags)
{
    if ((flags & PASS_NOCACHE) && (flags & PASS_CACHED)) {
        resolver_error(r, &t->loc, "pass flags: n (uncached) and c (cached) exclude each other");
        return false;
    }
    if (!(flags & PASS_R)) {
        resolver_error(r, &t->loc, "pass flags: a region the guest cannot read is not possible "
                       "with KVM (memory slots are always readable)");
        return false;
    }
    return true;
}

static bool has_prefix(const struct token *t, size_t off, const char *prefix)
{
    size_t n = strlen(prefix);
    return t->len - off >= n && !memcmp(t->text + off, prefix, n);
}

/* A decimal number in [off, end) of t, at most max, named what. */
static bool small_number(struct resolver *r, const struct token *t, size_t off, size_t end,
                         const char *what, unsigned max, unsigned *out)
{
    uint64_t v;
    if (!read_number(r, t, off, end - off, NUM_COUNT, what, &v))
        return false;
    if (v > max) {
        struct srcloc l = token_loc_at(t, off);
        resolver_error(r, &l, "%s %" PRIu64 " is out of range (0 to %u)", what, v, max);
        return false;
    }
    *out = (unsigned)v;
    return true;
}

/* =uio:N[/MAP] of a pass loc: map MAP (default 0) of /dev/uioN. */
static bool pass_host_uio(struct resolver *r, const struct token *t, size_t off,
                          struct pass_spec *p)
{
    if (p->loc.space != LOC_MEM) {
        resolver_error(r, &t->loc, "pass loc: '=uio:' maps a UIO device's memory; it needs a "
                       "mem: location");
        return false;
    }
    size_t slash = tok_find(t, off, '/');
    if (slash == off) {
        struct srcloc l = token_loc_at(t, off);
        resolver_error(r, &l, "pass loc: '=uio:' needs a device number: =uio:N[/MAP]");
        return false;
    }
    p->host_kind = PASS_HOST_UIO;
    return small_number(r, t, off, slash, "UIO device", 65535, &p->uio) &&
           (slash == t->len || small_number(r, t, slash + 1, t->len, "UIO map", 4, &p->uio_map));
}

/* =HOST of a pass loc: an address (mem), a PCI device (pci), file:PATH[@OFFSET]
 * or uio:N[/MAP]. */
static bool pass_host(struct resolver *r, const struct token *t, size_t off, struct pass_spec *p)
{
    const char *h = t->text + off;
    size_t len = t->len - off;
    if (has_prefix(t, off, "uio:"))
        return pass_host_uio(r, t, off + 4, p);
    if (has_prefix(t, off, "file:")) {
        if (p->loc.space != LOC_MEM) {
            resolver_error(r, &t->loc, "pass loc: '=file:' maps a file into guest memory; it needs "
                           "a mem: location");
            return false;
        }
        size_t at = tok_find(t, off + 5, '@');
        if (at == off + 5) {
            struct srcloc l = token_loc_at(t, off);
            resolver_error(r, &l, "pass loc: '=file:' needs a path: =file:PATH[@OFFSET]");
            return false;
        }
        p->host_kind = PASS_HOST_FILE;
        p->host_path = resolve_path(r, t, arena_strndup(r->a, h + 5, at - off - 5));
        if (access(p->host_path, R_OK) != 0) {
            struct srcloc l = token_loc_at(t, off + 5);
            resolver_error(r, &l, "pass loc: cannot read '%s'", p->host_path);
            return false;
        }
        if (at < t->len &&
            !read_number(r, t, at + 1, t->len - at - 1, NUM_ADDRESS, "file offset",
                         &p->host_offset))
            return false;
        if (p->host_offset % GUEST_PAGE) {
            struct srcloc l = token_loc_at(t, at + 1);
            resolver_error(r, &l, "pass loc: file offset 0x%" PRIx64 " is not a multiple of 4 KiB",
                           p->host_offset);
            return false;
        }
        return true;
    }
    struct guest_loc host;
    enum loc_space dflt = p->loc.space == LOC_IO ? LOC_IO : LOC_MEM;
    if (!read_loc(r, t, off, len, dflt, &host))
        return false;
    bool guest_pci = p->loc.space == LOC_PCI_BDF || p->loc.space == LOC_PCI_ID;
    bool host_pci = host.space == LOC_PCI_BDF || host.space == LOC_PCI_ID;
    struct srcloc l = token_loc_at(t, off);
    if (p->loc.space == LOC_PCI_ID) {
        resolver_error(r, &t->loc, "pass loc: the guest side is a slot, pci:BUS:DEV[.FUNC]=HOST "
                       "(pci:VID/DID alone passes that host device at an automatic slot)");
        return false;
    }
    if (guest_pci != host_pci || (!guest_pci && host.space != p->loc.space)) {
        resolver_error(r, &l, "pass loc: the host side (%s) is not of the same kind as the guest "
                       "side (%s)", loc_text(r->a, &host), loc_text(r->a, &p->loc));
        return false;
    }
    if (host.space == LOC_IO && host.addr != p->loc.addr) {
        resolver_error(r, &l, "pass loc: I/O ports pass through at the same numbers; remove "
                       "'=%.*s'", (int)len, h);
        return false;
    }
    p->host = host;
    p->host_kind = host_pci ? PASS_HOST_PCI : host.space == LOC_IO ? PASS_HOST_IO : PASS_HOST_MEM;
    return true;
}

/* loc SPEC[,LENGTH][,FLAGS][[,]=HOST] */
static bool pass_loc(struct resolver *r, const struct token *t, struct pass_spec *p)
{
    size_t eq = tok_find(t, 0, '=');
    size_t end = eq;
    if (end > 0 && end < t->len && t->text[end - 1] == ',')
        end--; /* QNX 8.0 writes ",=HOST" */
    size_t comma = tok_find(t, 0, ',');
    if (comma > end)
        comma = end;
    if (!read_loc(r, t, 0, comma, LOC_MEM, &p->loc))
        return false;
    p->has_loc = true;
    struct pass_flag_state flags = { .flags = PASS_R | PASS_W };
    bool pci = p->loc.space == LOC_PCI_BDF || p->loc.space == LOC_PCI_ID;
    bool has_length = false;
    for (size_t off = comma + 1; off < end;) {
        size_t next = tok_find(t, off, ',');
        if (next > end)
            next = end;
        struct srcloc at = token_loc_at(t, off);
        if (pci) {
            resolver_error(r, &at, "pass loc: a PCI device takes no length or flags");
            return false;
        }
        if (off < next && is_digit(t->text[off]) && !has_length) {
            if (!read_number(r, t, off, next - off, NUM_SIZE, "pass length", &p->length))
                return false;
            has_length = true;
        } else if (!pass_flags(r, t, off, next - off, &flags)) {
            return false;
        }
        off = next + 1;
    }
    if (!pass_flags_check(r, t, flags.flags))
        return false;
    p->flags = flags.flags;
    if (p->loc.space == LOC_PCI_BDF && p->loc.has_domain) {
        resolver_error(r, &t->loc, "pass loc: the guest side is a slot on kqvm's bus, "
                       "pci:0:DEV[.FUNC]; pci:DOMAIN:BUS:DEV.FUNC names a host device (=HOST)");
        return false;
    }
    if (p->loc.space == LOC_PCI_BDF && p->loc.bus != 0) {
        resolver_error(r, &t->loc, "pass loc: the guest PCI bus must be 0 (kqvm has one bus)");
        return false;
    }
    if (p->loc.space == LOC_MEM && !has_length) {
        resolver_error(r, &t->loc, "pass loc %s needs a LENGTH (QNX does not document a "
                       "default): loc SPEC,LENGTH[,FLAGS][=HOST]", loc_text(r->a, &p->loc));
        return false;
    }
    if (p->loc.space == LOC_IO && !has_length)
        p->length = 1;
    if (p->loc.space == LOC_IO && (p->length > 0x10000 || p->loc.addr > 0x10000 - p->length)) {
        resolver_error(r, &t->loc, "pass loc: I/O ports 0x%" PRIx64 "+%" PRIu64 " go beyond 0xffff",
                       p->loc.addr, p->length);
        return false;
    }
    if (p->loc.space == LOC_MEM && (p->length > GPA_LIMIT || p->loc.addr > GPA_LIMIT - p->length)) {
        resolver_error(r, &t->loc, "pass loc: 0x%" PRIx64 "+0x%" PRIx64 " ends beyond the largest "
                       "guest physical address", p->loc.addr, p->length);
        return false;
    }
    if (eq < t->len)
        return pass_host(r, t, eq + 1, p);
    p->host_kind = PASS_HOST_SAME;
    return true;
}

/* =HOST of a pass intr: QNX's host vector (a number), or where Linux lets user
 * space have an interrupt: uio:N, vfio:DEVICE[/INDEX], eventfd:FD. */
static bool pass_irq_source(struct resolver *r, const struct token *t, size_t off,
                            struct pass_spec *p)
{
    if (has_prefix(t, off, "uio:")) {
        p->irq_source = PASS_IRQ_UIO;
        return small_number(r, t, off + 4, t->len, "UIO device", 65535, &p->irq_uio);
    }
    if (has_prefix(t, off, "eventfd:")) {
        unsigned fd;
        if (!small_number(r, t, off + 8, t->len, "eventfd descriptor", 65535, &fd))
            return false;
        p->irq_source = PASS_IRQ_EVENTFD;
        p->irq_fd = (int)fd;
        return true;
    }
    if (has_prefix(t, off, "vfio:")) {
        size_t slash = tok_find(t, off + 5, '/');
        if (slash == off + 5) {
            struct srcloc l = token_loc_at(t, off);
            resolver_error(r, &l, "pass intr: '=vfio:' needs a device: =vfio:DEVICE[/INDEX] "
                           "(DEVICE as in /sys/bus/pci/devices, e.g. 0000:01:00.0)");
            return false;
        }
        p->irq_source = PASS_IRQ_VFIO;
        p->irq_device = arena_strndup(r->a, t->text + off + 5, slash - off - 5);
        return slash == t->len ||
               small_number(r, t, slash + 1, t->len, "VFIO interrupt index", 31, &p->irq_index);
    }
    if (!read_number(r, t, off, t->len - off, NUM_COUNT, "host vector", &p->host_vector))
        return false;
    p->has_host_vector = true;
    return true;
}

/* Whether the host source is level-triggered: it stays masked until the EOI. */
static bool pass_irq_level(const struct pass_spec *p)
{
    /* VFIO index 0 of a PCI device is INTx (VFIO_PCI_INTX_IRQ_INDEX) */
    return p->irq_source == PASS_IRQ_UIO ||
           (p->irq_source == PASS_IRQ_VFIO && p->irq_index == 0 &&
            (!p->irq_device || strchr(p->irq_device, ':')));
}

/* intr GUEST_INTR[,ATTR][=HOST] */
static bool pass_intr(struct resolver *r, const struct token *t, struct pass_spec *p)
{
    size_t eq = tok_find(t, 0, '=');
    size_t comma = tok_find(t, 0, ',');
    if (comma > eq)
        comma = eq;
    if (!read_intr(r, t, 0, comma, &p->intr))
        return false;
    if (!p->intr.has_line) {
        resolver_error(r, &t->loc, "pass intr %s needs a line number: CONTROLLER:LINE",
                       p->intr.controller);
        return false;
    }
    for (size_t i = comma + 1; i < eq; i++) {
        struct srcloc at = token_loc_at(t, i);
        if (t->text[i] == 'u')
            p->intr_attr |= PASS_INTR_UNMASK;
        else if (t->text[i] == 't')
            p->intr_attr |= PASS_INTR_THREAD;
        else {
            resolver_error(r, &at, "unknown pass intr attribute '%c' (attributes: u, t)",
                           t->text[i]);
            return false;
        }
    }
    bool pci = pass_is_pci(p);
    if (pci && eq < t->len) {
        struct srcloc l = token_loc_at(t, eq);
        resolver_error(r, &l, "pass intr: the interrupt of a PCI device is its INTx, which kqvm "
                       "takes through VFIO; remove '%s'", t->text + eq);
        return false;
    }
    if (pci) { /* the device's INTx: VFIO's interrupt index 0 of the entry's own device */
        p->irq_source = PASS_IRQ_VFIO;
        p->irq_device = NULL;
        p->irq_index = 0;
    }
    if (eq < t->len && !pass_irq_source(r, t, eq + 1, p))
        return false;
    if ((p->intr_attr & PASS_INTR_UNMASK) && pass_irq_level(p)) {
        resolver_error(r, &t->loc, "pass intr: 'u' unmasks the host source before the guest's "
                       "EOI, which only an edge-triggered source allows; %s is level-triggered "
                       "(remove 'u')", p->irq_source == PASS_IRQ_UIO ? "a UIO interrupt"
                                                                     : "a PCI device's INTx");
        return false;
    }
    p->has_intr = true;
    return true;
}

void resolve_pass(struct resolver *r, const struct cfg_entry *e)
{
    if (e->prefix) {
        resolver_error(r, &e->prefix->loc, "'%s pass' (typed data passed through from the host) "
                       "is not supported by kqvm; use '%s load FILE'", e->prefix->text,
                       e->prefix->text);
        return;
    }
    if (!e->pass_loc && !e->pass_intr)
        return;
    struct pass_spec p = { .at = e->word->loc, .seq = (unsigned)(e - r->cfg->entries) };
    if (e->pass_loc && !pass_loc(r, e->pass_loc, &p))
        return;
    if (e->pass_intr && !pass_intr(r, e->pass_intr, &p))
        return;
    if (p.has_loc && p.loc.space == LOC_IO && r->vm->arch != ARCH_X86_64) {
        resolver_error(r, &e->pass_loc->loc, "I/O ports exist on x86_64 only; this configuration "
                       "is for %s", arch_name(r->vm->arch));
        return;
    }
    /* the device would be opened, but only x86 has a PCI bus to put it on */
    if (pass_is_pci(&p) && r->vm->arch != ARCH_X86_64) {
        resolver_error(r, &e->pass_loc->loc, "PCI pass-through puts the device on kqvm's PCI bus, "
                       "which exists on x86_64 only; this configuration is for %s",
                       arch_name(r->vm->arch));
        return;
    }
    struct vm_spec *vm = r->vm;
    vm->passes = arena_grow(r->a, vm->passes, &r->cap_passes, vm->npasses + 1, sizeof(p));
    vm->passes[vm->npasses++] = p;
}

void resolve_reserve(struct resolver *r, const struct cfg_entry *e)
{
    if (e->nargs < 2)
        return;
    const struct token *t = e->args[1];
    struct reserve_spec rs = { .at = e->word->loc, .arg_at = e->args[1]->loc };
    if (!strcmp(e->args[0]->text, "intr")) {
        rs.is_intr = true;
        size_t colon = tok_find(t, 0, ':');
        uint64_t line;
        if (colon < t->len) {
            struct intr_ref ref;
            if (!read_intr(r, t, 0, t->len, &ref))
                return;
            rs.controller = ref.controller;
            line = ref.line;
        } else if (!read_number(r, t, 0, t->len, NUM_COUNT, "interrupt number", &line)) {
            return;
        }
        if (line > UINT32_MAX) {
            resolver_error(r, &t->loc, "interrupt number %s is too large", t->text);
            return;
        }
        rs.line = (uint32_t)line;
    } else {
        size_t comma = tok_find(t, 0, ',');
        if (!read_loc(r, t, 0, comma, LOC_MEM, &rs.loc))
            return;
        bool has_length = comma < t->len;
        if (has_length &&
            !read_number(r, t, comma + 1, t->len - comma - 1, NUM_SIZE, "reserve length",
                         &rs.length))
            return;
        switch (rs.loc.space) {
        case LOC_MEM:
            if (!has_length) {
                resolver_error(r, &t->loc, "reserve loc %s needs a LENGTH",
                               loc_text(r->a, &rs.loc));
                return;
            }
            if (rs.length > GPA_LIMIT || rs.loc.addr > GPA_LIMIT - rs.length) {
                resolver_error(r, &t->loc, "reserve loc: range ends beyond the largest guest "
                               "physical address");
                return;
            }
            break;
        case LOC_IO:
            if (!has_length)
                rs.length = 1;
            if (rs.length > 0x10000 || rs.loc.addr > 0x10000 - rs.length) {
                resolver_error(r, &t->loc, "reserve loc: I/O ports go beyond 0xffff");
                return;
            }
            break;
        case LOC_PCI_BDF:
            if (has_length) {
                resolver_error(r, &t->loc, "reserve loc: a PCI slot takes no length");
                return;
            }
            break;
        default:
            resolver_error(r, &t->loc, "reserve loc: reserve a PCI slot as pci:BUS:DEV[.FUNC]");
            return;
        }
    }
    struct vm_spec *vm = r->vm;
    vm->reserves = arena_grow(r->a, vm->reserves, &r->cap_reserves, vm->nreserves + 1, sizeof(rs));
    vm->reserves[vm->nreserves++] = rs;
}
