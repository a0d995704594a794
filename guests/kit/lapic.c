#include "lapic.h"

#include "io.h"

static uint64_t base = LAPIC_DEFAULT_BASE;

void lapic_set_base(uint64_t b)
{
    base = b;
}

uint64_t lapic_base(void)
{
    return base;
}

uint32_t lapic_read(unsigned reg)
{
    return mmio_read32(base + reg);
}

void lapic_write(unsigned reg, uint32_t v)
{
    mmio_write32(base + reg, v);
}

void lapic_mask_lvts(void)
{
    unsigned maxlvt = (lapic_version() >> 16) & 0xff;
    lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED);
    lapic_write(LAPIC_REG_LVT_LINT0, LAPIC_LVT_MASKED);
    lapic_write(LAPIC_REG_LVT_LINT1, LAPIC_LVT_MASKED);
    lapic_write(LAPIC_REG_LVT_ERROR, LAPIC_LVT_MASKED);
    if (maxlvt >= 4)
        lapic_write(LAPIC_REG_LVT_PERF, LAPIC_LVT_MASKED);
    if (maxlvt >= 5)
        lapic_write(LAPIC_REG_LVT_THERMAL, LAPIC_LVT_MASKED);
}

void lapic_enable(uint8_t spurious_vector, int keep_lvts)
{
    lapic_write(LAPIC_REG_SVR, LAPIC_SVR_ENABLE | spurious_vector);
    lapic_write(LAPIC_REG_TPR, 0);
    if (!keep_lvts)
        lapic_mask_lvts();
}

void lapic_disable(void)
{
    lapic_write(LAPIC_REG_SVR, lapic_read(LAPIC_REG_SVR) & ~LAPIC_SVR_ENABLE);
}

void lapic_eoi(void)
{
    lapic_write(LAPIC_REG_EOI, 0);
}

void lapic_set_tpr(uint8_t tpr)
{
    lapic_write(LAPIC_REG_TPR, tpr);
}

uint8_t lapic_get_tpr(void)
{
    return (uint8_t)lapic_read(LAPIC_REG_TPR);
}

unsigned lapic_id(void)
{
    return lapic_read(LAPIC_REG_ID) >> 24;
}

uint32_t lapic_version(void)
{
    return lapic_read(LAPIC_REG_VERSION);
}

void lapic_lint0_extint(int enable)
{
    lapic_write(LAPIC_REG_LVT_LINT0, enable ? LAPIC_DM_EXTINT : LAPIC_LVT_MASKED | LAPIC_DM_EXTINT);
}

void lapic_lint1_nmi(void)
{
    lapic_write(LAPIC_REG_LVT_LINT1, LAPIC_DM_NMI);
}

static int vec_bit(unsigned reg, uint8_t vector)
{
    return (lapic_read(reg + 0x10u * (vector >> 5)) >> (vector & 31)) & 1;
}

int lapic_isr_bit(uint8_t vector)
{
    return vec_bit(LAPIC_REG_ISR, vector);
}

int lapic_irr_bit(uint8_t vector)
{
    return vec_bit(LAPIC_REG_IRR, vector);
}

int lapic_tmr_bit(uint8_t vector)
{
    return vec_bit(LAPIC_REG_TMR, vector);
}

void lapic_timer_start(uint8_t vector, uint32_t count, int periodic)
{
    lapic_write(LAPIC_REG_TIMER_DIV, 0xb); /* divide by 1 */
    lapic_write(LAPIC_REG_LVT_TIMER, vector | (periodic ? LAPIC_TIMER_PERIODIC : 0));
    lapic_write(LAPIC_REG_TIMER_INIT, count);
}

void lapic_timer_stop(void)
{
    lapic_write(LAPIC_REG_TIMER_INIT, 0);
    lapic_write(LAPIC_REG_LVT_TIMER, LAPIC_LVT_MASKED);
}

uint32_t lapic_timer_current(void)
{
    return lapic_read(LAPIC_REG_TIMER_CUR);
}
