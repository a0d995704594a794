/* test_ram: pattern tests over every RAM region of the boot info memory map,
 * except the guest image and kqvm's boot data area. The loops run at CPL 3
 * (user_call); CPL 0 only plans the work and prints.
 *
 * Patterns, each written over the whole range and then read back:
 *   address-in-address  each 64-bit word holds its own address
 *   0x55                0x5555555555555555
 *   0xaa                0xaaaaaaaaaaaaaaaa
 *   walking ones        word i holds 1 << (i % 64); plus, on the first word
 *                       of each range, each of the 64 single-bit values
 * RAM above 4 GiB is not mapped by the boot page tables and is skipped (said
 * so on the console). */
#include "kit.h"
#include "test.h"
#include "user.h"

#define FOUR_GIB 0x100000000ull

enum { PAT_ADDR, PAT_55, PAT_AA, PAT_WALK, NPAT };
static const char *const pat_name[NPAT] = { "ram.address", "ram.pattern55", "ram.patternaa",
                                            "ram.walking1" };

struct ram_job {
    uint64_t start, end; /* 8-byte aligned */
    /* per pattern: mismatching words, and the first one */
    uint64_t errors[NPAT];
    uint64_t bad_addr[NPAT], bad_want[NPAT], bad_got[NPAT];
};

static struct ram_job job;
static uint64_t errors[NPAT];
static uint64_t first_addr[NPAT], first_want[NPAT], first_got[NPAT];

static inline uint64_t pattern(int pat, uint64_t addr, uint64_t start)
{
    switch (pat) {
    case PAT_ADDR:
        return addr;
    case PAT_55:
        return 0x5555555555555555ull;
    case PAT_AA:
        return 0xaaaaaaaaaaaaaaaaull;
    default:
        return 1ull << (((addr - start) >> 3) & 63);
    }
}

static void record(struct ram_job *j, int pat, uint64_t addr, uint64_t want, uint64_t got)
{
    if (j->errors[pat]++ == 0) {
        j->bad_addr[pat] = addr;
        j->bad_want[pat] = want;
        j->bad_got[pat] = got;
    }
}

/* CPL 3 */
static uint64_t ram_user(void *arg)
{
    struct ram_job *j = arg;
    volatile uint64_t *const first = (volatile uint64_t *)(uintptr_t)j->start;
    volatile uint64_t *const end = (volatile uint64_t *)(uintptr_t)j->end;

    for (int pat = 0; pat < NPAT; pat++) {
        for (volatile uint64_t *p = first; p < end; p++)
            *p = pattern(pat, (uint64_t)(uintptr_t)p, j->start);
        for (volatile uint64_t *p = first; p < end; p++) {
            uint64_t want = pattern(pat, (uint64_t)(uintptr_t)p, j->start);
            uint64_t got = *p;
            if (got != want)
                record(j, pat, (uint64_t)(uintptr_t)p, want, got);
        }
    }
    /* walking ones through all 64 bits of one word */
    for (int bit = 0; bit < 64; bit++) {
        uint64_t want = 1ull << bit;
        *first = want;
        uint64_t got = *first;
        if (got != want)
            record(j, PAT_WALK, j->start, want, got);
    }
    return 0;
}

static uint64_t tested_bytes;
static unsigned nranges;

static void test_range(uint64_t start, uint64_t end)
{
    start = (start + 7) & ~7ull;
    end &= ~7ull;
    if (end <= start)
        return;
    kprintf("test_ram: 0x%09lx-0x%09lx (%lu KiB)\n", start, end - 1, (end - start) >> 10);
    job = (struct ram_job){ .start = start, .end = end };
    user_call(ram_user, &job, 0);
    for (int pat = 0; pat < NPAT; pat++) {
        if (job.errors[pat] && !errors[pat]) {
            first_addr[pat] = job.bad_addr[pat];
            first_want[pat] = job.bad_want[pat];
            first_got[pat] = job.bad_got[pat];
        }
        errors[pat] += job.errors[pat];
    }
    tested_bytes += end - start;
    nranges++;
}

/* [start, end) minus the excluded ranges (sorted, disjoint). */
static void test_outside(uint64_t start, uint64_t end, const uint64_t (*ex)[2], int nex)
{
    for (int i = 0; i < nex && start < end; i++) {
        if (ex[i][1] <= start || ex[i][0] >= end)
            continue;
        if (ex[i][0] > start)
            test_range(start, ex[i][0]);
        start = ex[i][1];
    }
    if (start < end)
        test_range(start, end);
}

void kmain(const struct kqvm_boot_info *bi)
{
    uint64_t area = kqvm_boot_area(bi);
    uint64_t img0 = (uint64_t)(uintptr_t)__image_start, img1 = (uint64_t)(uintptr_t)__image_end;
    uint64_t ex[2][2] = { { area, area + KQVM_BOOT_AREA_SIZE }, { img0, img1 } };
    if (ex[0][0] > ex[1][0]) {
        uint64_t t0 = ex[0][0], t1 = ex[0][1];
        ex[0][0] = ex[1][0];
        ex[0][1] = ex[1][1];
        ex[1][0] = t0;
        ex[1][1] = t1;
    }
    kprintf("test_ram: skipping the boot area 0x%lx-0x%lx and the image 0x%lx-0x%lx\n", area,
            area + KQVM_BOOT_AREA_SIZE - 1, img0, img1 - 1);

    uint64_t above = 0;
    for (uint32_t i = 0; i < bi->nmem; i++) {
        const struct kqvm_boot_mem *m = &bi->mem[i];
        if (m->type != KQVM_MEM_RAM)
            continue;
        uint64_t start = m->base, end = m->base + m->length;
        if (end > FOUR_GIB) {
            above += end - (start > FOUR_GIB ? start : FOUR_GIB);
            end = FOUR_GIB;
        }
        if (start < end)
            test_outside(start, end, (const uint64_t(*)[2])ex, 2);
    }
    if (above)
        kprintf("test_ram: not testing %lu MiB above 4 GiB (not identity-mapped)\n", above >> 20);
    kprintf("test_ram: tested %lu KiB in %u ranges\n", tested_bytes >> 10, nranges);

    if (!tested_bytes) {
        TEST_FAIL("ram", "no RAM outside the image and the boot area");
        TEST_DONE();
    }
    for (int pat = 0; pat < NPAT; pat++)
        TEST_CHECK(pat_name[pat], !errors[pat],
                   "%lu bad words, first at 0x%lx: wrote 0x%016lx, read 0x%016lx", errors[pat],
                   first_addr[pat], first_want[pat], first_got[pat]);
    TEST_CHECK("ram", !test_failures, "%u pattern(s) failed", test_failures);
    TEST_DONE();
}
