/* The AP trampoline, copied at run time to a page below 1 MiB (smp.c), and
 * the 64-bit entry it ends in.
 *
 * A STARTUP IPI with vector V starts the AP in real mode at CS = V << 8,
 * IP = 0. The code only uses offsets from smp_tramp_start: in real mode
 * through CS/DS, in protected and long mode through EBX = the page's linear
 * address. smp.c fills the data block at the end (GDTR base, far pointers,
 * CR3, the 64-bit entry) before sending the IPIs. */
#define OFF(x) ((x) - smp_tramp_start)

    .section .rodata.trampoline, "a", @progbits
    .balign 16
    .globl smp_tramp_start, smp_tramp_end
    .globl smp_tramp_gdtr_base, smp_tramp_far32, smp_tramp_far64
    .globl smp_tramp_cr3, smp_tramp_entry, smp_tramp_alive

    .code16
smp_tramp_start:
    cli
    cld
    movw    %cs, %ax
    movw    %ax, %ds
    lock incl OFF(smp_tramp_alive)  /* tells the BSP the SIPI arrived */
    movzwl  %ax, %ebx
    shll    $4, %ebx                /* EBX = linear address of this page */
    lgdtl   OFF(smp_tramp_gdtr)
    movl    %cr0, %eax
    orl     $1, %eax                /* PE */
    movl    %eax, %cr0
    ljmpl   *OFF(smp_tramp_far32)   /* to tramp32, CS 0x18 */

    .code32
tramp32:
    movl    $0x10, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movl    $0x620, %eax            /* CR4: PAE, OSFXSR, OSXMMEXCPT, as on the BSP */
    movl    %eax, %cr4
    movl    OFF(smp_tramp_cr3)(%ebx), %eax
    movl    %eax, %cr3
    movl    $0xc0000080, %ecx       /* EFER.LME */
    rdmsr
    orl     $0x100, %eax
    wrmsr
    movl    $0x80010033, %eax       /* CR0: PG, WP, NE, ET, MP, PE (CD, NW clear) */
    movl    %eax, %cr0
    ljmpl   *OFF(smp_tramp_far64)(%ebx) /* to tramp64, CS 0x08 */

    .code64
tramp64:
    movl    %ebx, %ebx              /* upper half of RBX is not defined here */
    movl    $0x10, %eax
    movl    %eax, %ds
    movl    %eax, %es
    movl    %eax, %ss
    movq    OFF(smp_tramp_entry)(%rbx), %rax
    jmp     *%rax                   /* smp_ap_entry64, in the image */

    .balign 8
smp_tramp_gdt:
    .quad   0
    .quad   0x00af9a000000ffff      /* 0x08: 64-bit code */
    .quad   0x00cf92000000ffff      /* 0x10: data */
    .quad   0x00cf9a000000ffff      /* 0x18: 32-bit code */
smp_tramp_gdt_end:
smp_tramp_gdtr:
    .word   smp_tramp_gdt_end - smp_tramp_gdt - 1
smp_tramp_gdtr_base:
    .long   0                       /* page + OFF(smp_tramp_gdt) */
    .balign 8
smp_tramp_far32:
    .long   0                       /* page + OFF(tramp32) */
    .word   0x18
    .balign 8
smp_tramp_far64:
    .long   0                       /* page + OFF(tramp64) */
    .word   0x08
    .balign 8
smp_tramp_cr3:
    .long   0                       /* boot info page_tables */
    .long   0
smp_tramp_entry:
    .quad   0                       /* smp_ap_entry64 */
smp_tramp_alive:
    .long   0                       /* incremented by each AP on arrival */
    .balign 8
smp_tramp_end:

    /* offsets smp.c patches */
    .section .rodata
    .balign 8
    .globl smp_tramp_off_gdt, smp_tramp_off_32, smp_tramp_off_64
smp_tramp_off_gdt:  .quad OFF(smp_tramp_gdt)
smp_tramp_off_32:   .quad OFF(tramp32)
smp_tramp_off_64:   .quad OFF(tramp64)

/* 64-bit entry in the image: stack by APIC ID, then smp_ap_main(apic_id). */
    .text
    .globl smp_ap_entry64
    .type smp_ap_entry64, @function
smp_ap_entry64:
    movl    $0xfee00020, %eax       /* xAPIC ID register */
    movl    (%rax), %edi
    shrl    $24, %edi
    cmpl    $64, %edi               /* SMP_MAX_CPUS */
    jae     2f
    leal    1(%edi), %eax
    imulq   $8192, %rax, %rax       /* SMP_STACK_SIZE */
    leaq    smp_stacks(%rip), %rsp
    addq    %rax, %rsp
    xorl    %ebp, %ebp
    call    smp_ap_main
2:  cli
    hlt
    jmp     2b
    .size smp_ap_entry64, . - smp_ap_entry64

    .section .note.GNU-stack, "", @progbits
