/* test_smp: vCPU 0 starts the others with INIT + STARTUP IPIs; each prints
 * "vcpu <n> reporting" and checks in; vCPU 0 waits (5 s) for all ncpus.
 * Checks: smp.ncpus (at least 2 vCPUs configured), smp.checkin (every APIC
 * ID 0..ncpus-1 checked in, once). */
#include "io.h"
#include "kit.h"
#include "smp.h"
#include "test.h"
#include "tsc.h"

#define TIMEOUT_MS 5000

static volatile uint64_t checked_in; /* bit per APIC ID */
static volatile unsigned checkins;

static void check_in(unsigned apic_id)
{
    kprintf("vcpu %u reporting\n", apic_id);
    if (apic_id < 64)
        __atomic_fetch_or(&checked_in, 1ull << apic_id, __ATOMIC_ACQ_REL);
    __atomic_fetch_add(&checkins, 1, __ATOMIC_ACQ_REL);
}

void kmain(const struct kqvm_boot_info *bi)
{
    unsigned n = bi->ncpus;
    kprintf("test_smp: %u vCPUs\n", n);
    if (n < 2) {
        TEST_FAIL("smp.ncpus", "%u vCPU(s) configured; this test needs 2 or more", n);
        TEST_DONE();
    }
    TEST_PASS("smp.ncpus");
    if (n > SMP_MAX_CPUS) {
        kprintf("test_smp: testing the first %u vCPUs only\n", SMP_MAX_CPUS);
        n = SMP_MAX_CPUS;
    }

    check_in(smp_apic_id());
    int up = smp_start_aps(bi, check_in, TIMEOUT_MS);
    if (up < 0) {
        TEST_FAIL("smp.checkin", "could not set up the AP trampoline");
        TEST_DONE();
    }
    uint64_t want = n == 64 ? ~0ull : (1ull << n) - 1;
    uint64_t d = tsc_deadline_us((uint64_t)TIMEOUT_MS * 1000);
    while ((checked_in != want || checkins < n) && !tsc_expired(d))
        pause();
    uint64_t got = checked_in;
    unsigned count = checkins;
    TEST_CHECK("smp.checkin", got == want && count == n,
               "%u of %u vCPUs checked in within %u ms (APIC ID mask 0x%lx, want 0x%lx)", count, n,
               TIMEOUT_MS, got, want);
    TEST_DONE();
}
