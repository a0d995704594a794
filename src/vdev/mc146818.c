/* vdev mc146818: the PC's CMOS real-time clock with its NVRAM. */
#include "vdev/vdev.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"

#define RTC_PORTS 2
#define RTC_REGISTERS 128

enum rtc_opt { RTC_OPT_REG, RTC_OPT_COUNT };

/* reg OFFSET,VALUE: both hexadecimal by default, like addresses. Stored as
 * (OFFSET << 8) | VALUE. */
static bool rtc_parse_reg(struct resolver *r, const struct token *t, struct optval *out)
{
    size_t comma = tok_find(t, 0, ',');
    uint64_t off, val;
    if (comma >= t->len) {
        resolver_error(r, &t->loc, "reg expects OFFSET,VALUE, found '%s'", t->text);
        return false;
    }
    if (!read_number(r, t, 0, comma, NUM_ADDRESS, "register offset", &off) ||
        !read_number(r, t, comma + 1, t->len - comma - 1, NUM_ADDRESS, "register value", &val))
        return false;
    if (off >= RTC_REGISTERS || val > 0xff) {
        resolver_error(r, &t->loc, "reg %s: the offset must be below 0x80 and the value a byte",
                       t->text);
        return false;
    }
    out->u = off << 8 | val;
    return true;
}

static const struct option_desc rtc_options[RTC_OPT_COUNT] = {
    [RTC_OPT_REG] = { .name = "reg", .type = VT_CUSTOM, .nargs_custom = 1, .flags = OPT_REPEAT,
                      .parse = rtc_parse_reg, .arg = "OFFSET,VALUE",
                      .help = "preset a register or NVRAM byte (e.g. reg 0x0b,0x02 for 24-hour "
                              "mode)" },
};

static unsigned rtc_claims(const struct vdev_spec *v, const struct vm_spec *vm, struct region *out,
                           unsigned max)
{
    (void)vm;
    return vdev_claim_loc(v, RTC_PORTS, "index/data", out, max);
}

const struct vdev_type vdev_mc146818 = {
    .name = "mc146818",
    .summary = "MC146818 CMOS real-time clock and NVRAM",
    .arch = ARCH_X86_64,
    .placement = PLACE_FIXED,
    .common = COMMON_NAME | COMMON_LOC | COMMON_INTR | COMMON_LOG,
    .loc_space = LOC_IO,
    .has_default_loc = true,
    .default_loc = { .space = LOC_IO, .addr = 0x70 },
    .options = rtc_options,
    .noptions = RTC_OPT_COUNT,
    .claims = rtc_claims,
};
