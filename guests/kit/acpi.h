/* ACPI tables: the RSDP from the boot info (docs/guest-abi.md, field rsdp),
 * the XSDT (or the RSDT of a revision-0 RSDP), and the tables an interrupt
 * test needs: the MADT (local APIC address, processors, I/O APICs, interrupt
 * source overrides, local APIC NMI entries), the FADT and the HPET table.
 *
 * acpi_init() checks the RSDP (signature, both checksums) and the XSDT
 * (signature, checksum); acpi_find() checks each table's checksum before
 * returning it. Nothing is copied: the pointers are into the guest's own
 * identity-mapped memory (tables must lie below 4 GiB). */
#ifndef KIT_ACPI_H
#define KIT_ACPI_H

#include <stdint.h>

#include "kqvm_boot.h"

struct acpi_rsdp {
    char signature[8]; /* "RSD PTR " */
    uint8_t checksum;  /* over the first 20 bytes */
    char oem_id[6];
    uint8_t revision; /* 0: ACPI 1.0 (RSDT only); 2: ACPI 2.0+ (XSDT) */
    uint32_t rsdt_address;
    uint32_t length; /* revision >= 2 from here on */
    uint64_t xsdt_address;
    uint8_t ext_checksum; /* over all `length` bytes */
    uint8_t reserved[3];
} __attribute__((packed));

struct acpi_sdt_header {
    char signature[4];
    uint32_t length; /* of the whole table, header included */
    uint8_t revision;
    uint8_t checksum;
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __attribute__((packed));

/* Generic Address Structure */
struct acpi_gas {
    uint8_t space_id; /* 0 memory, 1 I/O */
    uint8_t bit_width;
    uint8_t bit_offset;
    uint8_t access_size;
    uint64_t address;
} __attribute__((packed));

/* The FADT up to the fields of ACPI 6.0's X_ blocks (276 bytes in all for
 * 6.x; older, shorter FADTs are read only as far as their length). */
struct acpi_fadt {
    struct acpi_sdt_header h; /* "FACP" */
    uint32_t firmware_ctrl;   /* 36 */
    uint32_t dsdt;            /* 40 */
    uint8_t reserved0;
    uint8_t preferred_pm_profile;
    uint16_t sci_int;          /* 46 */
    uint32_t smi_cmd;          /* 48 */
    uint8_t acpi_enable;       /* 52 */
    uint8_t acpi_disable;
    uint8_t s4bios_req;
    uint8_t pstate_cnt;
    uint32_t pm1a_evt_blk;     /* 56 */
    uint32_t pm1b_evt_blk;
    uint32_t pm1a_cnt_blk;     /* 64 */
    uint32_t pm1b_cnt_blk;
    uint32_t pm2_cnt_blk;
    uint32_t pm_tmr_blk;       /* 76 */
    uint32_t gpe0_blk;
    uint32_t gpe1_blk;
    uint8_t pm1_evt_len;       /* 88 */
    uint8_t pm1_cnt_len;       /* 89 */
    uint8_t pm2_cnt_len;
    uint8_t pm_tmr_len;        /* 91 */
    uint8_t gpe0_blk_len;
    uint8_t gpe1_blk_len;
    uint8_t gpe1_base;
    uint8_t cst_cnt;
    uint16_t p_lvl2_lat;       /* 96 */
    uint16_t p_lvl3_lat;
    uint16_t flush_size;
    uint16_t flush_stride;
    uint8_t duty_offset;       /* 104 */
    uint8_t duty_width;
    uint8_t day_alrm;
    uint8_t mon_alrm;
    uint8_t century;           /* 108 */
    uint16_t iapc_boot_arch;   /* 109 */
    uint8_t reserved1;
    uint32_t flags;            /* 112 */
    struct acpi_gas reset_reg; /* 116 */
    uint8_t reset_value;       /* 128 */
    uint16_t arm_boot_arch;
    uint8_t fadt_minor_version;
    uint64_t x_firmware_ctrl;  /* 132 */
    uint64_t x_dsdt;           /* 140 */
    struct acpi_gas x_pm1a_evt_blk; /* 148 */
    struct acpi_gas x_pm1b_evt_blk;
    struct acpi_gas x_pm1a_cnt_blk; /* 172 */
    struct acpi_gas x_pm1b_cnt_blk;
    struct acpi_gas x_pm2_cnt_blk;
    struct acpi_gas x_pm_tmr_blk;   /* 208 */
    struct acpi_gas x_gpe0_blk;
    struct acpi_gas x_gpe1_blk;
    struct acpi_gas sleep_control_reg; /* 244 */
    struct acpi_gas sleep_status_reg;
    uint64_t hypervisor_vendor_id; /* 268 */
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT layout");

/* FADT IAPC_BOOT_ARCH and flags bits */
#define ACPI_BOOT_LEGACY_DEVICES 0x0001u
#define ACPI_BOOT_8042           0x0002u
#define ACPI_FADT_RESET_REG_SUP  (1u << 10)
#define ACPI_FADT_HW_REDUCED     (1u << 20)

struct acpi_hpet_table {
    struct acpi_sdt_header h; /* "HPET" */
    uint32_t event_timer_block_id; /* the HPET's GCAP_ID bits 0-31 */
    struct acpi_gas base;          /* its registers (memory space) */
    uint8_t hpet_number;
    uint16_t min_tick;
    uint8_t page_protection;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_hpet_table) == 56, "HPET table layout");

/* What acpi_parse_madt collects. */
#define ACPI_MAX_CPUS     256
#define ACPI_MAX_IOAPICS  16
#define ACPI_MAX_ISOS     32
#define ACPI_MAX_LAPIC_NMIS 16

#define ACPI_MADT_PCAT_COMPAT 0x1u /* MADT flags: 8259 pair present */
#define ACPI_MADT_CPU_ENABLED 0x1u /* processor local APIC flags */
#define ACPI_MADT_CPU_ONLINE_CAPABLE 0x2u

struct acpi_cpu {
    uint8_t acpi_id;
    uint8_t apic_id;
    uint32_t flags;
};

struct acpi_ioapic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};

struct acpi_iso { /* interrupt source override */
    uint8_t bus;    /* 0: ISA */
    uint8_t source; /* the ISA IRQ */
    uint32_t gsi;
    uint16_t flags; /* MPS INTI flags: bits 0-1 polarity, 2-3 trigger */
};

struct acpi_lapic_nmi {
    uint8_t acpi_id; /* 0xff: all processors */
    uint16_t flags;
    uint8_t lint;    /* 0 or 1 */
};

struct acpi_madt_info {
    uint64_t lapic_address; /* the 32-bit field, or a type-5 override */
    uint32_t flags;         /* ACPI_MADT_PCAT_COMPAT */
    unsigned ncpus;         /* processor entries (type 0), enabled or not */
    struct acpi_cpu cpus[ACPI_MAX_CPUS];
    unsigned nioapics;
    struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
    unsigned nisos;
    struct acpi_iso isos[ACPI_MAX_ISOS];
    unsigned nnmis;
    struct acpi_lapic_nmi nmis[ACPI_MAX_LAPIC_NMIS];
    unsigned nother;     /* entries of other types (skipped) */
    unsigned ntruncated; /* entries that did not fit the arrays above */
};

/* Finds and checks the RSDP at bi->rsdp, then the XSDT (RSDT for revision
 * 0). Returns 0 on success; otherwise -1 and acpi_error() says why. */
int acpi_init(const struct kqvm_boot_info *bi);
/* Why the last acpi_* call failed (a static string). */
const char *acpi_error(void);
const struct acpi_rsdp *acpi_rsdp(void);
/* The root table (XSDT, or RSDT) and its number of entries. */
const struct acpi_sdt_header *acpi_root(void);
unsigned acpi_root_entries(void);
/* Entry i of the root table, unchecked (NULL past the end). */
const struct acpi_sdt_header *acpi_root_entry(unsigned i);
/* The index-th table with that signature (checksum checked), or NULL. */
const struct acpi_sdt_header *acpi_find(const char sig[4], unsigned index);
/* Nonzero if the bytes of the table sum to 0 mod 256. */
int acpi_checksum_ok(const void *table, uint32_t length);

/* Parses the MADT ("APIC"). Returns 0, or -1 (no MADT, or a malformed one:
 * acpi_error()). */
int acpi_parse_madt(struct acpi_madt_info *out);
/* The GSI an ISA IRQ arrives at: the override's, or the IRQ itself. */
uint32_t acpi_isa_irq_gsi(const struct acpi_madt_info *m, unsigned irq);
/* The I/O APIC whose GSI range [gsi_base, gsi_base + npins) holds gsi,
 * given each one's pin count (24 if pins is NULL); NULL if none. */
const struct acpi_ioapic *acpi_ioapic_for_gsi(const struct acpi_madt_info *m, uint32_t gsi,
                                              const unsigned *pins);

/* The FADT ("FACP"), or NULL. */
const struct acpi_fadt *acpi_fadt(void);
/* The DSDT the FADT points at (X_DSDT when set), checksum checked, or NULL. */
const struct acpi_sdt_header *acpi_dsdt(void);
/* The first HPET table: returns its register base and sets *table (if not
 * NULL), or returns 0 when there is none. */
uint64_t acpi_hpet_base(const struct acpi_hpet_table **table);

#endif
