/* A 64 KiB qemu -bios image (guests/qemu/run.sh): from the reset vector,
 * real mode -> 32-bit protected mode -> long mode, then kqvm's direct-entry
 * state (docs/guest-abi.md) for a boot data area at B = 0x1000, which
 * mkboot.py wrote and run.sh loads with -device loader: CR3 = B, GDTR =
 * B + 0x6000 (limit 23), RSP = B + 0xf000, RDI = B + 0x7000, RFLAGS = 2,
 * other GPRs 0, and a jump to 0x100000 (the kit links _start there).
 * Application processors are not touched: they wait for INIT/SIPI.
 * Linked at 0xf0000 (qemu maps the last 64 KiB of the BIOS there). */
    .code16
    .text
    .globl _start
_start:
    cli
    cld
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl %cs:(gdtr - 0xf0000)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x18, $pm32
    .code32
pm32:
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl $0x620, %eax
    movl %eax, %cr4
    movl $0x1000, %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $0x100, %eax
    wrmsr
    movl $0x80010033, %eax
    movl %eax, %cr0
    ljmpl $0x08, $lm64
    .code64
lm64:
    lgdt bootgdtr(%rip)
    movl $0x10, %eax
    movl %eax, %ds
    movl %eax, %es
    movl %eax, %ss
    movl %eax, %fs
    movl %eax, %gs
    movq $0x10000, %rsp
    movq $0x8000, %rdi
    xorl %eax, %eax
    xorl %ebx, %ebx
    xorl %ecx, %ecx
    xorl %edx, %edx
    xorl %esi, %esi
    xorl %ebp, %ebp
    pushq $2
    popfq
    pushq $0x100000             /* RSP is back at B + 0xf000 after the ret */
    ret

    .balign 8
gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
    .quad 0x00cf9a000000ffff
gdtr:
    .word 31
    .long gdt
bootgdtr:
    .word 23
    .quad 0x7000

    .org 0xfff0
    .code16
reset:
    ljmp $0xf000, $(_start - 0xf0000)
    .org 0x10000
