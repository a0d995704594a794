/* The local APIC in xAPIC mode (MMIO, 0xfee00000 unless the MADT says
 * otherwise). KVM emulates it in the kernel, under kqvm in both irqchip
 * modes. One plain 32-bit MOV per register access. */
#ifndef KIT_LAPIC_H
#define KIT_LAPIC_H

#include <stdint.h>

#define LAPIC_DEFAULT_BASE 0xfee00000u

/* register offsets */
#define LAPIC_REG_ID      0x020
#define LAPIC_REG_VERSION 0x030
#define LAPIC_REG_TPR     0x080
#define LAPIC_REG_PPR     0x0a0
#define LAPIC_REG_EOI     0x0b0
#define LAPIC_REG_LDR     0x0d0
#define LAPIC_REG_DFR     0x0e0
#define LAPIC_REG_SVR     0x0f0
#define LAPIC_REG_ISR     0x100 /* 8 registers, 0x10 apart */
#define LAPIC_REG_TMR     0x180
#define LAPIC_REG_IRR     0x200
#define LAPIC_REG_ESR     0x280
#define LAPIC_REG_ICR_LO  0x300
#define LAPIC_REG_ICR_HI  0x310
#define LAPIC_REG_LVT_TIMER 0x320
#define LAPIC_REG_LVT_THERMAL 0x330
#define LAPIC_REG_LVT_PERF  0x340
#define LAPIC_REG_LVT_LINT0 0x350
#define LAPIC_REG_LVT_LINT1 0x360
#define LAPIC_REG_LVT_ERROR 0x370
#define LAPIC_REG_TIMER_INIT 0x380
#define LAPIC_REG_TIMER_CUR  0x390
#define LAPIC_REG_TIMER_DIV  0x3e0

#define LAPIC_SVR_ENABLE   (1u << 8)
#define LAPIC_SVR_NO_EOI_BROADCAST (1u << 12)
#define LAPIC_LVT_MASKED   (1u << 16)
#define LAPIC_LVT_LEVEL    (1u << 15)
#define LAPIC_LVT_REMOTE_IRR (1u << 14)
#define LAPIC_LVT_ACTIVE_LOW (1u << 13)
#define LAPIC_LVT_PENDING  (1u << 12)
#define LAPIC_DM_FIXED     (0u << 8)
#define LAPIC_DM_NMI       (4u << 8)
#define LAPIC_DM_EXTINT    (7u << 8)
#define LAPIC_TIMER_PERIODIC (1u << 17)
#define LAPIC_TIMER_TSC_DEADLINE (2u << 17)

/* Where the registers are (default LAPIC_DEFAULT_BASE; from the MADT). */
void lapic_set_base(uint64_t base);
uint64_t lapic_base(void);
uint32_t lapic_read(unsigned reg);
void lapic_write(unsigned reg, uint32_t v);

/* Software-enables the local APIC: SVR = enable | spurious_vector (EOI
 * broadcast on), TPR = 0, and the LVT entries masked (LINT0, LINT1, timer,
 * error, and thermal/perf if present) unless keep_lvts. */
void lapic_enable(uint8_t spurious_vector, int keep_lvts);
void lapic_disable(void);
void lapic_eoi(void);
void lapic_set_tpr(uint8_t tpr);
uint8_t lapic_get_tpr(void);
/* APIC ID (bits 24-31 of the ID register). */
unsigned lapic_id(void);
/* Version register: bits 0-7 version, 16-23 max LVT entry. */
uint32_t lapic_version(void);
/* Masks every LVT entry. */
void lapic_mask_lvts(void);
/* LINT0 in ExtINT mode (the 8259's INTR), unmasked; or masked. */
void lapic_lint0_extint(int enable);
/* LINT1 in NMI mode (as the MADT's local APIC NMI entry describes), unmasked. */
void lapic_lint1_nmi(void);
/* Bit `vector` of the ISR / IRR / TMR (8 x 32-bit registers). */
int lapic_isr_bit(uint8_t vector);
int lapic_irr_bit(uint8_t vector);
int lapic_tmr_bit(uint8_t vector);

/* The LAPIC timer: divide by 1, initial count `count`, one-shot or
 * periodic, at `vector`. count 0 stops it. */
void lapic_timer_start(uint8_t vector, uint32_t count, int periodic);
void lapic_timer_stop(void);
uint32_t lapic_timer_current(void);

#endif
