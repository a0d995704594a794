/* The boot information kqvm hands a direct-entry guest (docs/guest-abi.md). */
#ifndef KQVM_BOOT_H
#define KQVM_BOOT_H

#include <stdint.h>

#define KQVM_BOOT_MAGIC   0x4d56514bu /* "KQVM" in memory */
#define KQVM_BOOT_VERSION 1u

#define KQVM_MEM_RAM      1u
#define KQVM_MEM_RESERVED 2u /* ROM, pass-through, device ranges */

/* Layout of the boot data area, as offsets from its base B (= page_tables). */
#define KQVM_BOOT_AREA_PML4      0x0000u
#define KQVM_BOOT_AREA_PDPT      0x1000u
#define KQVM_BOOT_AREA_PD        0x2000u
#define KQVM_BOOT_AREA_GDT       0x6000u
#define KQVM_BOOT_AREA_INFO      0x7000u
#define KQVM_BOOT_AREA_CMDLINE   0x8000u
#define KQVM_BOOT_AREA_STACK_TOP 0xf000u
#define KQVM_BOOT_AREA_SIZE      0xf000u /* 60 KiB */

struct kqvm_boot_mem {
    uint64_t base;
    uint64_t length;
    uint32_t type; /* KQVM_MEM_RAM or KQVM_MEM_RESERVED */
    uint32_t reserved;
};

struct kqvm_boot_info {
    uint32_t magic;       /* KQVM_BOOT_MAGIC */
    uint32_t version;     /* 1 */
    uint32_t ncpus;       /* vCPUs, APIC IDs 0..ncpus-1 */
    uint32_t nmem;        /* entries in mem[] */
    uint64_t cmdline;     /* GPA of the command line, 0 if there is none */
    uint64_t page_tables; /* GPA of the PML4 (B) */
    uint64_t rsdp;        /* GPA of the ACPI RSDP, 0 if none */
    uint64_t reserved[3];
    struct kqvm_boot_mem mem[]; /* sorted by base */
};

_Static_assert(sizeof(struct kqvm_boot_mem) == 24, "kqvm_boot_mem layout");
_Static_assert(sizeof(struct kqvm_boot_info) == 64, "kqvm_boot_info layout");

/* Base B of the boot data area. */
static inline uint64_t kqvm_boot_area(const struct kqvm_boot_info *bi)
{
    return bi->page_tables;
}

/* The command line, or "" when there is none. */
static inline const char *kqvm_cmdline(const struct kqvm_boot_info *bi)
{
    return bi->cmdline ? (const char *)(uintptr_t)bi->cmdline : "";
}

/* Sum of the lengths of the RAM entries, in bytes. */
static inline uint64_t kqvm_ram_bytes(const struct kqvm_boot_info *bi)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < bi->nmem; i++)
        if (bi->mem[i].type == KQVM_MEM_RAM)
            sum += bi->mem[i].length;
    return sum;
}

/* Nonzero if [addr, addr + len) lies inside one entry of the given type. */
static inline int kqvm_mem_covers(const struct kqvm_boot_info *bi, uint64_t addr, uint64_t len,
                                  uint32_t type)
{
    for (uint32_t i = 0; i < bi->nmem; i++) {
        const struct kqvm_boot_mem *m = &bi->mem[i];
        if (m->type == type && addr >= m->base && addr - m->base <= m->length &&
            len <= m->length - (addr - m->base))
            return 1;
    }
    return 0;
}

#endif
