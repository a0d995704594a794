/* 256 interrupt stubs and the common entry. Each stub pushes a zero error
 * code if the CPU did not push one, then its vector, then jumps to
 * isr_common, which saves the GPRs and calls idt_dispatch(struct idt_frame *). */
    .text
    .code64

    .macro ISR vec
    .balign 16
isr_\vec:
    .if (\vec == 8) || ((\vec >= 10) && (\vec <= 14)) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq   $0
    .endif
    pushq   $\vec
    jmp     isr_common
    .endm

    .balign 16
isr_stubs:
    .altmacro
    .set    vec, 0
    .rept   256
    ISR     %vec
    .set    vec, vec + 1
    .endr

isr_common:
    cld
    pushq   %rax
    pushq   %rbx
    pushq   %rcx
    pushq   %rdx
    pushq   %rsi
    pushq   %rdi
    pushq   %rbp
    pushq   %r8
    pushq   %r9
    pushq   %r10
    pushq   %r11
    pushq   %r12
    pushq   %r13
    pushq   %r14
    pushq   %r15
    movq    %rsp, %rdi              /* 16-byte aligned: 22 qwords below the aligned frame */
    call    idt_dispatch
    popq    %r15
    popq    %r14
    popq    %r13
    popq    %r12
    popq    %r11
    popq    %r10
    popq    %r9
    popq    %r8
    popq    %rbp
    popq    %rdi
    popq    %rsi
    popq    %rdx
    popq    %rcx
    popq    %rbx
    popq    %rax
    addq    $16, %rsp               /* vector, error code */
    iretq

    /* addresses of the stubs, for idt_init */
    .section .rodata
    .balign 8
    .globl isr_stub_table
isr_stub_table:
    .macro ISR_ADDR vec
    .quad   isr_\vec
    .endm
    .set    vec, 0
    .rept   256
    ISR_ADDR %vec
    .set    vec, vec + 1
    .endr

    .section .note.GNU-stack, "", @progbits
