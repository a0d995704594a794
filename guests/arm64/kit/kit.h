/* The arm64 guest kit: freestanding, MMU off, no libc. Everything the test
 * guests share: the device tree, the PL011 console, kprintf, PSCI, the GIC
 * (v2 or v3, as the device tree says) with C interrupt handlers, the virtual
 * timer, and the KQVM-TEST reporting of the x86 kit (guests/README.md). */
#ifndef KIT_ARM64_KIT_H
#define KIT_ARM64_KIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define read_sysreg(r)                                                                             \
    ({                                                                                             \
        uint64_t v_;                                                                               \
        __asm__ volatile("mrs %0, " #r : "=r"(v_));                                                \
        v_;                                                                                        \
    })
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" ::"r"((uint64_t)(v)) : "memory")
#define isb()              __asm__ volatile("isb" ::: "memory")
#define dsb()              __asm__ volatile("dsb sy" ::: "memory")

/* One plain load or store each: KVM can only hand an MMIO access to its VMM
 * when the instruction has a syndrome (no load/store pair, no writeback). */
static inline uint32_t mmio_read32(uint64_t a)
{
    uint32_t v;
    __asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}
static inline void mmio_write32(uint64_t a, uint32_t v)
{
    __asm__ volatile("str %w0, [%1]" ::"r"(v), "r"(a) : "memory");
}
static inline void mmio_write8(uint64_t a, uint8_t v)
{
    __asm__ volatile("strb %w0, [%1]" ::"r"(v), "r"(a) : "memory");
}
static inline uint64_t mmio_read64(uint64_t a)
{
    uint64_t v;
    __asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return v;
}
static inline void mmio_write64(uint64_t a, uint64_t v)
{
    __asm__ volatile("str %0, [%1]" ::"r"(v), "r"(a) : "memory");
}
static inline void irq_enable(void)
{
    __asm__ volatile("msr daifclr, #2" ::: "memory");
}
static inline void irq_disable(void)
{
    __asm__ volatile("msr daifset, #2" ::: "memory");
}
static inline void wfi(void)
{
    __asm__ volatile("wfi" ::: "memory");
}

/* Provided by the guest: the boot vCPU's main, and (optional) what a vCPU
 * started with psci_cpu_on(index) runs. */
void kmain(void);
void secondary_main(uint64_t index);

/* The device tree (x0 at entry). Nodes are offsets into the structure block. */
extern const void *kit_fdt;
int fdt_find_compatible(const char *compat, int nth); /* -1: none */
const void *fdt_prop(int node, const char *name, uint32_t *len);
uint64_t fdt_reg(int node, unsigned index); /* #address-cells = #size-cells = 2 */
unsigned fdt_spi(int node);                 /* the INTID of its first SPI, 0: none */
const char *fdt_bootargs(void);
/* key=value words of /chosen/bootargs */
uint64_t arg_u64(const char *key, uint64_t def);

/* The console: the first pl011 of the device tree, polled. */
extern uint64_t kit_uart;
void putc_(char c);
void puts_(const char *s);
__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);

/* PSCI through HVC */
int64_t psci_cpu_on(uint64_t mpidr, uint64_t index);
int64_t psci_affinity_info(uint64_t mpidr);
__attribute__((noreturn)) void psci_system_off(void);
__attribute__((noreturn)) void psci_system_reset(void);

/* The GIC of the device tree: gic_init on the boot vCPU (distributor and its
 * CPU interface), gic_cpu_init on each other vCPU. */
extern unsigned gic_version;
bool gic_init(void);
void gic_cpu_init(unsigned cpu);
void gic_enable(unsigned intid, bool level);
void gic_disable(unsigned intid);
/* fn(intid) runs in the IRQ handler, before the EOI (with IRQs masked) */
void irq_install(unsigned intid, void (*fn)(unsigned intid));
extern volatile unsigned irq_last, irq_spurious;

/* The virtual timer (PPI 27) */
#define VTIMER_INTID 27
uint64_t timer_freq(void);
uint64_t timer_now(void);
void vtimer_arm(uint64_t ticks); /* fires ticks from now */
void vtimer_stop(void);
void delay_us(uint64_t us);

/* Reporting: KQVM-TEST: PASS/FAIL/SKIP lines, DONE then SYSTEM_OFF. */
extern unsigned test_failures;
#define TEST_PASS(name) kprintf("KQVM-TEST: PASS %s\n", (name))
#define TEST_FAIL(name, ...)                                                                       \
    do {                                                                                           \
        test_failures++;                                                                           \
        kprintf("KQVM-TEST: FAIL %s: ", (name));                                                   \
        kprintf(__VA_ARGS__);                                                                      \
        kprintf("\n");                                                                             \
    } while (0)
#define TEST_CHECK(name, cond, ...)                                                                \
    do {                                                                                           \
        if (cond)                                                                                  \
            TEST_PASS(name);                                                                       \
        else                                                                                       \
            TEST_FAIL((name), __VA_ARGS__);                                                        \
    } while (0)
#define TEST_DONE()                                                                                \
    do {                                                                                           \
        kprintf("KQVM-TEST: DONE\n");                                                              \
        psci_system_off();                                                                         \
    } while (0)

#endif
