/* Run a function at CPL 3 and come back.
 *
 * user_call(fn, arg, flags) switches to CPL 3 (CS 0x23, SS 0x1b) with iretq,
 * on a stack of its own, calls fn(arg) there, and returns fn's result once fn
 * returns: the CPL-3 side then executes "int $USER_RETURN_VECTOR" through a
 * DPL-3 gate, whose entry (at CPL 0, on the TSS's RSP0 stack) restores the
 * caller's registers and stack. With USER_IOPL3, the user code runs with
 * RFLAGS.IOPL = 3 and may use in/out (and cli/sti); without it, in/out at
 * CPL 3 raise #GP. Interrupts stay disabled (RFLAGS.IF = 0) either way.
 *
 * An exception at CPL 3 goes to the kit's handlers as usual (report and
 * power off, unless a handler is installed). Boot vCPU only: there is one
 * TSS. Not reentrant.
 *
 * Why: on some hosts (KVM's PVM backend) guest CPL-0 code goes through an
 * instruction emulator; heavy loops belong at CPL 3, which runs natively. */
#ifndef KIT_USER_H
#define KIT_USER_H

#include <stdint.h>

#define USER_RETURN_VECTOR 0x80
#define USER_IOPL3         0x1u
#define USER_STACK_SIZE    65536

typedef uint64_t (*user_fn)(void *arg);

/* Loads the TSS and installs the return gate; user_call does it on first use. */
void user_init(void);
/* fn(arg) at CPL 3 on the kit's user stack (USER_STACK_SIZE bytes). */
uint64_t user_call(user_fn fn, void *arg, unsigned flags);
/* The same on a stack of the caller's (stack_top is rounded down to 16). */
uint64_t user_call_stack(user_fn fn, void *arg, void *stack_top, unsigned flags);

#endif
