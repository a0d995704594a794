/* test_triple: prints "test_triple: faulting", loads an IDT with limit 0 and
 * executes ud2: #UD cannot be delivered (#GP), neither can #GP (#DF), nor
 * #DF: the vCPU shuts down and kqvm ends with status 4. */
#include "io.h"
#include "kit.h"
#include "test.h"

void kmain(const struct kqvm_boot_info *bi)
{
    (void)bi;
    kprintf("test_triple: faulting\n");
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = { 0, 0 };
    __asm__ volatile("lidt %0\n\t"
                     "ud2"
                     :
                     : "m"(idtr)
                     : "memory");
    /* not reached: the IDT is gone, so no handler can report this */
    TEST_FAIL("triple", "ud2 with an empty IDT did not shut the vCPU down");
    TEST_DONE();
}
