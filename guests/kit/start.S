/* Entry point of a kqvm direct-entry guest (docs/guest-abi.md).
 * In:  64-bit mode, CPL 0, RDI = GPA of struct kqvm_boot_info, interrupts off.
 * Sets a stack in the image, zeroes .bss, runs kit_init(bi) (UART, GDT, IDT)
 * and then kmain(bi). If kmain returns, powers off. */
    .section .text.start, "ax", @progbits
    .code64
    .globl _start
    .type _start, @function
_start:
    cli
    cld
    movq    %rdi, %r12              /* boot info: callee-saved across the calls */
    leaq    boot_stack_top(%rip), %rsp
    xorl    %ebp, %ebp

    leaq    __bss_start(%rip), %rdi /* zero .bss */
    leaq    __bss_end(%rip), %rcx
    subq    %rdi, %rcx
    shrq    $3, %rcx                /* both ends are 16-byte aligned */
    xorl    %eax, %eax
    rep stosq

    movq    %r12, %rdi
    call    kit_init
    movq    %r12, %rdi
    call    kmain
    call    power_off               /* kmain returned */
1:  cli
    hlt
    jmp     1b
    .size _start, . - _start

    .section .noinit, "aw", @nobits
    .balign 16
    .globl boot_stack, boot_stack_top
boot_stack:
    .skip 16384
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
