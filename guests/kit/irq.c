#include "irq.h"

#include <stddef.h>

#include "lapic.h"
#include "pic.h"

struct irq_slot {
    irq_fn fn;
    void *arg;
    enum irq_eoi eoi;
    unsigned pic_irq;
    volatile unsigned count;
};

static struct irq_slot slots[256];
static volatile int skip_eoi;
volatile unsigned irq_spurious_lapic, irq_spurious_pic, irq_redelivered;

#define RFLAGS_IF (1u << 9)

static void dispatch(struct idt_frame *f)
{
    struct irq_slot *s = &slots[f->vector & 0xff];
    /* A device interrupt cannot arrive while interrupts are off: a frame that
     * says one did is an interrupt delivered a second time by the layers
     * under the guest (seen with nested SVM under QEMU's TCG, the test
     * sandbox: an exit in the first instructions of the handler makes the L1
     * hypervisor inject the interrupt it had already delivered). The handler
     * that this one interrupted ends it; count it, and do nothing else. */
    if (!(f->rflags & RFLAGS_IF)) {
        irq_redelivered++;
        return;
    }
    if (s->eoi == IRQ_EOI_PIC && pic_is_spurious(s->pic_irq)) {
        irq_spurious_pic++;
        if (s->pic_irq >= 8)
            pic_eoi(0); /* the master saw a real IRQ 2 */
        return;
    }
    s->count++;
    skip_eoi = 0;
    if (s->fn)
        s->fn(s->arg, f);
    if (skip_eoi)
        return;
    if (s->eoi == IRQ_EOI_LAPIC)
        lapic_eoi();
    else if (s->eoi == IRQ_EOI_PIC)
        pic_eoi(s->pic_irq);
}

static void spurious(struct idt_frame *f)
{
    (void)f;
    irq_spurious_lapic++;
}

void irq_install(uint8_t vector, enum irq_eoi eoi, unsigned pic_irq, irq_fn fn, void *arg)
{
    struct irq_slot *s = &slots[vector];
    idt_set_handler(vector, NULL);
    s->fn = fn;
    s->arg = arg;
    s->eoi = eoi;
    s->pic_irq = pic_irq;
    s->count = 0;
    idt_set_handler(vector, dispatch);
}

void irq_install_lapic(uint8_t vector, irq_fn fn, void *arg)
{
    irq_install(vector, IRQ_EOI_LAPIC, 0, fn, arg);
}

void irq_install_pic(unsigned irq, irq_fn fn, void *arg)
{
    irq_install(pic_vector(irq), IRQ_EOI_PIC, irq, fn, arg);
}

void irq_remove(uint8_t vector)
{
    idt_set_handler(vector, NULL);
    slots[vector].fn = NULL;
}

void irq_install_spurious(uint8_t vector)
{
    idt_set_handler(vector, spurious);
}

void irq_skip_eoi(void)
{
    skip_eoi = 1;
}

unsigned irq_count(uint8_t vector)
{
    return slots[vector].count;
}
