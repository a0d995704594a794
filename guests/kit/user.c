#include "user.h"

#include "gdt.h"
#include "idt.h"

static uint8_t user_stack[USER_STACK_SIZE] __attribute__((section(".noinit"), aligned(16)));
static int user_ready;

uint64_t user_enter(user_fn fn, void *arg, void *stack_top, uint64_t rflags);
void user_return_entry(void);

void user_init(void)
{
    if (user_ready)
        return;
    tss_init();
    idt_set_raw_gate(USER_RETURN_VECTOR, user_return_entry, 3);
    user_ready = 1;
}

uint64_t user_call_stack(user_fn fn, void *arg, void *stack_top, unsigned flags)
{
    user_init();
    uint64_t rflags = 0x2; /* IF = 0 */
    if (flags & USER_IOPL3)
        rflags |= 0x3000;
    return user_enter(fn, arg, stack_top, rflags);
}

uint64_t user_call(user_fn fn, void *arg, unsigned flags)
{
    return user_call_stack(fn, arg, user_stack + sizeof(user_stack), flags);
}
