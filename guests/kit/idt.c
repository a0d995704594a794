#include "idt.h"

#include "gdt.h"
#include "power.h"
#include "serial.h"

struct idt_gate {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr; /* P | DPL << 5 | type (0xe interrupt gate) */
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t zero;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
static idt_handler_t handlers[256];

extern const uint64_t isr_stub_table[256];
void idt_dispatch(struct idt_frame *f);

static void set_gate(unsigned v, uint64_t entry, unsigned dpl)
{
    struct idt_gate *g = &idt[v];
    g->offset_lo = (uint16_t)entry;
    g->selector = GDT_KERNEL_CS;
    g->ist = 0;
    g->type_attr = (uint8_t)(0x80 | (dpl & 3) << 5 | 0x0e);
    g->offset_mid = (uint16_t)(entry >> 16);
    g->offset_hi = (uint32_t)(entry >> 32);
    g->zero = 0;
}

void idt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}

void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++)
        set_gate(v, isr_stub_table[v], (v == 3 || v == 4) ? 3 : 0);
    idt_load();
}

void idt_set_handler(unsigned vector, idt_handler_t h)
{
    if (vector < 256)
        handlers[vector] = h;
}

void idt_set_dpl(unsigned vector, unsigned dpl)
{
    if (vector < 256)
        idt[vector].type_attr = (uint8_t)((idt[vector].type_attr & ~0x60) | (dpl & 3) << 5);
}

void idt_set_ist(unsigned vector, unsigned ist)
{
    if (vector < 256)
        idt[vector].ist = (uint8_t)(ist & 7);
}

void idt_set_raw_gate(unsigned vector, void (*entry)(void), unsigned dpl)
{
    if (vector < 256)
        set_gate(vector, (uint64_t)(uintptr_t)entry, dpl);
}

void idt_dispatch(struct idt_frame *f)
{
    idt_handler_t h = handlers[f->vector & 0xff];
    if (h) {
        h(f);
        return;
    }
    idt_unhandled(f);
}

void idt_unhandled(struct idt_frame *f)
{
    kprintf_panic("KQVM-TEST: FAIL exception %lu err 0x%lx rip 0x%lx\n", f->vector, f->error,
                  f->rip);
    kprintf_panic("  cs 0x%lx rflags 0x%lx rsp 0x%lx ss 0x%lx\n", f->cs, f->rflags, f->rsp, f->ss);
    if (f->vector == 14) {
        uint64_t cr2;
        __asm__ volatile("movq %%cr2, %0" : "=r"(cr2));
        kprintf_panic("  cr2 0x%lx\n", cr2);
    }
    power_off();
}
