#include "pic.h"

#include "io.h"

#define ICW1_ICW4 0x01
#define ICW1_INIT 0x10
#define ICW4_8086 0x01
#define OCW2_EOI  0x20
#define OCW2_SEOI 0x60
#define OCW3_READ_IRR 0x0a
#define OCW3_READ_ISR 0x0b

static uint8_t bases[2] = { 0x08, 0x70 }; /* the PC BIOS's, until pic_init */
static int have_slave;

void pic_init(uint8_t master_base, uint8_t slave_base, int with_slave)
{
    bases[0] = master_base & 0xf8;
    bases[1] = slave_base & 0xf8;
    have_slave = with_slave;
    outb(PIC_MASTER_CMD, ICW1_INIT | ICW1_ICW4);
    outb(PIC_MASTER_DATA, bases[0]);                  /* ICW2 */
    outb(PIC_MASTER_DATA, with_slave ? 1u << PIC_CASCADE_IRQ : 0); /* ICW3: slave on IR2 */
    outb(PIC_MASTER_DATA, ICW4_8086);
    if (with_slave) {
        outb(PIC_SLAVE_CMD, ICW1_INIT | ICW1_ICW4);
        outb(PIC_SLAVE_DATA, bases[1]);
        outb(PIC_SLAVE_DATA, PIC_CASCADE_IRQ); /* ICW3: slave identity 2 */
        outb(PIC_SLAVE_DATA, ICW4_8086);
        outb(PIC_SLAVE_DATA, 0xff);
    }
    outb(PIC_MASTER_DATA, with_slave ? (uint8_t)~(1u << PIC_CASCADE_IRQ) : 0xff);
}

uint8_t pic_vector(unsigned irq)
{
    return (uint8_t)(bases[irq >= 8] + (irq & 7));
}

void pic_set_mask(uint16_t mask)
{
    outb(PIC_MASTER_DATA, (uint8_t)mask);
    if (have_slave)
        outb(PIC_SLAVE_DATA, (uint8_t)(mask >> 8));
}

uint16_t pic_get_mask(void)
{
    uint16_t m = inb(PIC_MASTER_DATA);
    m |= have_slave ? (uint16_t)(inb(PIC_SLAVE_DATA) << 8) : 0xff00;
    return m;
}

void pic_mask(unsigned irq)
{
    if (irq < 8)
        outb(PIC_MASTER_DATA, inb(PIC_MASTER_DATA) | (uint8_t)(1u << irq));
    else if (have_slave)
        outb(PIC_SLAVE_DATA, inb(PIC_SLAVE_DATA) | (uint8_t)(1u << (irq - 8)));
}

void pic_unmask(unsigned irq)
{
    if (irq < 8) {
        outb(PIC_MASTER_DATA, inb(PIC_MASTER_DATA) & (uint8_t) ~(1u << irq));
    } else if (have_slave) {
        outb(PIC_SLAVE_DATA, inb(PIC_SLAVE_DATA) & (uint8_t) ~(1u << (irq - 8)));
        outb(PIC_MASTER_DATA, inb(PIC_MASTER_DATA) & (uint8_t) ~(1u << PIC_CASCADE_IRQ));
    }
}

void pic_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(PIC_SLAVE_CMD, OCW2_EOI);
    outb(PIC_MASTER_CMD, OCW2_EOI);
}

void pic_eoi_specific(unsigned irq)
{
    if (irq >= 8) {
        outb(PIC_SLAVE_CMD, (uint8_t)(OCW2_SEOI | (irq - 8)));
        outb(PIC_MASTER_CMD, OCW2_SEOI | PIC_CASCADE_IRQ);
    } else {
        outb(PIC_MASTER_CMD, (uint8_t)(OCW2_SEOI | irq));
    }
}

static uint16_t read_ocw3(uint8_t ocw3)
{
    outb(PIC_MASTER_CMD, ocw3);
    uint16_t v = inb(PIC_MASTER_CMD);
    if (have_slave) {
        outb(PIC_SLAVE_CMD, ocw3);
        v |= (uint16_t)(inb(PIC_SLAVE_CMD) << 8);
    }
    return v;
}

uint16_t pic_read_isr(void)
{
    return read_ocw3(OCW3_READ_ISR);
}

uint16_t pic_read_irr(void)
{
    return read_ocw3(OCW3_READ_IRR);
}

void pic_set_elcr(uint16_t elcr)
{
    outb(PIC_ELCR_MASTER, (uint8_t)elcr);
    if (have_slave)
        outb(PIC_ELCR_SLAVE, (uint8_t)(elcr >> 8));
}

uint16_t pic_get_elcr(void)
{
    uint16_t v = inb(PIC_ELCR_MASTER);
    if (have_slave)
        v |= (uint16_t)(inb(PIC_ELCR_SLAVE) << 8);
    return v;
}

void pic_set_trigger(unsigned irq, int level)
{
    uint16_t port = irq < 8 ? PIC_ELCR_MASTER : PIC_ELCR_SLAVE;
    if (irq >= 8 && !have_slave)
        return;
    uint8_t bit = (uint8_t)(1u << (irq & 7));
    uint8_t v = inb(port);
    outb(port, level ? (uint8_t)(v | bit) : (uint8_t)(v & ~bit));
}

int pic_is_spurious(unsigned irq)
{
    if (irq != 7 && irq != 15)
        return 0;
    uint16_t port = irq == 7 ? PIC_MASTER_CMD : PIC_SLAVE_CMD;
    outb(port, OCW3_READ_ISR);
    return !(inb(port) & 0x80);
}
