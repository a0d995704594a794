/* Entry (kqvm's arm64 boot state): EL1h, MMU off, DAIF masked, x0 = the
 * device tree. The boot vCPU takes stack 0, installs the vectors, zeroes .bss
 * and calls kit_main(fdt). Secondary vCPUs enter at secondary_entry (PSCI
 * CPU_ON) with x0 = their index and run secondary_main(index). */
    .section .text.start, "ax"
    .global _start
_start:
    mov x19, x0
    adrp x1, __stack_top
    add x1, x1, :lo12:__stack_top
    mov sp, x1
    adrp x1, vectors
    add x1, x1, :lo12:vectors
    msr vbar_el1, x1
    isb
    adrp x1, __bss_start
    add x1, x1, :lo12:__bss_start
    adrp x2, __bss_end
    add x2, x2, :lo12:__bss_end
1:  cmp x1, x2
    b.hs 2f
    str xzr, [x1], #8
    b 1b
2:  mov x0, x19
    bl kit_main
3:  wfi
    b 3b

    .global secondary_entry
secondary_entry:
    /* stack: __stack_top - index * 16 KiB */
    adrp x1, __stack_top
    add x1, x1, :lo12:__stack_top
    lsl x2, x0, #14
    sub x1, x1, x2
    mov sp, x1
    adrp x1, vectors
    add x1, x1, :lo12:vectors
    msr vbar_el1, x1
    isb
    bl secondary_main
4:  wfi
    b 4b

/* Exception vectors: IRQs from the current EL go to kit_irq(); anything
 * else reports itself and powers off. */
.macro save
    sub sp, sp, #256
    stp x0, x1, [sp, #0]
    stp x2, x3, [sp, #16]
    stp x4, x5, [sp, #32]
    stp x6, x7, [sp, #48]
    stp x8, x9, [sp, #64]
    stp x10, x11, [sp, #80]
    stp x12, x13, [sp, #96]
    stp x14, x15, [sp, #112]
    stp x16, x17, [sp, #128]
    stp x18, x30, [sp, #144]
    mrs x0, elr_el1
    mrs x1, spsr_el1
    stp x0, x1, [sp, #160]
.endm
.macro restore
    ldp x0, x1, [sp, #160]
    msr elr_el1, x0
    msr spsr_el1, x1
    ldp x0, x1, [sp, #0]
    ldp x2, x3, [sp, #16]
    ldp x4, x5, [sp, #32]
    ldp x6, x7, [sp, #48]
    ldp x8, x9, [sp, #64]
    ldp x10, x11, [sp, #80]
    ldp x12, x13, [sp, #96]
    ldp x14, x15, [sp, #112]
    ldp x16, x17, [sp, #128]
    ldp x18, x30, [sp, #144]
    add sp, sp, #256
    eret
.endm
.macro other kind
    .balign 0x80
    mov x9, #\kind      /* an entry holds 32 instructions: the work is below */
    b exception
.endm

    .balign 0x800
vectors:
    other 0     /* current EL, SP0: sync */
    other 1
    other 2
    other 3
    other 4     /* current EL, SPx: sync */
    .balign 0x80
    b irq       /* current EL, SPx: IRQ */
    other 6
    other 7
    other 8
    other 9
    other 10
    other 11
    other 12
    other 13
    other 14
    other 15

irq:
    save
    bl kit_irq
    restore

exception:
    save
    mov x0, x9
    mrs x1, esr_el1
    mrs x2, elr_el1
    mrs x3, far_el1
    bl kit_exception
    restore
