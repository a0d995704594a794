/* vdev mc146818: the PC's CMOS real-time clock with its NVRAM.
 *
 * The clock is the host's CLOCK_REALTIME (as UTC) plus an offset in whole
 * seconds that the guest sets by writing the time (normally with SET held in
 * register B); the offset lasts for this run only (a guest reset with
 * reset-action restart creates the vdev again: the offset and the NVRAM go
 * back to the host's time and the `reg` presets). Updates happen at the host's
 * second boundaries; UIP is set for the 244 us before each. The periodic
 * interrupt runs on CLOCK_MONOTONIC, so a step of the host clock does not stall
 * it. Nothing ticks: flags are derived from time whenever the guest looks, and
 * a host timer is armed only for an enabled interrupt whose line is not
 * already high.
 *
 * Register C's flags are set whether or not their interrupts are enabled
 * (a guest may poll them); IRQF is PF.PIE + AF.AIE + UF.UIE and the line
 * follows it (irq_set_level), until the guest reads C.
 *
 * Left out: daylight-saving switching (DSE is stored), the divider-chain reset
 * (DV bits are stored, the clock always runs), the square-wave output (SQWE is
 * stored), and NMI masking (the index's bit 7 is accepted). The century byte at
 * 0x32 uses the data mode of the other fields (BCD unless DM is set), as Linux
 * and the PC BIOS read it. Without the part's battery state, reset values are
 * A 0x26 (32.768 kHz, 1024 Hz), B 0x00 (BCD, 12-hour: `reg 0x0b,0x02` gives
 * 24-hour mode, which Linux wants), D 0x80. */
#include "vdev/vdev.h"

#include "config/lex.h"
#include "config/resolver.h"
#include "config/spec.h"
#include "vdev/timer_common.h"
#include "vdev/vdev_ctx.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

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

/* Register indexes */
enum {
    R_SEC = 0x00, R_SEC_ALARM = 0x01, R_MIN = 0x02, R_MIN_ALARM = 0x03, R_HOUR = 0x04,
    R_HOUR_ALARM = 0x05, R_DOW = 0x06, R_DAY = 0x07, R_MONTH = 0x08, R_YEAR = 0x09,
    R_A = 0x0a, R_B = 0x0b, R_C = 0x0c, R_D = 0x0d, R_CENTURY = 0x32,
};

#define A_UIP 0x80
#define A_RS 0x0f
#define B_SET 0x80
#define B_PIE 0x40
#define B_AIE 0x20
#define B_UIE 0x10
#define B_SQWE 0x08
#define B_DM 0x04 /* binary */
#define B_24H 0x02
#define B_DSE 0x01
#define C_IRQF 0x80
#define C_PF 0x40
#define C_AF 0x20
#define C_UF 0x10
#define D_VRT 0x80

#define RTC_UIP_NS 244000ull   /* UIP is set this long before each update */
#define RTC_BASE_HZ 32768ull   /* the time base the rate select divides */
#define ALARM_NEVER INT64_MAX
#define ALARM_SEARCH_STEPS 512 /* enough to find any valid alarm within a day */

struct rtc_now {
    uint64_t mono; /* event_now() */
    int64_t sec;   /* CLOCK_REALTIME seconds */
    uint64_t sub;  /* and nanoseconds */
};

struct rtc {
    struct vdev_ctx *ctx;
    pthread_mutex_t lock;
    uint8_t index;
    bool nmi_disabled; /* index bit 7: stored only */
    /* A, B, the alarms and the NVRAM; the time fields only while SET holds
     * them (otherwise they are computed from the clock) */
    uint8_t ram[RTC_REGISTERS];
    uint8_t flags;      /* register C */
    int64_t offset;     /* guest seconds minus host CLOCK_REALTIME seconds */
    int dow_offset;     /* the guest's day of week minus the computed one (0-6) */
    int64_t last_sec;   /* the guest second of the last update accounted for */
    uint64_t pf_count;  /* periodic ticks accounted for (at the current rate) */
    /* next_alarm(alarm_after) == alarm_at, until a register write */
    bool alarm_cached;
    int64_t alarm_after, alarm_at;
    struct host_timer timer;
};

static bool is_time_field(unsigned idx)
{
    return idx == R_SEC || idx == R_MIN || idx == R_HOUR || idx == R_DOW || idx == R_DAY ||
           idx == R_MONTH || idx == R_YEAR || idx == R_CENTURY;
}

static struct rtc_now rtc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (struct rtc_now){ .mono = event_now(), .sec = ts.tv_sec, .sub = (uint64_t)ts.tv_nsec };
}

static int64_t guest_sec(const struct rtc *r, const struct rtc_now *n)
{
    return n->sec + r->offset;
}

/* ---- encoding (register B: DM, 24/12) ---- */

static uint8_t enc(const struct rtc *r, unsigned v)
{
    v %= 100;
    return (uint8_t)(r->ram[R_B] & B_DM ? v : (v / 10) << 4 | v % 10);
}

static int dec(const struct rtc *r, uint8_t b)
{
    return r->ram[R_B] & B_DM ? b : (b >> 4) * 10 + (b & 0x0f);
}

static uint8_t enc_hour(const struct rtc *r, unsigned h)
{
    if (r->ram[R_B] & B_24H)
        return enc(r, h);
    unsigned h12 = h % 12 ? h % 12 : 12;
    return (uint8_t)(enc(r, h12) | (h >= 12 ? 0x80 : 0)); /* bit 7: PM */
}

static int dec_hour(const struct rtc *r, uint8_t b)
{
    if (r->ram[R_B] & B_24H)
        return dec(r, b);
    return dec(r, b & 0x7f) % 12 + (b & 0x80 ? 12 : 0);
}

/* The time fields of guest second s, as the registers show them. */
static void fields_of(const struct rtc *r, int64_t s, uint8_t f[RTC_REGISTERS])
{
    time_t t = (time_t)s;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        tm = (struct tm){ .tm_mday = 1, .tm_year = 70 };
    unsigned year = (unsigned)(tm.tm_year + 1900);
    f[R_SEC] = enc(r, (unsigned)tm.tm_sec);
    f[R_MIN] = enc(r, (unsigned)tm.tm_min);
    f[R_HOUR] = enc_hour(r, (unsigned)tm.tm_hour);
    f[R_DOW] = (uint8_t)((tm.tm_wday + r->dow_offset) % 7 + 1); /* Sunday is 1 */
    f[R_DAY] = enc(r, (unsigned)tm.tm_mday);
    f[R_MONTH] = enc(r, (unsigned)tm.tm_mon + 1);
    f[R_YEAR] = enc(r, year % 100);
    f[R_CENTURY] = enc(r, year / 100);
}

/* The guest wrote the time fields in f (SET released, or one field written
 * while the clock runs): the clock continues from there. */
static void set_time(struct rtc *r, const uint8_t f[RTC_REGISTERS], const struct rtc_now *n)
{
    struct tm tm = {
        .tm_sec = dec(r, f[R_SEC]),
        .tm_min = dec(r, f[R_MIN]),
        .tm_hour = dec_hour(r, f[R_HOUR]),
        .tm_mday = dec(r, f[R_DAY]),
        .tm_mon = dec(r, f[R_MONTH]) - 1,
        .tm_year = dec(r, f[R_CENTURY]) * 100 + dec(r, f[R_YEAR]) - 1900,
    };
    /* out-of-range fields (a hostile or careless guest) are normalised by timegm */
    time_t t = timegm(&tm);
    r->offset = (int64_t)t - n->sec;
    int dow = (f[R_DOW] + 6) % 7; /* 1-7 -> 0-6; garbage stays in range */
    r->dow_offset = ((dow - tm.tm_wday) % 7 + 7) % 7;
    r->last_sec = guest_sec(r, n); /* setting the clock is not an update */
}

/* ---- alarm ---- */

static bool alarm_byte_matches(uint8_t alarm, uint8_t now)
{
    return (alarm & 0xc0) == 0xc0 || alarm == now; /* 0xc0-0xff: don't care */
}

/* The first guest second after `after` whose fields match the alarm, or
 * ALARM_NEVER. The part compares the bytes as encoded, so does this. */
static int64_t next_alarm(const struct rtc *r, int64_t after)
{
    int64_t s = after + 1;
    uint8_t f[RTC_REGISTERS];
    for (unsigned i = 0; i < ALARM_SEARCH_STEPS; i++) {
        fields_of(r, s, f);
        time_t t = (time_t)s;
        struct tm tm;
        if (!gmtime_r(&t, &tm))
            return ALARM_NEVER;
        if (!alarm_byte_matches(r->ram[R_HOUR_ALARM], f[R_HOUR]))
            s += 3600 - tm.tm_min * 60 - tm.tm_sec; /* the next hour */
        else if (!alarm_byte_matches(r->ram[R_MIN_ALARM], f[R_MIN]))
            s += 60 - tm.tm_sec; /* the next minute */
        else if (!alarm_byte_matches(r->ram[R_SEC_ALARM], f[R_SEC]))
            s += 1;
        else
            return s;
    }
    return ALARM_NEVER; /* an alarm value no time has */
}

/* The search is bounded but not free: remember its answer until a write. */
static int64_t next_alarm_cached(struct rtc *r, int64_t after)
{
    if (!r->alarm_cached || r->alarm_after != after) {
        r->alarm_at = next_alarm(r, after);
        r->alarm_after = after;
        r->alarm_cached = true;
    }
    return r->alarm_at;
}

/* ---- flags and interrupts ---- */

/* The periodic rate in units of 1/32768 s: rates 3-15 divide 32768 Hz by
 * 2^(rate-1); rates 1 and 2 repeat the 8th and 9th taps (256 and 128 Hz), as
 * the part does at the 32.768 kHz time base. 0: none. */
static uint64_t periodic_units(unsigned rs)
{
    if (rs == 0)
        return 0;
    if (rs <= 2)
        return rs == 1 ? 128 : 256;
    return 1ull << (rs - 1);
}

static uint64_t periodic_count(unsigned rs, uint64_t mono)
{
    uint64_t u = periodic_units(rs);
    return u ? timer_scale(mono, RTC_BASE_HZ, TIMER_NS_PER_S * u, false) : 0;
}

static uint64_t periodic_time(unsigned rs, uint64_t count)
{
    uint64_t u = periodic_units(rs);
    return u ? timer_scale(count, TIMER_NS_PER_S * u, RTC_BASE_HZ, true) : TIMER_NEVER;
}

static struct irq_line *rtc_line(struct rtc *r)
{
    return r->ctx->spec->nintr ? r->ctx->irq[0] : NULL;
}

static void update_irq(struct rtc *r)
{
    uint8_t b = r->ram[R_B];
    bool irqf = ((r->flags & C_PF) && (b & B_PIE)) || ((r->flags & C_AF) && (b & B_AIE)) ||
                ((r->flags & C_UF) && (b & B_UIE));
    r->flags = (uint8_t)(irqf ? r->flags | C_IRQF : r->flags & ~C_IRQF);
    irq_set_level(rtc_line(r), irqf);
}

/* Account for the time up to now: periodic ticks, updates, alarms. */
static void rtc_update(struct rtc *r, const struct rtc_now *n)
{
    unsigned rs = r->ram[R_A] & A_RS;
    if (rs) {
        uint64_t count = periodic_count(rs, n->mono);
        if (count > r->pf_count) {
            uint64_t fresh = count - r->pf_count;
            if (r->ram[R_B] & B_PIE)
                host_timer_coalesced(&r->timer, rtc_line(r), r->flags & C_PF ? fresh : fresh - 1);
            r->flags |= C_PF;
            r->pf_count = count;
        }
    }
    if (!(r->ram[R_B] & B_SET)) {
        int64_t s = guest_sec(r, n);
        if (s != r->last_sec) {
            r->flags |= C_UF;
            if (s > r->last_sec && next_alarm_cached(r, r->last_sec) <= s)
                r->flags |= C_AF;
            r->last_sec = s;
        }
    }
    update_irq(r);
}

static void rtc_sync(struct rtc *r, const struct rtc_now *n)
{
    uint64_t due = TIMER_NEVER;
    uint8_t b = r->ram[R_B];
    /* nothing to deliver, or the line is already high until C is read */
    if (!r->ctx->spec->nintr)
        b = 0;
    if (r->flags & C_IRQF)
        b = 0;
    unsigned rs = r->ram[R_A] & A_RS;
    if ((b & B_PIE) && rs)
        due = periodic_time(rs, r->pf_count + 1);
    if (!(b & B_SET)) {
        uint64_t to_update = TIMER_NS_PER_S - n->sub;
        if ((b & B_UIE) && n->mono + to_update < due)
            due = n->mono + to_update;
        if (b & B_AIE) {
            int64_t at = next_alarm_cached(r, r->last_sec);
            int64_t s = guest_sec(r, n);
            if (at != ALARM_NEVER && at > s) {
                uint64_t secs = (uint64_t)(at - s - 1);
                if (secs > 100000)
                    secs = 100000; /* host_timer_sync caps the wait anyway */
                uint64_t when = n->mono + secs * TIMER_NS_PER_S + to_update;
                if (when < due)
                    due = when;
            }
        }
    }
    host_timer_sync(&r->timer, due, n->mono);
}

static void rtc_on_timer(void *arg)
{
    struct rtc *r = arg;
    pthread_mutex_lock(&r->lock);
    struct rtc_now n = rtc_now();
    host_timer_fired(&r->timer, n.mono);
    rtc_update(r, &n);
    rtc_sync(r, &n);
    pthread_mutex_unlock(&r->lock);
}

/* ---- registers ---- */

static uint8_t read_reg(struct rtc *r, unsigned idx, const struct rtc_now *n)
{
    switch (idx) {
    case R_A: {
        /* UIP: the 244 us before each update (never while SET stops updates) */
        bool uip = !(r->ram[R_B] & B_SET) && n->sub >= TIMER_NS_PER_S - RTC_UIP_NS;
        return (uint8_t)((r->ram[R_A] & 0x7f) | (uip ? A_UIP : 0));
    }
    case R_C: {
        uint8_t v = r->flags;
        r->flags = 0; /* read-to-clear, which also drops the line */
        update_irq(r);
        return v;
    }
    case R_D:
        return D_VRT;
    default:
        break;
    }
    if (is_time_field(idx) && !(r->ram[R_B] & B_SET)) {
        uint8_t f[RTC_REGISTERS];
        fields_of(r, guest_sec(r, n), f);
        return f[idx];
    }
    return r->ram[idx];
}

static void write_reg(struct rtc *r, unsigned idx, uint8_t v, const struct rtc_now *n)
{
    r->alarm_cached = false; /* alarms, modes and the time all feed the search */
    switch (idx) {
    case R_A: {
        unsigned old_rs = r->ram[R_A] & A_RS;
        r->ram[R_A] = v & 0x7f; /* UIP is read-only */
        unsigned rs = v & A_RS;
        if (rs != old_rs)
            r->pf_count = periodic_count(rs, n->mono); /* a new rate starts from now */
        return;
    }
    case R_B: {
        uint8_t old = r->ram[R_B];
        if (v & B_SET)
            v &= (uint8_t)~B_UIE; /* setting SET clears UIE */
        r->ram[R_B] = v;
        if (!(old & B_SET) && (v & B_SET)) {
            /* freeze: the guest now reads and writes these bytes */
            uint8_t f[RTC_REGISTERS];
            fields_of(r, guest_sec(r, n), f);
            for (unsigned i = 0; i < RTC_REGISTERS; i++)
                if (is_time_field(i))
                    r->ram[i] = f[i];
        } else if ((old & B_SET) && !(v & B_SET)) {
            set_time(r, r->ram, n);
        }
        return;
    }
    case R_C:
    case R_D:
        return; /* read-only */
    default:
        break;
    }
    if (is_time_field(idx) && !(r->ram[R_B] & B_SET)) {
        /* written while the clock runs: it continues from the new value */
        uint8_t f[RTC_REGISTERS];
        fields_of(r, guest_sec(r, n), f);
        f[idx] = v;
        set_time(r, f, n);
        return;
    }
    r->ram[idx] = v;
}

static uint64_t rtc_read(void *dev, unsigned region, uint64_t offset, unsigned size)
{
    (void)region;
    struct rtc *r = dev;
    uint64_t value = 0;
    pthread_mutex_lock(&r->lock);
    struct rtc_now n = rtc_now();
    rtc_update(r, &n);
    for (unsigned b = 0; b < size && b < 8; b++) {
        uint8_t v = 0xff; /* the index port is write-only */
        if (offset + b == 1)
            v = read_reg(r, r->index, &n);
        value |= (uint64_t)v << (8 * b);
    }
    rtc_sync(r, &n);
    pthread_mutex_unlock(&r->lock);
    return value;
}

static void rtc_write(void *dev, unsigned region, uint64_t offset, unsigned size, uint64_t value)
{
    (void)region;
    struct rtc *r = dev;
    pthread_mutex_lock(&r->lock);
    struct rtc_now n = rtc_now();
    rtc_update(r, &n);
    for (unsigned b = 0; b < size && b < 8; b++) {
        uint8_t v = (uint8_t)(value >> (8 * b));
        if (offset + b == 0) {
            r->index = v & 0x7f;
            r->nmi_disabled = v & 0x80;
        } else if (offset + b == 1) {
            write_reg(r, r->index, v, &n);
        }
    }
    update_irq(r); /* enables may have changed */
    rtc_sync(r, &n);
    pthread_mutex_unlock(&r->lock);
}

static void rtc_destroy(void *dev)
{
    struct rtc *r = dev;
    host_timer_stop(&r->timer);
    if (r->timer.coalesced)
        log_msg(&r->ctx->log, LOGF_DEBUG, "%llu periodic interrupts coalesced",
                (unsigned long long)r->timer.coalesced);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

static void *rtc_create(struct vdev_ctx *ctx)
{
    struct rtc *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->ctx = ctx;
    pthread_mutex_init(&r->lock, NULL);
    host_timer_init(&r->timer, ctx->loop, rtc_on_timer, r);
    r->ram[R_A] = 0x26;
    r->ram[R_B] = 0x00;
    struct rtc_now n = rtc_now();
    r->last_sec = guest_sec(r, &n);
    r->pf_count = periodic_count(r->ram[R_A] & A_RS, n.mono);
    /* presets, in order, as if the guest wrote them */
    for (const struct optval *o = &ctx->spec->opts[RTC_OPT_REG]; o && o->set; o = o->next) {
        unsigned idx = (unsigned)(o->u >> 8) & 0x7f;
        uint8_t v = (uint8_t)o->u;
        if (idx == R_C || idx == R_D)
            log_msg(&ctx->log, LOGF_WARN, "reg 0x%02x,0x%02x: register %c is read-only; "
                    "ignored", idx, v, idx == R_C ? 'C' : 'D');
        write_reg(r, idx, v, &n);
    }
    r->flags = 0;
    return r;
}

static const struct vdev_model rtc_model = {
    .create = rtc_create,
    .destroy = rtc_destroy,
    .read = rtc_read,
    .write = rtc_write,
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
    .model = &rtc_model,
};
