/* The MC146818 RTC at io:0x70 (index; bit 7 is the PC's NMI mask, kept 0
 * here) and io:0x71 (data). Register A: bits 0-3 rate select (periodic rate
 * 32768 >> (RS - 1) Hz for RS 3-15; 0 = off), bits 4-6 divider (010 =
 * 32.768 kHz time base), bit 7 update in progress. Register B: bit 6 PIE
 * (periodic), 5 AIE (alarm), 4 UIE (update ended), 2 DM (binary), 1 24h.
 * Register C (read clears it, and the IRQ line): bit 7 IRQF, 6 PF, 5 AF,
 * 4 UF. ISA IRQ 8. */
#ifndef KIT_RTC_H
#define KIT_RTC_H

#include <stdint.h>

#define RTC_INDEX 0x70
#define RTC_DATA  0x71

#define RTC_REG_SECONDS 0x00
#define RTC_REG_SEC_ALARM 0x01
#define RTC_REG_MINUTES 0x02
#define RTC_REG_MIN_ALARM 0x03
#define RTC_REG_HOURS   0x04
#define RTC_REG_HOUR_ALARM 0x05
#define RTC_REG_A 0x0a
#define RTC_REG_B 0x0b
#define RTC_REG_C 0x0c
#define RTC_REG_D 0x0d

#define RTC_A_UIP  0x80
#define RTC_A_DV_32K 0x20
#define RTC_B_SET  0x80
#define RTC_B_PIE  0x40
#define RTC_B_AIE  0x20
#define RTC_B_UIE  0x10
#define RTC_B_DM   0x04
#define RTC_B_24H  0x02
#define RTC_C_IRQF 0x80
#define RTC_C_PF   0x40
#define RTC_C_AF   0x20
#define RTC_C_UF   0x10

uint8_t rtc_read(uint8_t reg);
void rtc_write(uint8_t reg, uint8_t v);
/* The rate select for a periodic rate: hz must be 2^k with 2 <= hz <= 8192;
 * returns RS (3-15), or 0 if hz is not such a rate. */
unsigned rtc_rate_select(uint32_t hz);
/* The periodic rate of a rate select (0 for RS 0). */
uint32_t rtc_rate_hz(unsigned rs);
/* Register A = 32.768 kHz divider | rs. */
void rtc_set_rate(unsigned rs);
/* Sets or clears interrupt enables in register B (RTC_B_PIE, _AIE, _UIE). */
void rtc_enable_irqs(uint8_t bits);
void rtc_disable_irqs(uint8_t bits);
/* Reads register C: acknowledges the interrupt (flags are returned). */
uint8_t rtc_ack(void);

#endif
