/* The arm64 guest kit (kit.h). */
#include "kit.h"

#include <stdarg.h>

const void *kit_fdt;
uint64_t kit_uart;
unsigned test_failures;

void *memset(void *d, int c, size_t n);
void *memset(void *d, int c, size_t n)
{
    volatile uint8_t *p = d;
    while (n--)
        *p++ = (uint8_t)c;
    return d;
}

static size_t kstrlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

static int kstrncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i])
            return (unsigned char)a[i] - (unsigned char)b[i];
        if (!a[i])
            return 0;
    }
    return 0;
}

/* ---- device tree ---- */

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP        4
#define FDT_END        9

static uint32_t be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static const uint8_t *fdt_struct(void)
{
    return (const uint8_t *)kit_fdt + be32((const uint8_t *)kit_fdt + 8);
}

static const char *fdt_strings(void)
{
    return (const char *)kit_fdt + be32((const uint8_t *)kit_fdt + 12);
}

/* The token after the one at off. */
static int fdt_next(int off, uint32_t *tag)
{
    const uint8_t *s = fdt_struct();
    *tag = be32(s + off);
    off += 4;
    if (*tag == FDT_BEGIN_NODE)
        off += (int)kstrlen((const char *)s + off) + 1;
    else if (*tag == FDT_PROP)
        off += 8 + (int)be32(s + off);
    return (off + 3) & ~3;
}

/* Calls fn on each property of the node at node (not its children). */
const void *fdt_prop(int node, const char *name, uint32_t *len)
{
    if (!kit_fdt || node < 0)
        return NULL;
    const uint8_t *s = fdt_struct();
    uint32_t tag;
    int off = fdt_next(node, &tag), depth = 0;
    for (;;) {
        int here = off;
        off = fdt_next(off, &tag);
        if (tag == FDT_BEGIN_NODE)
            depth++;
        else if (tag == FDT_END_NODE && depth-- == 0)
            return NULL;
        else if (tag == FDT_END)
            return NULL;
        else if (tag == FDT_PROP && depth == 0) {
            const char *pn = fdt_strings() + be32(s + here + 8);
            if (kstrncmp(pn, name, kstrlen(name) + 1) == 0) {
                if (len)
                    *len = be32(s + here + 4);
                return s + here + 12;
            }
        }
    }
}

int fdt_find_compatible(const char *compat, int nth)
{
    if (!kit_fdt || be32(kit_fdt) != 0xd00dfeed)
        return -1;
    uint32_t tag;
    int off = 0;
    do {
        int here = off;
        off = fdt_next(off, &tag);
        if (tag != FDT_BEGIN_NODE)
            continue;
        uint32_t len;
        const char *c = fdt_prop(here, "compatible", &len);
        for (uint32_t i = 0; c && i < len; i += (uint32_t)kstrlen(c + i) + 1)
            if (kstrncmp(c + i, compat, kstrlen(compat) + 1) == 0 && nth-- == 0)
                return here;
    } while (tag != FDT_END);
    return -1;
}

uint64_t fdt_reg(int node, unsigned index)
{
    uint32_t len;
    const uint8_t *r = fdt_prop(node, "reg", &len);
    if (!r || len < 16 * (index + 1))
        return 0;
    return (uint64_t)be32(r + 16 * index) << 32 | be32(r + 16 * index + 4);
}

unsigned fdt_spi(int node)
{
    uint32_t len;
    const uint8_t *p = fdt_prop(node, "interrupts", &len);
    if (!p || len < 12 || be32(p) != 0)
        return 0;
    return 32 + be32(p + 4);
}

const char *fdt_bootargs(void)
{
    if (!kit_fdt)
        return "";
    uint32_t tag;
    int off = 0;
    do {
        int here = off;
        off = fdt_next(off, &tag);
        if (tag == FDT_BEGIN_NODE &&
            kstrncmp((const char *)fdt_struct() + here + 4, "chosen", 7) == 0) {
            const char *a = fdt_prop(here, "bootargs", NULL);
            return a ? a : "";
        }
    } while (tag != FDT_END);
    return "";
}

uint64_t arg_u64(const char *key, uint64_t def)
{
    const char *a = fdt_bootargs();
    size_t k = kstrlen(key);
    while (*a) {
        while (*a == ' ')
            a++;
        if (kstrncmp(a, key, k) == 0 && a[k] == '=') {
            uint64_t v = 0;
            for (a += k + 1; *a >= '0' && *a <= '9'; a++)
                v = v * 10 + (uint64_t)(*a - '0');
            return v;
        }
        while (*a && *a != ' ')
            a++;
    }
    return def;
}

/* ---- console ---- */

#define PL011_DR 0x00
#define PL011_FR 0x18
#define FR_TXFF  (1u << 5)

void putc_(char c)
{
    if (!kit_uart)
        return;
    while (mmio_read32(kit_uart + PL011_FR) & FR_TXFF)
        ;
    mmio_write32(kit_uart + PL011_DR, (uint8_t)c);
}

void puts_(const char *s)
{
    while (*s)
        putc_(*s++);
}

static void put_num(uint64_t v, unsigned base, int width, char pad)
{
    char buf[24];
    int n = 0;
    do {
        buf[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    while (width-- > n)
        putc_(pad);
    while (n--)
        putc_(buf[n]);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            putc_(*fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l')
            lng++, fmt++;
        switch (*fmt) {
        case 'd': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            if (v < 0)
                putc_('-'), v = -v;
            put_num((uint64_t)v, 10, width, pad);
            break;
        }
        case 'u':
            put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, width, pad);
            break;
        case 'x':
            put_num(lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, width, pad);
            break;
        case 's':
            puts_(va_arg(ap, const char *));
            break;
        case 'c':
            putc_((char)va_arg(ap, int));
            break;
        default:
            putc_(*fmt);
        }
    }
    va_end(ap);
}

/* ---- PSCI ---- */

#define PSCI_CPU_ON        0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_SYSTEM_OFF    0x84000008u
#define PSCI_SYSTEM_RESET  0x84000009u

static int64_t psci(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
    register uint64_t x0 __asm__("x0") = fn;
    register uint64_t x1 __asm__("x1") = a1;
    register uint64_t x2 __asm__("x2") = a2;
    register uint64_t x3 __asm__("x3") = a3;
    __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
    return (int64_t)x0;
}

extern char secondary_entry[];

int64_t psci_cpu_on(uint64_t mpidr, uint64_t index)
{
    return psci(PSCI_CPU_ON, mpidr, (uint64_t)secondary_entry, index);
}

int64_t psci_affinity_info(uint64_t mpidr)
{
    return psci(PSCI_AFFINITY_INFO, mpidr, 0, 0);
}

void psci_system_off(void)
{
    psci(PSCI_SYSTEM_OFF, 0, 0, 0);
    for (;;)
        wfi();
}

void psci_system_reset(void)
{
    psci(PSCI_SYSTEM_RESET, 0, 0, 0);
    for (;;)
        wfi();
}

/* ---- timer ---- */

uint64_t timer_freq(void)
{
    return read_sysreg(cntfrq_el0);
}

uint64_t timer_now(void)
{
    isb();
    return read_sysreg(cntvct_el0);
}

void vtimer_arm(uint64_t ticks)
{
    write_sysreg(cntv_cval_el0, timer_now() + ticks);
    write_sysreg(cntv_ctl_el0, 1); /* ENABLE, not IMASK */
    isb();
}

void vtimer_stop(void)
{
    write_sysreg(cntv_ctl_el0, 0);
    isb();
}

void delay_us(uint64_t us)
{
    uint64_t end = timer_now() + us * timer_freq() / 1000000;
    while (timer_now() < end)
        ;
}

/* ---- GIC ---- */

#define GICD_CTLR       0x000
#define GICD_IGROUPR    0x080
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00
#define GICD_IROUTER    0x6000
#define GICC_CTLR       0x00
#define GICC_PMR        0x04
#define GICC_IAR        0x0c
#define GICC_EOIR       0x10
#define GICR_WAKER      0x14
#define GICR_SGI        0x10000

unsigned gic_version;
static uint64_t gicd, gicc, gicr;
static void (*handlers[1020])(unsigned);
volatile unsigned irq_last, irq_spurious;

static uint64_t redist(unsigned cpu)
{
    return gicr + (uint64_t)cpu * 0x20000;
}

void gic_cpu_init(unsigned cpu)
{
    if (gic_version == 3) {
        uint64_t r = redist(cpu);
        mmio_write32(r + GICR_WAKER, mmio_read32(r + GICR_WAKER) & ~2u);
        while (mmio_read32(r + GICR_WAKER) & 4u)
            ;
        mmio_write32(r + GICR_SGI + GICD_IGROUPR, 0xffffffffu);
        write_sysreg(s3_0_c12_c12_5, read_sysreg(s3_0_c12_c12_5) | 1); /* ICC_SRE_EL1.SRE */
        isb();
        write_sysreg(s3_0_c4_c6_0, 0xff); /* ICC_PMR_EL1 */
        write_sysreg(s3_0_c12_c12_3, 0);  /* ICC_BPR1_EL1 */
        write_sysreg(s3_0_c12_c12_7, 1);  /* ICC_IGRPEN1_EL1 */
        isb();
    } else {
        mmio_write32(gicc + GICC_PMR, 0xff);
        mmio_write32(gicc + GICC_CTLR, 1);
    }
}

bool gic_init(void)
{
    int n = fdt_find_compatible("arm,gic-v3", 0);
    if (n >= 0) {
        gic_version = 3;
        gicd = fdt_reg(n, 0);
        gicr = fdt_reg(n, 1);
    } else if ((n = fdt_find_compatible("arm,cortex-a15-gic", 0)) >= 0) {
        gic_version = 2;
        gicd = fdt_reg(n, 0);
        gicc = fdt_reg(n, 1);
    } else {
        return false;
    }
    mmio_write32(gicd + GICD_CTLR, 0);
    if (gic_version == 3)
        mmio_write32(gicd + GICD_CTLR, 1u << 4 | 3); /* ARE, Group 0 and 1 */
    else
        mmio_write32(gicd + GICD_CTLR, 1);
    gic_cpu_init(0);
    return true;
}

static uint64_t dist_for(unsigned intid)
{
    return gic_version == 3 && intid < 32 ? redist(0) + GICR_SGI : gicd;
}

void gic_enable(unsigned intid, bool level)
{
    uint64_t d = dist_for(intid);
    if (intid >= 32 && gic_version == 3) /* Group 1 (the redistributor's are set already) */
        mmio_write32(d + GICD_IGROUPR + intid / 32 * 4,
                     mmio_read32(d + GICD_IGROUPR + intid / 32 * 4) | 1u << (intid % 32));
    mmio_write8(d + GICD_IPRIORITYR + intid, 0x80);
    if (intid >= 32) {
        uint64_t cfg = gicd + GICD_ICFGR + intid / 16 * 4;
        uint32_t bit = 2u << (intid % 16 * 2);
        mmio_write32(cfg, level ? mmio_read32(cfg) & ~bit : mmio_read32(cfg) | bit);
        if (gic_version == 3)
            mmio_write64(gicd + GICD_IROUTER + intid * 8, 0); /* vCPU 0 */
        else
            mmio_write8(gicd + GICD_ITARGETSR + intid, 1);
    }
    mmio_write32(d + GICD_ISENABLER + intid / 32 * 4, 1u << (intid % 32));
}

void gic_disable(unsigned intid)
{
    mmio_write32(dist_for(intid) + GICD_ICENABLER + intid / 32 * 4, 1u << (intid % 32));
}

void irq_install(unsigned intid, void (*fn)(unsigned))
{
    if (intid < 1020)
        handlers[intid] = fn;
}

void kit_irq(void);
void kit_irq(void)
{
    unsigned iar =
        gic_version == 3 ? (unsigned)read_sysreg(s3_0_c12_c12_0) : mmio_read32(gicc + GICC_IAR);
    unsigned intid = iar & 0x3ff;
    if (intid >= 1020) {
        irq_spurious++;
        return;
    }
    irq_last = intid;
    if (handlers[intid])
        handlers[intid](intid);
    if (gic_version == 3) {
        write_sysreg(s3_0_c12_c12_1, iar); /* ICC_EOIR1_EL1 */
        isb();
    } else {
        mmio_write32(gicc + GICC_EOIR, iar);
    }
}

void kit_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far);
void kit_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
    kprintf("KQVM-TEST: FAIL exception %u esr %lx elr %lx far %lx\n", (unsigned)kind, esr, elr,
            far);
    psci_system_off();
}

/* ---- entry ---- */

void kit_main(const void *fdt);
void kit_main(const void *fdt)
{
    kit_fdt = fdt;
    int n = fdt_find_compatible("arm,pl011", 0);
    kit_uart = n >= 0 ? fdt_reg(n, 0) : 0;
    kmain();
    TEST_DONE();
}

__attribute__((weak)) void secondary_main(uint64_t index)
{
    (void)index;
}
