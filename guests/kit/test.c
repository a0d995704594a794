#include "test.h"

#include "irq.h"

unsigned test_failures;

void test_fail(const char *name, const char *fmt, ...)
{
    char why[192];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    __atomic_fetch_add(&test_failures, 1, __ATOMIC_RELAXED);
    kprintf("KQVM-TEST: FAIL %s: %s\n", name, why);
}

void test_skip(const char *name, const char *fmt, ...)
{
    char why[192];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    kprintf("KQVM-TEST: SKIP %s: %s\n", name, why);
}

void test_note_host(void)
{
    if (irq_redelivered)
        kprintf("kit: %u interrupt(s) delivered a second time into code running with interrupts "
                "off were ignored (a host bug, see kit/irq.c)\n", irq_redelivered);
}
