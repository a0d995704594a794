/* The x86 Linux boot protocol's structures (Documentation/arch/x86/boot.rst
 * and zero-page.rst): the setup header a bzImage carries at 0x1f1 and the
 * boot_params page ("zero page") a boot loader hands the kernel. kqvm's own
 * definitions, with only the fields it uses named: <asm/bootparam.h> exists
 * in x86 sysroots only, and the loaders build (and are unit-tested) on every
 * architecture. Offsets are checked below. */
#ifndef KQVM_BOOT_BOOTPARAM_H
#define KQVM_BOOT_BOOTPARAM_H

#include <stddef.h>
#include <stdint.h>

#define LOADED_HIGH 0x01                 /* loadflags: the kernel goes at 1 MiB or above */
#define XLF_KERNEL_64 0x01               /* xloadflags: a 64-bit entry at +0x200 */
#define XLF_CAN_BE_LOADED_ABOVE_4G 0x02  /* ... kernel, boot_params, initrd above 4 GiB */
#define E820_MAX_ENTRIES_ZEROPAGE 128

struct setup_header {
    uint8_t setup_sects;
    uint16_t root_flags;
    uint32_t syssize;
    uint16_t ram_size;
    uint16_t vid_mode;
    uint16_t root_dev;
    uint16_t boot_flag;
    uint16_t jump;
    uint32_t header;
    uint16_t version;
    uint32_t realmode_swtch;
    uint16_t start_sys_seg;
    uint16_t kernel_version;
    uint8_t type_of_loader;
    uint8_t loadflags;
    uint16_t setup_move_size;
    uint32_t code32_start;
    uint32_t ramdisk_image;
    uint32_t ramdisk_size;
    uint32_t bootsect_kludge;
    uint16_t heap_end_ptr;
    uint8_t ext_loader_ver;
    uint8_t ext_loader_type;
    uint32_t cmd_line_ptr;
    uint32_t initrd_addr_max;
    uint32_t kernel_alignment;
    uint8_t relocatable_kernel;
    uint8_t min_alignment;
    uint16_t xloadflags;
    uint32_t cmdline_size;
    uint32_t hardware_subarch;
    uint64_t hardware_subarch_data;
    uint32_t payload_offset;
    uint32_t payload_length;
    uint64_t setup_data;
    uint64_t pref_address;
    uint32_t init_size;
    uint32_t handover_offset;
    uint32_t kernel_info_offset;
} __attribute__((packed));

struct boot_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
} __attribute__((packed));

struct boot_params {
    uint8_t pad0[0x070];
    uint64_t acpi_rsdp_addr;
    uint8_t pad1[0x0c0 - 0x078];
    uint32_t ext_ramdisk_image;
    uint32_t ext_ramdisk_size;
    uint32_t ext_cmd_line_ptr;
    uint8_t pad2[0x1e8 - 0x0cc];
    uint8_t e820_entries;
    uint8_t pad3[0x1f1 - 0x1e9];
    struct setup_header hdr;
    uint8_t pad4[0x2d0 - 0x1f1 - sizeof(struct setup_header)];
    struct boot_e820_entry e820_table[E820_MAX_ENTRIES_ZEROPAGE];
    uint8_t pad5[0x1000 - 0x2d0 - E820_MAX_ENTRIES_ZEROPAGE * sizeof(struct boot_e820_entry)];
} __attribute__((packed));

_Static_assert(sizeof(struct setup_header) == 0x26c - 0x1f1, "setup header layout");
_Static_assert(offsetof(struct setup_header, version) == 0x206 - 0x1f1, "setup header layout");
_Static_assert(offsetof(struct setup_header, pref_address) == 0x258 - 0x1f1, "setup header layout");
_Static_assert(offsetof(struct boot_params, hdr) == 0x1f1, "boot_params layout");
_Static_assert(offsetof(struct boot_params, e820_table) == 0x2d0, "boot_params layout");
_Static_assert(sizeof(struct boot_params) == 0x1000, "boot_params is one page");

#endif
