/* An I/O APIC (82093AA register interface): IOREGSEL at base + 0x00,
 * IOWIN at base + 0x10, both accessed with 32-bit MOVs. Registers: 0x00 ID
 * (bits 24-27 on the 82093AA, 24-31 read here), 0x01 version (bits 0-7
 * version, 16-23 maximum redirection entry = pins - 1), 0x02 arbitration,
 * 0x10 + 2 * pin the redirection entry (low dword, then high). */
#ifndef KIT_IOAPIC_H
#define KIT_IOAPIC_H

#include <stdint.h>

#define IOAPIC_DEFAULT_BASE 0xfec00000u

#define IOAPIC_REG_ID      0x00
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_ARB     0x02
#define IOAPIC_REG_RTE(pin) (0x10 + 2 * (pin))

/* redirection entry bits (low dword) */
#define IOAPIC_RTE_VECTOR(v)   ((uint64_t)((v) & 0xff))
#define IOAPIC_RTE_DM_FIXED    (0ull << 8)
#define IOAPIC_RTE_DM_LOWEST   (1ull << 8)
#define IOAPIC_RTE_DM_NMI      (4ull << 8)
#define IOAPIC_RTE_DM_EXTINT   (7ull << 8)
#define IOAPIC_RTE_LOGICAL     (1ull << 11)
#define IOAPIC_RTE_DELIVS      (1ull << 12) /* read-only: send pending */
#define IOAPIC_RTE_ACTIVE_LOW  (1ull << 13)
#define IOAPIC_RTE_REMOTE_IRR  (1ull << 14) /* read-only: level interrupt accepted, no EOI yet */
#define IOAPIC_RTE_LEVEL       (1ull << 15)
#define IOAPIC_RTE_MASKED      (1ull << 16)
#define IOAPIC_RTE_DEST(apic)  ((uint64_t)((apic) & 0xff) << 56)

struct ioapic {
    uint64_t base;
    uint32_t gsi_base;
    unsigned npins; /* from the version register */
};

/* Fills io (npins from the version register; 0 if it reads all ones). */
void ioapic_init(struct ioapic *io, uint64_t base, uint32_t gsi_base);
uint32_t ioapic_read(const struct ioapic *io, uint8_t reg);
void ioapic_write(const struct ioapic *io, uint8_t reg, uint32_t v);
/* ID register bits 24-31 (the 82093AA defines 24-27). */
unsigned ioapic_id(const struct ioapic *io);
uint32_t ioapic_version(const struct ioapic *io);
/* (version >> 16 & 0xff) + 1 */
unsigned ioapic_pins_from_version(uint32_t version);

/* A fixed-delivery, physical-destination entry. */
uint64_t ioapic_rte(uint8_t vector, int level, int active_low, int masked, unsigned dest_apic_id);
/* Writes the entry: high dword first, then the low one (which holds the
 * mask), so the entry is complete when it unmasks. */
void ioapic_set_rte(const struct ioapic *io, unsigned pin, uint64_t rte);
uint64_t ioapic_get_rte(const struct ioapic *io, unsigned pin);
void ioapic_mask(const struct ioapic *io, unsigned pin);
void ioapic_unmask(const struct ioapic *io, unsigned pin);
/* Masks every pin (npins of them). */
void ioapic_mask_all(const struct ioapic *io);

#endif
