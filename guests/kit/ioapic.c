#include "ioapic.h"

#include "io.h"

#define IOREGSEL 0x00
#define IOWIN    0x10

uint32_t ioapic_read(const struct ioapic *io, uint8_t reg)
{
    mmio_write32(io->base + IOREGSEL, reg);
    return mmio_read32(io->base + IOWIN);
}

void ioapic_write(const struct ioapic *io, uint8_t reg, uint32_t v)
{
    mmio_write32(io->base + IOREGSEL, reg);
    mmio_write32(io->base + IOWIN, v);
}

unsigned ioapic_pins_from_version(uint32_t version)
{
    return ((version >> 16) & 0xff) + 1;
}

void ioapic_init(struct ioapic *io, uint64_t base, uint32_t gsi_base)
{
    io->base = base;
    io->gsi_base = gsi_base;
    uint32_t v = ioapic_read(io, IOAPIC_REG_VERSION);
    io->npins = v == 0xffffffffu ? 0 : ioapic_pins_from_version(v);
}

unsigned ioapic_id(const struct ioapic *io)
{
    return ioapic_read(io, IOAPIC_REG_ID) >> 24;
}

uint32_t ioapic_version(const struct ioapic *io)
{
    return ioapic_read(io, IOAPIC_REG_VERSION);
}

uint64_t ioapic_rte(uint8_t vector, int level, int active_low, int masked, unsigned dest_apic_id)
{
    return IOAPIC_RTE_VECTOR(vector) | IOAPIC_RTE_DM_FIXED | (level ? IOAPIC_RTE_LEVEL : 0) |
           (active_low ? IOAPIC_RTE_ACTIVE_LOW : 0) | (masked ? IOAPIC_RTE_MASKED : 0) |
           IOAPIC_RTE_DEST(dest_apic_id);
}

void ioapic_set_rte(const struct ioapic *io, unsigned pin, uint64_t rte)
{
    ioapic_write(io, (uint8_t)(IOAPIC_REG_RTE(pin) + 1), (uint32_t)(rte >> 32));
    ioapic_write(io, (uint8_t)IOAPIC_REG_RTE(pin), (uint32_t)rte);
}

uint64_t ioapic_get_rte(const struct ioapic *io, unsigned pin)
{
    uint32_t lo = ioapic_read(io, (uint8_t)IOAPIC_REG_RTE(pin));
    uint32_t hi = ioapic_read(io, (uint8_t)(IOAPIC_REG_RTE(pin) + 1));
    return (uint64_t)hi << 32 | lo;
}

void ioapic_mask(const struct ioapic *io, unsigned pin)
{
    uint32_t lo = ioapic_read(io, (uint8_t)IOAPIC_REG_RTE(pin));
    ioapic_write(io, (uint8_t)IOAPIC_REG_RTE(pin), lo | (uint32_t)IOAPIC_RTE_MASKED);
}

void ioapic_unmask(const struct ioapic *io, unsigned pin)
{
    uint32_t lo = ioapic_read(io, (uint8_t)IOAPIC_REG_RTE(pin));
    ioapic_write(io, (uint8_t)IOAPIC_REG_RTE(pin), lo & ~(uint32_t)IOAPIC_RTE_MASKED);
}

void ioapic_mask_all(const struct ioapic *io)
{
    for (unsigned pin = 0; pin < io->npins && pin < 120; pin++)
        ioapic_set_rte(io, pin, IOAPIC_RTE_MASKED);
}
