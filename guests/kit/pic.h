/* The PC's 8259A pair: master at io:0x20/0x21, slave at io:0xa0/0xa1 on the
 * master's IR2, ELCR at io:0x4d0 (IRQs 0-7) and io:0x4d1 (8-15). IRQs are
 * 0-15 (8-15 on the slave). The pair's INTR goes to the local APIC's LINT0,
 * which must be in ExtINT mode (lapic_lint0_extint) for the CPU to take
 * 8259 interrupts; those are not in the local APIC's ISR, so they need an
 * 8259 EOI only. */
#ifndef KIT_PIC_H
#define KIT_PIC_H

#include <stdint.h>

#define PIC_MASTER_CMD  0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD   0xa0
#define PIC_SLAVE_DATA  0xa1
#define PIC_ELCR_MASTER 0x4d0
#define PIC_ELCR_SLAVE  0x4d1
#define PIC_CASCADE_IRQ 2

/* ICW1-ICW4 (edge, cascade, 8086 mode, normal EOI) with the master's
 * vectors at master_base..+7 and the slave's at slave_base..+7 (multiples
 * of 8); every IRQ masked afterwards except the cascade (IRQ 2) when the
 * slave is used. with_slave = 0 leaves io:0xa0/0xa1 alone (no slave
 * configured). The ELCR is not touched. */
void pic_init(uint8_t master_base, uint8_t slave_base, int with_slave);
/* The vector of an IRQ (after pic_init). */
uint8_t pic_vector(unsigned irq);
/* OCW1: the mask registers (bit n = IRQ n masked; 8-15 on the slave). */
void pic_set_mask(uint16_t mask);
uint16_t pic_get_mask(void);
void pic_mask(unsigned irq);
/* Unmasks irq (and the cascade, for a slave IRQ). */
void pic_unmask(unsigned irq);
/* OCW2: non-specific EOI (slave then master for IRQs 8-15). */
void pic_eoi(unsigned irq);
/* OCW2: specific EOI for irq (the slave's, then IRQ 2 on the master). */
void pic_eoi_specific(unsigned irq);
/* OCW3: the in-service and request registers of both chips. */
uint16_t pic_read_isr(void);
uint16_t pic_read_irr(void);
/* ELCR: bit n = IRQ n level-triggered. */
void pic_set_elcr(uint16_t elcr);
uint16_t pic_get_elcr(void);
/* Sets one IRQ's ELCR bit (level) or clears it (edge). */
void pic_set_trigger(unsigned irq, int level);
/* Nonzero if irq's vector, taken now, is a spurious IRQ 7/15 (the ISR bit
 * is clear). For IRQs other than 7 and 15, always 0. */
int pic_is_spurious(unsigned irq);

#endif
