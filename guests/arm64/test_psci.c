/* test_psci: PSCI CPU_ON starts vCPU 1 (psci.cpu_on, psci.secondary: it
 * runs with its context id), AFFINITY_INFO says it is on, a second CPU_ON is
 * refused (ALREADY_ON); then SYSTEM_OFF (status 0), or with `reset=1`
 * SYSTEM_RESET. */
#include "kit.h"

static volatile uint64_t up[4];

void secondary_main(uint64_t index)
{
    if (index < 4)
        up[index] = 0x600d0000 + index;
    dsb();
    for (;;)
        wfi();
}

void kmain(void)
{
    int64_t r = psci_cpu_on(1, 1);
    TEST_CHECK("psci.cpu_on", r == 0, "CPU_ON returned %ld", r);
    uint64_t end = timer_now() + 10 * timer_freq();
    while (up[1] != 0x600d0001 && timer_now() < end)
        ;
    kprintf("test_psci: vcpu 1 reports %lx\n", up[1]);
    TEST_CHECK("psci.secondary", up[1] == 0x600d0001, "vCPU 1 did not run (%lx)", up[1]);
    TEST_CHECK("psci.affinity", psci_affinity_info(1) == 0, "AFFINITY_INFO %ld",
               psci_affinity_info(1));
    r = psci_cpu_on(1, 1);
    TEST_CHECK("psci.already_on", r == -4, "second CPU_ON returned %ld", r);
    if (arg_u64("reset", 0)) {
        kprintf("test_psci: SYSTEM_RESET\n");
        psci_system_reset();
    }
}
