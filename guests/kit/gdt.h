/* The kit's GDT, shared by every vCPU:
 *   0x00 null
 *   0x08 64-bit code, DPL 0   (same selectors as kqvm's boot GDT)
 *   0x10 data, DPL 0
 *   0x18 data, DPL 3          (selector 0x1b)
 *   0x20 64-bit code, DPL 3   (selector 0x23)
 *   0x28 64-bit TSS (16 bytes; the boot vCPU's kit_tss)
 */
#ifndef KIT_GDT_H
#define KIT_GDT_H

#include <stdint.h>

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_USER_DS   (0x18 | 3)
#define GDT_USER_CS   (0x20 | 3)
#define GDT_TSS       0x28

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

/* The boot vCPU's TSS: RSP0 for CPL 3 -> 0 (user.h), IST stacks. */
extern struct tss64 kit_tss;

/* Loads the GDT and reloads CS, DS, ES, SS (0x08/0x10), FS and GS (0). */
void gdt_load(void);
/* Writes kit_tss's descriptor (no I/O bitmap: IOPL alone decides) and loads
 * TR. Boot vCPU only; later calls do nothing. */
void tss_init(void);
/* IST stack n (1-7) of kit_tss; tss_init()s first. Use with idt_set_ist. */
void tss_set_ist(unsigned n, void *stack_top);

#endif
