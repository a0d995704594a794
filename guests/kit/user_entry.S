/* CPL 0 -> CPL 3 -> CPL 0 (see user.h).
 *
 * uint64_t user_enter(user_fn fn, void *arg, void *stack_top, uint64_t rflags)
 * Saves the callee-saved registers on the kernel stack, points TSS.RSP0 just
 * below them (16-byte aligned), and irets to user_trampoline at CPL 3. The
 * trampoline calls fn(arg) and executes int $0x80; user_return_entry, the
 * target of that DPL-3 gate, finds the saved registers right above the
 * 40-byte interrupt frame the CPU pushed at RSP0, and returns to
 * user_enter's caller with fn's result in RAX. */
    .text
    .code64

    .globl user_enter
    .type user_enter, @function
user_enter:
    pushq   %rbp
    pushq   %rbx
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    subq    $8, %rsp                /* RSP is now 16-byte aligned */
    movq    %rsp, kit_tss+4(%rip)   /* TSS.RSP0 */

    andq    $-16, %rdx
    pushq   $0x1b                   /* SS: user data, RPL 3 */
    pushq   %rdx                    /* RSP */
    pushq   %rcx                    /* RFLAGS */
    pushq   $0x23                   /* CS: user code, RPL 3 */
    leaq    user_trampoline(%rip), %rax
    pushq   %rax                    /* RIP */
    movq    %rdi, %rax
    movq    %rsi, %rdi              /* rdi = arg */
    movq    %rax, %rsi              /* rsi = fn */
    xorl    %eax, %eax
    xorl    %ebx, %ebx
    xorl    %ebp, %ebp
    xorl    %edx, %edx
    xorl    %ecx, %ecx
    iretq
    .size user_enter, . - user_enter

    .type user_trampoline, @function
user_trampoline:                    /* CPL 3, RSP 16-byte aligned */
    call    *%rsi
    int     $0x80                   /* USER_RETURN_VECTOR, result in RAX */
    ud2
    .size user_trampoline, . - user_trampoline

    .globl user_return_entry
    .type user_return_entry, @function
user_return_entry:                  /* CPL 0, RSP = TSS.RSP0 - 40 */
    addq    $40, %rsp               /* drop RIP, CS, RFLAGS, RSP, SS */
    movl    $0x10, %ecx
    movl    %ecx, %ds
    movl    %ecx, %es
    movl    %ecx, %ss
    addq    $8, %rsp
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %rbx
    popq    %rbp
    ret
    .size user_return_entry, . - user_return_entry

    .section .note.GNU-stack, "", @progbits
