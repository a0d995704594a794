#include "gdt.h"

static uint64_t gdt[7] __attribute__((aligned(16))) = {
    0,
    0x00af9a000000ffffull, /* 0x08 code, DPL 0, L */
    0x00cf92000000ffffull, /* 0x10 data, DPL 0 */
    0x00cff2000000ffffull, /* 0x18 data, DPL 3 */
    0x00affa000000ffffull, /* 0x20 code, DPL 3, L */
    0,                     /* 0x28 TSS, low */
    0,                     /* 0x30 TSS, high */
};

void gdt_load(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt };

    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     "xorl %%eax, %%eax\n\t"
                     "movl %%eax, %%fs\n\t"
                     "movl %%eax, %%gs"
                     :
                     : "m"(gdtr), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS)
                     : "rax", "memory");
}

struct tss64 kit_tss __attribute__((aligned(16)));
static int tss_loaded;

void tss_init(void)
{
    if (tss_loaded)
        return;
    kit_tss.iomap_base = sizeof(kit_tss); /* no I/O bitmap */
    uint64_t base = (uint64_t)(uintptr_t)&kit_tss;
    uint64_t limit = sizeof(kit_tss) - 1;
    gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) /* P, type 9 */
             | ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
    gdt[6] = base >> 32;
    __asm__ volatile("ltr %w0" : : "r"(GDT_TSS) : "memory");
    tss_loaded = 1;
}

void tss_set_ist(unsigned n, void *stack_top)
{
    tss_init();
    if (n >= 1 && n <= 7)
        kit_tss.ist[n - 1] = (uint64_t)(uintptr_t)stack_top & ~15ull;
}
