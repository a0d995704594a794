#include "rtc.h"

#include "io.h"

uint8_t rtc_read(uint8_t reg)
{
    outb(RTC_INDEX, reg & 0x7f);
    return inb(RTC_DATA);
}

void rtc_write(uint8_t reg, uint8_t v)
{
    outb(RTC_INDEX, reg & 0x7f);
    outb(RTC_DATA, v);
}

unsigned rtc_rate_select(uint32_t hz)
{
    for (unsigned rs = 3; rs <= 15; rs++)
        if (rtc_rate_hz(rs) == hz)
            return rs;
    return 0;
}

uint32_t rtc_rate_hz(unsigned rs)
{
    if (rs == 0 || rs > 15)
        return 0;
    if (rs < 3) /* 1: 256 Hz, 2: 128 Hz on the MC146818 */
        return rs == 1 ? 256 : 128;
    return 32768u >> (rs - 1);
}

void rtc_set_rate(unsigned rs)
{
    rtc_write(RTC_REG_A, (uint8_t)(RTC_A_DV_32K | (rs & 0xf)));
}

void rtc_enable_irqs(uint8_t bits)
{
    rtc_write(RTC_REG_B, rtc_read(RTC_REG_B) | bits);
}

void rtc_disable_irqs(uint8_t bits)
{
    rtc_write(RTC_REG_B, rtc_read(RTC_REG_B) & (uint8_t)~bits);
}

uint8_t rtc_ack(void)
{
    return rtc_read(RTC_REG_C);
}
