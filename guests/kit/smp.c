#include "smp.h"

#include "gdt.h"
#include "idt.h"
#include "io.h"
#include "kstring.h"
#include "serial.h"
#include "tsc.h"

#define LAPIC_ID             0x020
#define LAPIC_SVR            0x0f0
#define LAPIC_ICR_LO         0x300
#define LAPIC_ICR_HI         0x310
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_INIT             0x00004500u /* INIT, level assert */
#define ICR_STARTUP          0x00004600u /* STARTUP, level assert, | vector */

extern const char smp_tramp_start[], smp_tramp_end[];
extern const char smp_tramp_gdtr_base[], smp_tramp_far32[], smp_tramp_far64[];
extern const char smp_tramp_cr3[], smp_tramp_entry[], smp_tramp_alive[];
extern const uint64_t smp_tramp_off_gdt, smp_tramp_off_32, smp_tramp_off_64;
void smp_ap_entry64(void);
void smp_ap_main(unsigned apic_id);

/* used by smp_ap_entry64 */
uint8_t smp_stacks[SMP_MAX_CPUS][SMP_STACK_SIZE] __attribute__((section(".noinit"), aligned(16)));

static smp_ap_fn ap_fn;
static volatile unsigned aps_online, aps_done;

_Static_assert(SMP_MAX_CPUS == 64 && SMP_STACK_SIZE == 8192, "smp_tramp.S hard-codes these");

static uint32_t lapic_read(unsigned reg)
{
    return mmio_read32(LAPIC_BASE + reg);
}

static void lapic_write(unsigned reg, uint32_t v)
{
    mmio_write32(LAPIC_BASE + reg, v);
}

unsigned smp_apic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

static void send_ipi(unsigned apic_id, uint32_t icr_lo)
{
    lapic_write(LAPIC_ICR_HI, apic_id << 24);
    lapic_write(LAPIC_ICR_LO, icr_lo);
    uint64_t d = tsc_deadline_us(100000);
    while ((lapic_read(LAPIC_ICR_LO) & ICR_DELIVERY_PENDING) && !tsc_expired(d))
        pause();
}

unsigned smp_aps_online(void)
{
    return __atomic_load_n(&aps_online, __ATOMIC_ACQUIRE);
}

unsigned smp_aps_done(void)
{
    return __atomic_load_n(&aps_done, __ATOMIC_ACQUIRE);
}

void smp_ap_main(unsigned apic_id)
{
    gdt_load();
    idt_load();
    __atomic_fetch_add(&aps_online, 1, __ATOMIC_ACQ_REL);
    if (ap_fn)
        ap_fn(apic_id);
    __atomic_fetch_add(&aps_done, 1, __ATOMIC_ACQ_REL);
    halt_forever();
}

/* A page below 1 MiB, inside RAM, outside the boot data area: 0x10000 if
 * possible, else the lowest such page above 0. */
static int trampoline_page_ok(const struct kqvm_boot_info *bi, uint64_t page)
{
    uint64_t area = kqvm_boot_area(bi);
    int clash = page < area + KQVM_BOOT_AREA_SIZE && area < page + 0x1000;
    return !clash && kqvm_mem_covers(bi, page, 0x1000, KQVM_MEM_RAM);
}

static uint64_t find_trampoline_page(const struct kqvm_boot_info *bi)
{
    if (trampoline_page_ok(bi, SMP_TRAMPOLINE_ADDR))
        return SMP_TRAMPOLINE_ADDR;
    for (uint64_t page = 0x1000; page < 0x100000; page += 0x1000)
        if (trampoline_page_ok(bi, page))
            return page;
    return 0;
}

static void patch32(uint64_t page, const char *sym, uint32_t v)
{
    uint64_t off = (uint64_t)(sym - smp_tramp_start);
    *(volatile uint32_t *)(uintptr_t)(page + off) = v;
}

int smp_start_aps(const struct kqvm_boot_info *bi, smp_ap_fn fn, unsigned timeout_ms)
{
    unsigned n = bi->ncpus;
    if (n <= 1)
        return 0;
    if (n > SMP_MAX_CPUS) {
        kprintf("smp: %u vCPUs, starting the first %u only\n", n, SMP_MAX_CPUS);
        n = SMP_MAX_CPUS;
    }
    if (bi->page_tables >= 0x100000000ull || (bi->page_tables & 0xfff)) {
        kprintf("smp: boot page tables at 0x%lx: the trampoline needs them 4 KiB-aligned below "
                "4 GiB\n",
                bi->page_tables);
        return -1;
    }
    uint64_t page = find_trampoline_page(bi);
    if (!page) {
        kprintf("smp: no free RAM page below 1 MiB for the AP trampoline\n");
        return -1;
    }

    size_t len = (size_t)(smp_tramp_end - smp_tramp_start);
    memcpy((void *)(uintptr_t)page, smp_tramp_start, len);
    patch32(page, smp_tramp_gdtr_base, (uint32_t)(page + smp_tramp_off_gdt));
    patch32(page, smp_tramp_far32, (uint32_t)(page + smp_tramp_off_32));
    patch32(page, smp_tramp_far64, (uint32_t)(page + smp_tramp_off_64));
    patch32(page, smp_tramp_cr3, (uint32_t)bi->page_tables);
    *(volatile uint64_t *)(uintptr_t)(page + (uint64_t)(smp_tramp_entry - smp_tramp_start)) =
        (uint64_t)(uintptr_t)smp_ap_entry64;
    volatile uint32_t *alive =
        (volatile uint32_t *)(uintptr_t)(page + (uint64_t)(smp_tramp_alive - smp_tramp_start));
    *alive = 0;

    ap_fn = fn;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);

    /* software-enable the local APIC (spurious vector 0xff) */
    lapic_write(LAPIC_SVR, lapic_read(LAPIC_SVR) | 0x1ff);

    unsigned self = smp_apic_id();
    for (unsigned id = 0; id < n; id++)
        if (id != self)
            send_ipi(id, ICR_INIT);
    delay_us(10000);

    /* one AP at a time: STARTUP, and a second one if the AP has not reached
     * the trampoline's first instructions (the alive count) after 200 us */
    uint32_t vector = (uint32_t)(page >> 12);
    uint32_t started = 0;
    for (unsigned id = 0; id < n; id++) {
        if (id == self)
            continue;
        started++;
        send_ipi(id, ICR_STARTUP | vector);
        uint64_t d = tsc_deadline_us(200);
        while (*alive < started && !tsc_expired(d))
            pause();
        if (*alive < started) {
            send_ipi(id, ICR_STARTUP | vector);
            d = tsc_deadline_us(100000);
            while (*alive < started && !tsc_expired(d))
                pause();
        }
    }

    uint64_t d = tsc_deadline_us((uint64_t)timeout_ms * 1000);
    while (smp_aps_online() < n - 1 && !tsc_expired(d))
        pause();
    return (int)smp_aps_online();
}

int smp_wait_done(unsigned n, unsigned timeout_ms)
{
    uint64_t d = tsc_deadline_us((uint64_t)timeout_ms * 1000);
    while (smp_aps_done() < n && !tsc_expired(d))
        pause();
    return smp_aps_done() >= n;
}
